import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { tickets } from '@hotline/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashRequest } from '../../api/src/domain/idempotency/idempotency.ts';
import { BODY_LIMITS, MAX_JSON_DEPTH } from '../../api/src/http/body-guard.ts';
import { createApp } from '../../api/src/http/app.ts';
import { createLogger } from '../../api/src/http/logger.ts';
import { mountSite } from '../../api/src/http/site.ts';
import type { AppDeps } from '../../api/src/http/types.ts';
import { seedKnowledge } from '../../api/src/seed/knowledge.ts';
import { type Bots, createBots } from '../../bots/src/index.ts';
import { ticketBody } from '../support/factories.ts';
import { client, createHarness, createStaff, type Harness, TEST_INTERNAL_TOKEN } from '../support/harness.ts';
import { BOT_INFO, TEST_BOT_TOKEN, updates } from '../support/telegram.ts';

// Issue 17, defects 1, 2, 3 and 9: what reaches the server at its edge. A
// real server over HTTP (bodies streamed, chunked or with a Content-Length),
// the portal mounted as `npm start` mounts it, and the Telegram webhook.

const SECRET = 'edge-webhook-secret-0123456789abcdef';
const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';

let h: Harness;
let api: ReturnType<typeof client>;
let server: ServerType;
let port: number;
let bots: Bots;

beforeAll(async () => {
  h = await createHarness();
  api = client(h);
  await seedKnowledge(await h.ctx({ kind: 'system', job: 'seed' }));
  bots = createBots({
    config: { telegram: { token: TEST_BOT_TOKEN, mode: 'webhook', webhookSecret: SECRET, apiRoot: 'http://127.0.0.1:9' }, sessionIdleMinutes: 30 },
    db: h.database.db,
    fetch: (request) => h.app.fetch(request),
    internalToken: TEST_INTERNAL_TOKEN,
    logger: createLogger('error'),
    telegram: { botInfo: BOT_INFO },
  });
  bots.mountWebhooks(h.app);
  // Only what mountSite reads of the app's deps: the harness app was built with these.
  const siteDeps = { internalToken: TEST_INTERNAL_TOKEN, secret: SIGNING_SECRET, config: { trustProxy: true, cookieSecure: false, powBits: 0 } } as AppDeps;
  await mountSite(h.app, siteDeps);
  server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  port = (server.address() as AddressInfo).port;
}, 120_000);
afterAll(async () => {
  await bots?.stop();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await h?.close();
});

let ip = 0;
const address = () => ({ 'x-forwarded-for': `198.19.${Math.floor(++ip / 250)}.${ip % 250}` });

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: any;
  /** Body bytes written before the answer arrived. */
  sent: number;
}

interface SendOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Stream this many bytes of `fill` in 64 KB chunks, stopping when the answer arrives. */
  stream?: { bytes: number; declare: boolean; fill?: string };
}

/** One request on a connection of its own; an oversized body is written until the server answers. */
function send(path: string, options: SendOptions = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...address(), ...(options.headers ?? {}) };
    if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));
    if (options.stream?.declare) headers['content-length'] = String(options.stream.bytes);
    const req = httpRequest({ host: '127.0.0.1', port, path, method: options.method ?? 'POST', headers, agent: false });
    let sent = 0;
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: any;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json, sent });
        req.destroy();
      });
    });
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    if (options.body !== undefined) {
      sent = Buffer.byteLength(options.body);
      req.end(options.body);
      return;
    }
    if (!options.stream) {
      req.end();
      return;
    }
    const chunk = Buffer.alloc(64 * 1024, options.stream.fill ?? ' ');
    const total = options.stream.bytes;
    const write = () => {
      while (!answered && !req.destroyed && sent < total) {
        const piece = total - sent >= chunk.length ? chunk : chunk.subarray(0, total - sent);
        sent += piece.length;
        if (!req.write(piece)) {
          req.once('drain', write);
          return;
        }
      }
      if (!answered && !req.destroyed) req.end();
    };
    write();
  });
}

const MB = 1024 * 1024;

