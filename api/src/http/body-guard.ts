import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { ATTACHMENT_LIMITS } from '../domain/attachments/add-attachment.ts';
import { DomainError } from '../domain/errors.ts';
import { errorResponse } from './errors.ts';
import type { AppEnv } from './types.ts';

// The edge of every request body (issue 17): a size limit that fits the
// endpoint, enforced on the declared Content-Length and again while the bytes
// arrive (chunked bodies declare none), before anything parses them; and for
// JSON a bound on nesting and no control characters or lone surrogates in any
// string, since PostgreSQL refuses NUL and the idempotency hash recursed
// without bound. One place for every route, the chat webhooks and the
// portal's form posts, instead of a rule in each schema.

const KB = 1024;
const MB = 1024 * KB;
const decoder = new TextDecoder();

/** Bytes a request body may have, by where it goes. README "Security" lists them. */
export const BODY_LIMITS = {
  /** Filings, look-ups, answers, intake drafts, feedback, ratings: a filing is a few KB. */
  publicJson: 64 * KB,
  /** A photo (POST /api/uploads, …/attachments), multipart. */
  upload: ATTACHMENT_LIMITS.maxBytes + 64 * KB,
  /** Staff work: replies, notes, transitions. */
  staff: 256 * KB,
  /** Administration (settings, calendar, accounts) and knowledge editing. */
  admin: 1 * MB,
  /** POST /api/kb/import: JSON Lines of the whole knowledge base. */
  kbImport: 20 * MB,
  /** A Telegram update. */
  telegram: 256 * KB,
  /** A WeChat push (MAX_PUSH_BYTES of bots/src/wechat-oa/xml.ts). */
  wechat: 64 * KB,
  /** The portal's form posts (application/x-www-form-urlencoded). */
  portalForm: 64 * KB,
  /** The portal's no-script filing forms with their photos (multipart): six photos and the fields. */
  portalMultipart: 6 * (ATTACHMENT_LIMITS.maxBytes + 64 * KB) + 1 * MB,
} as const;

/** Deepest JSON nesting any endpoint accepts (a filing is 3 levels deep). */
export const MAX_JSON_DEPTH = 32;

const JSON_TYPE = /^application\/([\w.-]+\+)?json\s*(;|$)/i;
const JSON_LINES_TYPE = /^application\/(x-ndjson|jsonl|x-jsonlines)\s*(;|$)/i;
const MULTIPART = /^multipart\/form-data/i;
/** C0 controls except tab, line feed and carriage return (DEL and the rest are harmless text). */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;
const CONTROL_ALL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g;
/** A percent-encoded control character in a URL. */
const ENCODED_CONTROL = /%(0[0-8bcef]|1[0-9a-f])/i;

type Policy = { limit: number; kind: 'api' | 'webhook' | 'page' };

/** The limit of a request; the large ones only for a signed-in staff member, so a stranger cannot make us read 20 MB. */
export function bodyPolicy(path: string, contentType: string, signedIn: boolean): Policy {
  if (path.startsWith('/api/')) {
    if (path === '/api/uploads' || path.endsWith('/attachments')) return { limit: BODY_LIMITS.upload, kind: 'api' };
    if (!signedIn) return { limit: BODY_LIMITS.publicJson, kind: 'api' };
    if (path === '/api/kb/import') return { limit: BODY_LIMITS.kbImport, kind: 'api' };
    if (path.startsWith('/api/kb/admin/') || path.startsWith('/api/staff/admin/')) return { limit: BODY_LIMITS.admin, kind: 'api' };
    if (path.startsWith('/api/staff/')) return { limit: BODY_LIMITS.staff, kind: 'api' };
    return { limit: BODY_LIMITS.publicJson, kind: 'api' };
  }
  if (path.startsWith('/webhooks/')) {
    return { limit: path === '/webhooks/telegram' ? BODY_LIMITS.telegram : BODY_LIMITS.wechat, kind: 'webhook' };
  }
  return { limit: MULTIPART.test(contentType) ? BODY_LIMITS.portalMultipart : BODY_LIMITS.portalForm, kind: 'page' };
}

