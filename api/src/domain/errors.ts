/**
 * Typed domain errors. Each channel has one mapper from these codes to its
 * own way of answering (HTTP status and JSON for the API, a Chinese sentence
 * in a chat). Messages are Chinese because they may reach citizens and staff.
 */
export const ERROR_CODES = [
  'VALIDATION',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'IDEMPOTENCY_MISMATCH',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'RATE_LIMITED',
  'UNAVAILABLE',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface FieldIssue {
  path: string;
  message: string;
}

export class DomainError extends Error {
  override name = 'DomainError';
  readonly code: ErrorCode;
  readonly details: FieldIssue[] | Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: FieldIssue[] | Record<string, unknown>) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

export const validationError = (message: string, path?: string) =>
  new DomainError('VALIDATION', message, path ? [{ path, message }] : undefined);
export const notFound = (message = '未找到') => new DomainError('NOT_FOUND', message);
export const forbidden = (message = '无权执行此操作') => new DomainError('FORBIDDEN', message);
export const conflict = (message: string, details?: Record<string, unknown>) => new DomainError('CONFLICT', message, details);