function expectTooLarge(res: Answer) {
  expect(res.status, res.text.slice(0, 300)).toBe(413);
  expect(res.json?.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', requestId: expect.any(String) });
  expect(res.json.error.message).toMatch(/请求内容过大/);
}

describe('body size limits (defect 1)', () => {
  const publicEndpoints = ['/api/tickets', '/api/tickets/lookup', '/api/answer', '/api/intake/draft', '/api/kb/feedback'];

  it.each(publicEndpoints)('%s refuses 20 MB with a Content-Length at once, 413 in the error shape', async (path) => {
    const res = await send(path, { stream: { bytes: 20 * MB, declare: true } });
    expectTooLarge(res);
    // Answered on the declared length, long before the body was sent.
    expect(res.sent).toBeLessThan(20 * MB);
  });

  it.each(publicEndpoints)('%s stops reading a chunked 20 MB body past its limit', async (path) => {
    const res = await send(path, { stream: { bytes: 20 * MB, declare: false } });
    expectTooLarge(res);
    expect(res.sent).toBeLessThan(20 * MB);
  });

  it('a filing of normal size still goes through, and one just over the public limit does not', async () => {
    const ok = await send('/api/tickets', { body: JSON.stringify(ticketBody()) });
    expect(ok.status, ok.text).toBe(201);
    const padded = JSON.stringify(ticketBody({ description: '停水'.repeat(10) })).replace('"type"', `"pad":"${' '.repeat(BODY_LIMITS.publicJson)}","type"`);
    expectTooLarge(await send('/api/tickets', { body: padded }));
  });

  it('photo uploads keep their own limit: over it 413, a few hundred KB is not refused for size', async () => {
    const over = await send('/api/uploads', { headers: { 'content-type': 'multipart/form-data; boundary=x' }, stream: { bytes: BODY_LIMITS.upload + MB, declare: false } });
    expect(over.status).toBe(413);
    const big = await send('/api/uploads', { headers: { 'content-type': 'multipart/form-data; boundary=x' }, stream: { bytes: 300 * 1024, declare: true } });
    expect(big.status).not.toBe(413);
  });

  it('the knowledge import takes large bodies from an editor only; a stranger gets the public limit', async () => {
    const stranger = await send('/api/kb/import', { headers: { 'content-type': 'application/x-ndjson' }, stream: { bytes: 2 * MB, declare: false } });
    expectTooLarge(stranger);
    const editor = await createStaff(h, 'editor');
    const line = `${JSON.stringify({ id: 'EDGE1', question: '测试问题', alternates: [], answer: '测试答案'.repeat(10), category: 'other', keywords: [] })}\n`;
    const res = await send('/api/kb/import', {
      headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${editor.token}` },
      body: line + ' '.repeat(200 * 1024),
    });
    expect(res.status, res.text.slice(0, 300)).not.toBe(413);
  });

  it('the Telegram webhook: 413 past its limit while streaming, 415 without application/json', async () => {
    const headers = { 'x-telegram-bot-api-secret-token': SECRET };
    const big = await send('/webhooks/telegram', { headers, stream: { bytes: 20 * MB, declare: false } });
    expect(big.status).toBe(413);
    expect(big.sent).toBeLessThan(20 * MB);
    const declared = await send('/webhooks/telegram', { headers, stream: { bytes: 100 * MB, declare: true } });
    expect(declared.status).toBe(413);
    const wrongType = await send('/webhooks/telegram', { headers: { ...headers, 'content-type': 'text/plain' }, body: JSON.stringify(updates.text(71, '你好')) });
    expect(wrongType.status).toBe(415);
    // The adapter itself, mounted on an app without the API's edge, counts too.
    const direct = await bots.telegram!.webhook(
      new Request('http://x/webhooks/telegram', { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: `{"pad":"${' '.repeat(1024 * 1024)}"}` }),
    );
    expect(direct.status).toBe(413);
    const ok = await send('/webhooks/telegram', { headers, body: JSON.stringify(updates.text(72, '你好')) });
    expect(ok.status).toBe(200);
    await bots.telegram!.idle();
  });

  it('the WeChat webhook path is limited to 64 KB while streaming, before any route reads it', async () => {
    const res = await send('/webhooks/wechat?signature=x&timestamp=1&nonce=1', { headers: { 'content-type': 'text/xml' }, stream: { bytes: 5 * MB, declare: false } });
    expect(res.status).toBe(413);
    expect(res.sent).toBeLessThan(5 * MB);
  });

  it('the portal: form posts over 64 KB are refused with 413, streamed or declared; multipart declared over its limit too', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded', origin: `http://127.0.0.1:${port}` };
    const chunked = await send('/progress', { headers: form, stream: { bytes: 5 * MB, declare: false, fill: 'a' } });
    expect(chunked.status).toBe(413);
    expect(chunked.text).toMatch(/请求内容过大/);
    expect((await send('/ask', { headers: form, stream: { bytes: 20 * MB, declare: true, fill: 'a' } })).status).toBe(413);
    const multipart = { 'content-type': 'multipart/form-data; boundary=x', origin: `http://127.0.0.1:${port}` };
    expect((await send('/file', { headers: multipart, stream: { bytes: 100 * MB, declare: true } })).status).toBe(413);
    // A small form post still reaches the page.
    const small = await send('/progress', { headers: form, body: 'ticketNo=1&queryCode=2' });
    expect(small.status).toBe(200);
  });
});

/** `[[[…]]]`, `depth` levels. */
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('deep nesting (defect 2)', () => {
  it('POST /api/tickets with an Idempotency-Key and 5,000 nested arrays: 400, not a stack overflow', async () => {
    const body = JSON.stringify(ticketBody()).replace('"type"', `"extra":${nested(5000)},"type"`);
    const res = await send('/api/tickets', { headers: { 'idempotency-key': `edge-deep-${Date.now()}` }, body });
    expect(res.status, res.text.slice(0, 300)).toBe(400);
    expect(res.json.error).toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/嵌套过深/) });
  });

  it('the same body without the header, and a bare deep array, are refused too', async () => {
    const body = JSON.stringify(ticketBody()).replace('"type"', `"extra":${nested(5000)},"type"`);
    expect((await send('/api/tickets', { body })).status).toBe(400);
    expect((await send('/api/tickets', { body: nested(5000) })).status).toBe(400);
    expect((await send('/api/answer', { body: `{"q":${nested(MAX_JSON_DEPTH + 1)}}` })).status).toBe(400);
  });

  it('unknown fields in a filing are refused, not ignored', async () => {
    const res = await send('/api/tickets', { body: JSON.stringify(ticketBody({ isAdmin: true })) });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toMatch(/isAdmin/);
  });

  it('the idempotency hash bounds its own recursion', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 5000; i++) deep = [deep];
    expect(() => hashRequest('POST /api/tickets', { deep })).toThrow(/嵌套过深/);
  });
});