const sizeText = (bytes: number) => (bytes >= MB ? `${Math.round(bytes / MB)} MB` : `${Math.round(bytes / KB)} KB`);

function tooLarge(c: Context<AppEnv>, policy: Policy): Response {
  // The rest of the body is not wanted: close instead of draining it (@hono/node-server would read up to 64 MB).
  c.header('Connection', 'close');
  const message = `请求内容过大：此处最多接受 ${sizeText(policy.limit)}`;
  if (policy.kind === 'page') return c.text(message, 413);
  return errorResponse(c, new DomainError('PAYLOAD_TOO_LARGE', message));
}

export function bodyGuard(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const method = c.req.method;
    const path = c.req.path;
    const api = path.startsWith('/api/');
    if (api && !urlIsClean(c.req.url)) {
      return errorResponse(c, new DomainError('VALIDATION', '地址中含有控制字符或无效的编码'));
    }
    if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return next();

    const contentType = c.req.header('content-type') ?? '';
    const policy = bodyPolicy(path, contentType, c.get('actor') !== null);
    const declared = c.req.header('content-length');
    if (declared !== undefined && Number(declared) > policy.limit) return tooLarge(c, policy);
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;

    if (policy.kind === 'page') {
      // Astro reads the Node request itself (site.ts): hand it the bytes, or a counted stream.
      if (!incoming) return next();
      if (policy.limit === BODY_LIMITS.portalMultipart) {
        (incoming as { body?: unknown }).body = countedStream(incoming, policy.limit);
        return next();
      }
      const bytes = await readIncoming(incoming, policy.limit);
      if (!bytes) return tooLarge(c, policy);
      (incoming as { body?: unknown }).body = bytes;
      return next();
    }

    const bytes = incoming ? await readIncoming(incoming, policy.limit) : await readRequest(c.req.raw, policy.limit);
    if (!bytes) return tooLarge(c, policy);

    let body: Uint8Array = bytes;
    const json = JSON_TYPE.test(contentType);
    if (json || JSON_LINES_TYPE.test(contentType)) {
      const text = decoder.decode(bytes);
      const lines = json ? [text] : text.split('\n');
      let parsed: unknown;
      for (const line of lines) {
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch {
          continue; // malformed: the route says so in its own words
        }
        if (policy.kind === 'webhook') {
          // A chat network retries what it is refused: clean its update instead.
          const cleaned = cleanJson(value, 0);
          if (cleaned === TOO_DEEP) return errorResponse(c, new DomainError('VALIDATION', `请求内容嵌套过深（最多 ${MAX_JSON_DEPTH} 层）`));
          if (cleaned !== value) body = new TextEncoder().encode(JSON.stringify(cleaned));
          continue;
        }
        const problem = findProblem(value, 0, '');
        if (problem) return errorResponse(c, new DomainError('VALIDATION', problem.message, [{ path: problem.path || '(body)', message: problem.message }]));
        parsed = value;
      }
      // Hono's body cache holds promises (its type says otherwise): c.req.text() is this text.
      if (body === bytes) (c.req.bodyCache as Record<string, unknown>).text = Promise.resolve(text);
      if (json && policy.kind === 'api' && parsed !== undefined) {
        // Parsed once, here: the route's validator reads this value instead of parsing the text again
        // (the filing benchmark lost 14% to the second parse and the rebuilt request).
        const value = parsed;
        (c.req as { json: () => Promise<unknown> }).json = () => Promise.resolve(value);
        return next();
      }
    }
    // The stream is spent: later readers (validators, the Telegram adapter) get these bytes.
    c.req.raw = new Request(c.req.url, { method, headers: c.req.raw.headers, body: body as Uint8Array<ArrayBuffer> });
    return next();
  };
}

