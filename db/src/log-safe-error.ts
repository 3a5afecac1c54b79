/**
 * What a log line may say about a failure: its class and, for a database
 * error, the SQLSTATE and constraint name (schema words, never values).
 * Never the message: drizzle's message carries the query's parameters (a
 * citizen's name, phone, description, the query-code hash), a driver's may
 * quote a value, and a bot's may quote a chat message.
 */
export function safeErrorFields(error: unknown): { errorClass: string; sqlState?: string; constraint?: string; causeClass?: string } {
  const fields: { errorClass: string; sqlState?: string; constraint?: string; causeClass?: string } = { errorClass: className(error) };
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, constraint } = e as { code?: unknown; constraint?: unknown };
    if (!fields.sqlState && typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) fields.sqlState = code;
    if (!fields.constraint && typeof constraint === 'string' && /^[a-z0-9_]{1,63}$/.test(constraint)) fields.constraint = constraint;
    if (depth === 1) fields.causeClass = className(e);
  }
  return fields;
}

function className(value: unknown): string {
  if (value instanceof Error) return value.name && value.name !== 'Error' ? value.name : value.constructor?.name || 'Error';
  return value === null ? 'null' : typeof value;
}