describe('control characters and lone surrogates (defect 3)', () => {
  const before = async () => Number((await h.database.db.select({ n: sql<number>`count(*)` }).from(tickets))[0]!.n);

  it.each([
    ['description', { description: '和平路停水\u0000已经两天' }],
    ['title', { title: '停水\u0000' }],
    ['location.address', { location: { district: 'dongcheng', address: '和平路\u0000 12 号' } }],
    ['description', { description: '和平路停水 \ud800 两天' }],
  ])('a filing with a bad character in %s: 400 naming the field, nothing stored', async (field, overrides) => {
    const count = await before();
    const res = await send('/api/tickets', { body: JSON.stringify(ticketBody(overrides)) });
    expect(res.status, res.text.slice(0, 300)).toBe(400);
    expect(res.json.error.code).toBe('VALIDATION');
    expect(res.json.error.details[0].path).toBe(field);
    expect(await before()).toBe(count);
  });

  it('a feedback question with NUL: 400', async () => {
    const res = await send('/api/kb/feedback', { body: JSON.stringify({ entryId: 'F093', helpful: false, question: '身份证\u0000丢了', channel: 'web' }) });
    expect(res.status, res.text.slice(0, 300)).toBe(400);
  });

  it('a NUL or an invalid encoding in the path or the query: 400', async () => {
    expect((await send('/api/kb/entries/%00', { method: 'GET' })).status).toBe(400);
    expect((await send('/api/kb/entries/F093%00', { method: 'GET' })).status).toBe(400);
    expect((await send('/api/kb/entries/%ED%A0%80', { method: 'GET' })).status).toBe(400);
    expect((await send('/api/kb/search?q=%00', { method: 'GET' })).status).toBe(400);
    expect((await send('/api/kb/entries/F093', { method: 'GET' })).status).toBe(200);
  });

  it('tabs and line breaks in text are kept', async () => {
    const res = await send('/api/tickets', { body: JSON.stringify(ticketBody({ description: '第一行\n第二行\t和平路停水' })) });
    expect(res.status, res.text).toBe(201);
  });

  it('a Telegram update with NUL is taken (cleaned), not refused for Telegram to retry', async () => {
    const res = await send('/webhooks/telegram', { headers: { 'x-telegram-bot-api-secret-token': SECRET }, body: JSON.stringify(updates.text(73, '你\u0000好')) });
    expect(res.status).toBe(200);
    await bots.telegram!.idle();
  });
});