/** Path and query without encoded control characters or invalid UTF-8 (a lone surrogate cannot be encoded validly). */
export function urlIsClean(url: string): boolean {
  const at = url.indexOf('/', url.indexOf('//') + 2);
  const rest = at < 0 ? '' : url.slice(at);
  if (!rest.includes('%')) return true;
  if (ENCODED_CONTROL.test(rest)) return false;
  try {
    decodeURIComponent(rest);
    return true;
  } catch {
    return false;
  }
}

type Problem = { path: string; message: string };

const badText = (s: string): string | null =>
  CONTROL.test(s) ? '不能包含控制字符（如 \\u0000）' : !s.isWellFormed() ? '含有无效的 Unicode 字符（孤立的代理项）' : null;

/** The first string (or key) a database or a recursive walk must not get, or nesting beyond MAX_JSON_DEPTH. */
export function findProblem(value: unknown, depth: number, path: string): Problem | null {
  if (typeof value === 'string') {
    const bad = badText(value);
    return bad ? { path, message: `${path || '请求内容'}${bad}` } : null;
  }
  if (value === null || typeof value !== 'object') return null;
  if (depth >= MAX_JSON_DEPTH) return { path, message: `请求内容嵌套过深（最多 ${MAX_JSON_DEPTH} 层）` };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findProblem(value[i], depth + 1, path ? `${path}.${i}` : String(i));
      if (found) return found;
    }
    return null;
  }
  for (const key in value) {
    const keyProblem = badText(key);
    if (keyProblem) return { path, message: `字段名${keyProblem}` };
    const found = findProblem((value as Record<string, unknown>)[key], depth + 1, path ? `${path}.${key}` : key);
    if (found) return found;
  }
  return null;
}

const TOO_DEEP = Symbol('too deep');

/** The value with control characters dropped and lone surrogates replaced; the same object when nothing changed. */
function cleanJson(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return badText(value) ? value.replace(CONTROL_ALL, '').toWellFormed() : value;
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_JSON_DEPTH) return TOO_DEEP;
  let changed = false;
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  const out: [string | number, unknown][] = [];
  for (const [key, v] of entries) {
    const cleaned = cleanJson(v, depth + 1);
    if (cleaned === TOO_DEEP) return TOO_DEEP;
    const cleanKey = typeof key === 'string' ? (cleanJson(key, depth) as string) : key;
    if (cleaned !== v || cleanKey !== key) changed = true;
    out.push([cleanKey, cleaned]);
  }
  if (!changed) return value;
  return Array.isArray(value) ? out.map(([, v]) => v) : Object.fromEntries(out);
}

/**
 * Reads a Node request to its end, at most `limit` bytes; null as soon as it
 * goes over. The rest is not read here: after the answer @hono/node-server
 * drains at most 64 MB for 500 ms and then closes the connection.
 */
export function readIncoming(incoming: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (settle: () => void) => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onError);
      incoming.off('close', onClose);
      settle();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        incoming.pause();
        chunks.length = 0;
        finish(() => resolve(null));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish(() => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    const onError = () => finish(() => reject(new DomainError('VALIDATION', '请求内容未完整送达')));
    const onClose = () => {
      if (!incoming.readableEnded) onError();
    };
    if (incoming.readableEnded) {
      resolve(Buffer.alloc(0));
      return;
    }
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onError);
    incoming.on('close', onClose);
    incoming.resume();
  });
}

/** The same for a fetch Request (in-process calls from the portal's pages and the chat bots, tests). */
export async function readRequest(request: Request, limit: number): Promise<Uint8Array | null> {
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      // Not cancel(): undici's FormData body would still enqueue into the cancelled stream (an unhandled rejection).
      reader.releaseLock();
      return null;
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** The portal's multipart posts, passed to Astro as they arrive and cut off past the limit. */
async function* countedStream(incoming: IncomingMessage, limit: number): AsyncGenerator<Buffer> {
  let size = 0;
  for await (const chunk of incoming as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new Error(`body over ${limit} bytes`);
    yield chunk;
  }
}
