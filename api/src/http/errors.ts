import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from '@hono/zod-openapi';
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
    if (code === 'INTERNAL') c.get('logger')?.error('http exception', { requestId: c.get('requestId'), status: error.status, error: error.message });
    return errorResponse(c, new DomainError(code, message));
  }
  c.get('logger')?.error('unhandled error', {
    requestId: c.get('requestId'),
    path: c.req.path,
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    stack: error instanceof Error ? error.stack : undefined,
  });
  return errorResponse(c, new DomainError('INTERNAL', '服务器内部错误，请稍后重试'));
}