describe('staff sessions, portal forms and TLS behind a proxy (defect 9)', () => {
  async function cookieLogin(headers: Record<string, string> = {}) {
    const staff = await createStaff(h, 'operator');
    const res = await send('/api/staff/login', { headers, body: JSON.stringify({ username: staff.username, password: staff.password }) });
    expect(res.status, res.text).toBe(200);
    return { res, cookie: `hl_session=${res.json.token}` };
  }

  it('a cookie request with Sec-Fetch-Site: cross-site and no Origin is refused; same-origin is not', async () => {
    const { cookie } = await cookieLogin();
    const cross = await send('/api/staff/logout', { headers: { cookie, 'sec-fetch-site': 'cross-site' }, body: '{}' });
    expect(cross.status).toBe(403);
    expect(cross.json.error.code).toBe('FORBIDDEN');
    const same = await send('/api/staff/logout', { headers: { cookie, 'sec-fetch-site': 'same-origin' }, body: '{}' });
    expect(same.status).toBeLessThan(300);
  });

  it('behind a trusted TLS proxy the session cookie is Secure and responses carry HSTS; over plain http neither', async () => {
    const { res } = await cookieLogin({ 'x-forwarded-proto': 'https' });
    expect(String(res.headers['set-cookie'])).toMatch(/;\s*Secure/i);
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    const page = await send('/', { method: 'GET', headers: { 'x-forwarded-proto': 'https' } });
    expect(page.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    const plain = await cookieLogin();
    expect(String(plain.res.headers['set-cookie'])).not.toMatch(/Secure/i);
    expect(plain.res.headers['strict-transport-security']).toBeUndefined();
  });

  it('without TRUST_PROXY the proxy header is not believed', async () => {
    const app = createApp({
      database: h.database,
      rules: h.rules,
      limiter: h.limiter,
      knowledge: h.knowledge,
      logger: createLogger('error'),
      config: { trustProxy: false, cookieSecure: false, powBits: 0 },
      secret: SIGNING_SECRET,
      now: h.clock.now,
      internalToken: TEST_INTERNAL_TOKEN,
    });
    const res = await app.request('/api/catalog', { headers: { 'x-forwarded-proto': 'https' } });
    expect(res.headers.get('strict-transport-security')).toBeNull();
  });

  it('POST /progress without the form token shows no ticket, whatever the action', async () => {
    const filed = await api.post('/api/tickets', ticketBody({ title: '边界测试专用标题' }), { headers: address() });
    expect(filed.status).toBe(201);
    const form = (action: string) =>
      new URLSearchParams({ action, ticketNo: filed.json.ticketNo, queryCode: filed.json.queryCode, processSatisfaction: 'satisfied', resultSatisfaction: 'satisfied', resolved: 'yes' }).toString();
    for (const action of ['lookup', 'rate', 'reopen']) {
      const res = await send('/progress', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form(action) });
      expect(res.status).toBe(200);
      expect(res.text, action).not.toContain('边界测试专用标题');
      expect(res.text).toContain('页面已过期');
    }
  });
});
