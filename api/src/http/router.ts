import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Actor, DomainContext } from '../domain/context.ts';
import { DomainError } from '../domain/errors.ts';
import { errorResponse, zodIssues } from './errors.ts';
import type { AppDeps, AppEnv } from './types.ts';

/** A router whose request validation failures answer in the API's error shape. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) {
        const issues = zodIssues(result.error);
        return errorResponse(c, new DomainError('VALIDATION', issues[0]?.message ?? '请求内容有误', issues));
      }
    },
  });
}

export type Router = ReturnType<typeof createRouter>;

/** The framework-free context a domain verb runs with. */
export async function domainContext(c: Context<AppEnv>, deps: AppDeps, actor?: Actor): Promise<DomainContext> {
  const who = actor ?? c.get('actor');
  if (!who) throw new DomainError('UNAUTHORIZED', '请先登录');
  return { db: deps.database.db, actor: who, now: deps.now ?? (() => new Date()), rules: await deps.rules.get() };
}

/** The client's address as a rate-limit key; requests without one share a bucket. */
export const clientKey = (c: Context<AppEnv>) => c.get('clientIp') ?? 'unknown';
