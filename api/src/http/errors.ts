import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from '@hono/zod-openapi';
import { safeErrorFields } from '@hotline/db';
import { DomainError, type ErrorCode, type FieldIssue } from '../domain/errors.ts';
import type { AppEnv } from './types.ts';

export const STATUS_BY_CODE: Record<ErrorCode, ContentfulStatusCode> = {
  VALIDATION: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  IDEMPOTENCY_MISMATCH: 422,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

/** The one error shape of the API. */
export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'VALIDATION' }),
      message: z.string().openapi({ example: '请求内容有误' }),
      requestId: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .openapi('Error');

export function zodIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(body)', message: issue.message }));
}

export function errorResponse(c: Context<AppEnv>, error: DomainError): Response {
  const status = STATUS_BY_CODE[error.code];
  const details = error.details;
  if (error.code === 'RATE_LIMITED' && details && !Array.isArray(details) && typeof details.retryAfterSeconds === 'number') {
    c.header('Retry-After', String(details.retryAfterSeconds));
  }
  return c.json(
    { error: { code: error.code, message: error.message, requestId: c.get('requestId'), ...(details !== undefined ? { details } : {}) } },
    status,
  );
}

/** Maps anything thrown below a route to the error shape; logs only what is our fault (5xx). */
export function toErrorResponse(c: Context<AppEnv>, error: unknown): Response {
  if (error instanceof DomainError) return errorResponse(c, error);
  if (error instanceof z.ZodError) {
    const issues = zodIssues(error);
    return errorResponse(c, new DomainError('VALIDATION', issues[0]?.message ?? '请求内容有误', issues));
  }
  if (error instanceof HTTPException) {
    const byStatus: Record<number, [ErrorCode, string]> = {
      400: ['VALIDATION', '请求内容无法解析，请检查 JSON 格式'],
      401: ['UNAUTHORIZED', '请先登录'],
      403: ['FORBIDDEN', '请求被拒绝'],
      413: ['PAYLOAD_TOO_LARGE', '请求内容过大'],
      415: ['UNSUPPORTED_MEDIA_TYPE', '请求的 Content-Type 不受支持，请使用 application/json'],
    };
    const [code, message] = byStatus[error.status] ?? ['INTERNAL', '服务器内部错误'];
    if (code === 'INTERNAL') c.get('logger')?.error('http exception', { requestId: c.get('requestId'), route: routeOf(c), status: 500, errorClass: 'HTTPException', httpStatus: error.status });
    return errorResponse(c, new DomainError(code, message));
  }
  // Class, request id, route and status only: the message and the stack's
  // first line may carry the SQL parameters (names, phones, descriptions).
  c.get('logger')?.error('unhandled error', {
    requestId: c.get('requestId'),
    method: c.req.method,
    route: routeOf(c),
    status: 500,
    ...safeErrorFields(error),
    at: error instanceof Error ? stackFrames(error) : undefined,
  });
  return errorResponse(c, new DomainError('INTERNAL', '服务器内部错误，请稍后重试'));
}

/** The matched route's pattern (`/api/tickets/:ticketNo/rating`), not the path with its values. */
function routeOf(c: Context<AppEnv>): string {
  try {
    return c.req.routePath || '(none)';
  } catch {
    return '(none)';
  }
}

/** Where it failed: the stack's frames (code locations) without its first line, which repeats the message. */
function stackFrames(error: Error): string[] | undefined {
  return error.stack
    ?.split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, 8)
    .map((line) => line.trim().slice(0, 200));
}
