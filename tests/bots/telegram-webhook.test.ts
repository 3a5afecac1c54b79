import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tickets } from '@hotline/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../api/src/http/logger.ts';
import { type Bots, createBots } from '../../bots/src/index.ts';
import { zhCN } from '../../bots/src/messages/zh-CN.ts';
import { TINY_PNG } from '../support/factories.ts';
import { createHarness, type Harness, TEST_INTERNAL_TOKEN } from '../support/harness.ts';
import { BOT_INFO, TEST_BOT_TOKEN, updates } from '../support/telegram.ts';

const SECRET = 'webhook-secret-0123456789abcdef';

/** A local Bot API server that records every call (TELEGRAM_API_ROOT points here). */
class RecordingBotApi {
  readonly calls: { method: string; body: Record<string, unknown>; at: number }[] = [];
  /** Chat ids whose next sendMessage is answered 429 with retry_after 1. */
  readonly limitOnce = new Set<string>();
  #server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '';
        if (path === `/file/bot${TEST_BOT_TOKEN}/photos/file_1.png`) {
          res.writeHead(200, { 'content-type': 'image/png' }).end(TINY_PNG);
          return;
        }
        const method = path.match(new RegExp(`^/bot${TEST_BOT_TOKEN.replace(':', '\\:')}/(\\w+)$`))?.[1];
        if (!method) {
          res.writeHead(404).end(JSON.stringify({ ok: false, error_code: 404, description: 'Not Found' }));
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
        this.calls.push({ method, body, at: Date.now() });
        const reply = (status: number, json: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
        if (method === 'sendMessage') {
          const chat = String(body.chat_id);
          if (this.limitOnce.delete(chat)) {
            reply(429, { ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
            return;
          }
          reply(200, { ok: true, result: { message_id: this.calls.length, date: 0, chat: { id: Number(chat), type: 'private' }, text: body.text } });
          return;
        }
        if (method === 'getFile') {
          reply(200, { ok: true, result: { file_id: body.file_id, file_unique_id: 'u1', file_size: TINY_PNG.length, file_path: 'photos/file_1.png' } });
          return;
        }
        reply(200, { ok: true, result: true });
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server!.address() as AddressInfo).port}`;
  }

  sent(chatId: number) {
    return this.calls.filter((c) => c.method === 'sendMessage' && String(c.body.chat_id) === String(chatId));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server?.close(() => resolve()) ?? resolve());
  }
}

let h: Harness;
let peer: RecordingBotApi;
let bots: Bots;

beforeAll(async () => {
  h = await createHarness({ knowledge: 'content' });
  peer = new RecordingBotApi();
  await peer.start();
  bots = createBots({
    config: { telegram: { token: TEST_BOT_TOKEN, mode: 'webhook', webhookSecret: SECRET, apiRoot: peer.url }, sessionIdleMinutes: 30 },
    db: h.database.db,
    fetch: (request) => h.app.fetch(request),
    internalToken: TEST_INTERNAL_TOKEN,
    logger: createLogger('error'),
    telegram: { botInfo: BOT_INFO },
  });
  bots.mountWebhooks(h.app);
}, 120_000);
afterAll(async () => {
  await bots?.stop();
  await peer?.close();
  await h?.close();
});

const post = (update: unknown, secret: string | null = SECRET) =>
  h.app.request('/webhooks/telegram', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(secret === null ? {} : { 'x-telegram-bot-api-secret-token': secret }) },
    body: JSON.stringify(update),
  });

describe('POST /webhooks/telegram', () => {
  it('refuses a wrong or missing secret token', async () => {
    expect((await post(updates.text(91, '你好'), 'wrong-secret-0123456789abcdef')).status).toBe(401);
    expect((await post(updates.text(91, '你好'), null)).status).toBe(401);
    await bots.telegram!.idle();
    expect(peer.sent(91)).toHaveLength(0);
  });

  it('acknowledges at once and answers through the Bot API server; a repeated update_id is handled once', async () => {
    const update = updates.text(92, '/start');
    const res = await post(update);
    expect(res.status).toBe(200);
    expect(await post(update)).toHaveProperty('status', 200);
    await bots.telegram!.idle();
    const sent = peer.sent(92);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body.text).toBe(zhCN.welcome);
    expect(sent[0]!.body.reply_markup).toMatchObject({ inline_keyboard: [[{ text: '我要反映', callback_data: '我要反映' }, { text: '我的工单' }, { text: '查询进度' }]] });
    expect((await post({ not: 'an update' })).status).toBe(400);
  });

  it('waits out retry_after on 429 and spaces messages to one chat', async () => {
    peer.limitOnce.add('93');
    expect((await post(updates.text(93, '请问一下家里突然没水了咋整'))).status).toBe(200);
    await bots.telegram!.idle();
    const calls = peer.sent(93);
    // The first try got 429, then the answer and "解决了吗？" went out.
    expect(calls).toHaveLength(3);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(950);
    expect(calls[2]!.at - calls[1]!.at).toBeGreaterThanOrEqual(900);
    expect(calls[2]!.body.text).toBe(zhCN.answer.solvedQuestion);
  }, 20_000);

  it('takes a photo through getFile into the filing', async () => {
    const chatId = 94;
    for (const update of [updates.text(chatId, '我要反映'), updates.text(chatId, '东城区和平路路灯坏了一个星期，晚上很黑'), updates.photo(chatId, 'photo-file-1', TINY_PNG.length)]) {
      await post(update);
      await bots.telegram!.idle();
    }
    const texts = peer.sent(chatId).map((c) => String(c.body.text));
    expect(texts.at(-1)).toBe(zhCN.filing.photoReceived(1));
    expect(peer.calls.some((c) => c.method === 'getFile' && c.body.file_id === 'photo-file-1')).toBe(true);
    const rows = await h.database.db.select().from(tickets).where(eq(tickets.channelUserId, `telegram:${chatId}`));
    expect(rows).toHaveLength(0);
  }, 30_000);
});
