import { randomUUID, timingSafeEqual } from 'node:crypto';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { DomainError } from '../domain/errors.ts';
import { resolveSession } from '../domain/staff/sessions.ts';
import { errorResponse } from './errors.ts';
import type { AppDeps, AppEnv } from './types.ts';

export const SESSION_COOKIE = 'hl_session';

export function requestContext(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && /^[\w.-]{8,64}$/.test(incoming) ? incoming : randomUUID();
    c.set('requestId', requestId);
    c.set('logger', deps.logger);
    c.set('clientIp', clientIp(c, deps));
    c.set('actor', null);
    c.set('authVia', null);
    c.set('sessionToken', null);
    c.header('X-Request-Id', requestId);
    if (arrivedOverHttps(c, deps)) c.header('Strict-Transport-Security', HSTS);
    const started = performance.now();
    await next();
    // Path only: query strings and bodies may hold personal data.
    deps.logger.info('request', {
      requestId,
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    });
  };
}

/** Browsers keep to https for a year once they have seen it over https. */
export const HSTS = 'max-age=31536000';

/** Whether the citizen's connection was TLS, on the word of a trusted proxy (X-Forwarded-Proto). */
export function arrivedOverHttps(c: Context<AppEnv>, deps: Pick<AppDeps, 'config'>): boolean {
  if (!deps.config.trustProxy) return false;
  const proto = c.req.header('x-forwarded-proto');
  return proto !== undefined && proto.split(',')[0]!.trim().toLowerCase() === 'https';
}

/** Cookies are Secure when COOKIE_SECURE=1 or the request arrived over https through a trusted proxy. */
export const secureCookies = (c: Context<AppEnv>, deps: Pick<AppDeps, 'config'>): boolean => deps.config.cookieSecure || arrivedOverHttps(c, deps);

/**
 * Whether the request comes from this process's own channels (the portal's
 * pages, the chat bots): they carry the per-process internal token.
 * Constant-time, so the token cannot be guessed byte by byte.
 */
export function isInternalRequest(c: Context<AppEnv>, deps: Pick<AppDeps, 'internalToken'>): boolean {
  const internal = c.req.header('x-hotline-internal');
  if (!internal) return false;
  const given = Buffer.from(internal);
  const expected = Buffer.from(deps.internalToken);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function clientIp(c: Context<AppEnv>, deps: AppDeps): string | null {
  if (isInternalRequest(c, deps)) {
    return c.req.header('x-hotline-client-ip') || null;
  }
  if (deps.config.trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
  }
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    return null; // no socket, e.g. app.request() in tests
  }
}

/**
 * Headers for API responses: nothing cached unless a route says otherwise,
 * nothing sniffed, no referrer leaks. Set before the handler runs: setting
 * them on a finished response makes Hono copy the whole response.
 */
export const apiHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('Referrer-Policy', 'no-referrer');
  c.header('X-Frame-Options', 'DENY');
  c.header('Cache-Control', 'no-store');
  await next();
};

/**
 * Resolves the staff session from the cookie or an `Authorization: Bearer`
 * token. Cookie-authenticated writes must come from our own origin (the
 * cookie is also SameSite=Strict): a CSRF defence that needs no token.
 */
export function staffSession(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const bearer = c.req.header('authorization')?.match(/^Bearer\s+(\S+)$/i)?.[1];
    const cookie = getCookie(c, SESSION_COOKIE);
    const token = bearer ?? cookie;
    if (token) {
      const actor = await resolveSession(deps.database.db, token, (deps.now ?? (() => new Date()))());
      if (actor) {
        c.set('actor', actor);
        c.set('authVia', bearer ? 'bearer' : 'cookie');
        c.set('sessionToken', token);
      }
    }
    if (c.get('authVia') === 'cookie' && !['GET', 'HEAD', 'OPTIONS'].includes(c.req.method)) {
      const origin = c.req.header('origin');
      const host = c.req.header('host');
      // A browser that sends no Origin still says where the request came from.
      const site = c.req.header('sec-fetch-site');
      if ((site && site !== 'same-origin' && site !== 'none') || (origin && host && originHost(origin) !== host)) {
        return errorResponse(c, new DomainError('FORBIDDEN', '跨站请求被拒绝'));
      }
    }
    await next();
  };
}

export const requireLogin: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!c.get('actor')) return errorResponse(c, new DomainError('UNAUTHORIZED', '请先登录'));
  await next();
};

function originHost(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null; // "null" (sandboxed frames, file://) never matches
  }
}
