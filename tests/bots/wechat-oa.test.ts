import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachments, tickets } from '@hotline/db';
import { BotApiClient } from '../../bots/src/api-client.ts';
import { DialogEngine } from '../../bots/src/dialog/engine.ts';
import { type Bots, createBots, loadBotsConfig } from '../../bots/src/index.ts';
import type { WechatOaConfig } from '../../bots/src/wechat-oa/config.ts';
import { createWechatOfficialAccount } from '../../bots/src/wechat-oa/official-account.ts';
import { createHarness, type Harness } from '../support/harness.ts';
import {
  AES_KEY,
  APP_ID,
  APP_SECRET,
  FakeWechatApi,
  PNG_1X1,
  TOKEN,
  encryptedEnvelope,
  eventPush,
  filingAnswer,
  imagePush,
  optionNumber,
  pushQuery,
  replyFields,
  textPush,
  wechatDecrypt,
} from './wechat-peer.ts';

// Complete conversations on the official account: WeChat's server is
// simulated (signed XML pushes, a recording API server); the dialog engine,
// the API, the database and search are the real ones.

let h: Harness;
let peer: FakeWechatApi;
let dialog: DialogEngine;
let bots: Bots;
let counter = 0;
const nextId = () => String(6_400_000_000_000_000_000n + BigInt(++counter));

function account(options: { safe?: boolean; passiveReplyMs?: number } = {}) {
  const config: WechatOaConfig = {
    token: TOKEN,
    appId: APP_ID,
    appSecret: APP_SECRET,
    aesKey: options.safe ? AES_KEY : undefined,
    apiBase: peer.url,
    templateId: undefined,
    templateField: 'thing1',
    passiveReplyMs: options.passiveReplyMs ?? 4_500,
    timestampWindowMs: 5 * 60_000,
  };
  const oa = createWechatOfficialAccount({ config, dialog, db: h.database.db, now: h.clock.now });
  const createTime = () => Math.floor(h.clock.now().getTime() / 1000);
  const post = (body: string) => oa.app.request(`/webhooks/wechat?${pushQuery(h.clock.now())}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
  /** Sends a text as `user` and returns the passive reply's content ('' for "success"). */
  const say = async (user: string, content: string, msgId = nextId()) => {
    const res = await post(textPush({ from: user, content, msgId, createTime: createTime() }));
    expect(res.status).toBe(200);
    const text = await res.text();
    return text === 'success' ? '' : (replyFields(text).Content ?? '');
  };
  return { oa, post, say, createTime };
}

beforeAll(async () => {
  h = await createHarness({ knowledge: 'content' });
  peer = new FakeWechatApi();
  await peer.start();
  const api = new BotApiClient({ fetch: async (request) => h.app.fetch(request), baseUrl: 'http://hotline.internal', internalToken: 'test-internal-token' });
  dialog = new DialogEngine({ api, db: h.database.db, now: h.clock.now });
  // As `npm start` does: the bots from the environment, their webhooks on the API app before its first request.
  const config = loadBotsConfig({ WECHAT_TOKEN: TOKEN, WECHAT_APPID: APP_ID, WECHAT_APPSECRET: APP_SECRET, WECHAT_API_BASE: peer.url });
  const silent = { info() {}, warn() {}, error() {} };
  bots = createBots({ config, db: h.database.db, fetch: async (r) => h.app.fetch(r), internalToken: 'test-internal-token', logger: silent, now: h.clock.now });
  bots.mountWebhooks(h.app);
}, 180_000);
afterAll(async () => {
  await peer?.close();
  await h?.close();
});

const ticketsOf = (openId: string) =>
  h.database.db.select().from(tickets).where(and(eq(tickets.channel, 'wechat'), eq(tickets.channelUserId, `wechat-oa:${openId}`)));

describe('official account, end to end', () => {
  it('a follower is welcomed, asks, files a ticket with a photo (four retries of the confirmation: one ticket), lists it and checks progress', async () => {
    // The conversation, not WeChat's 5-second deadline (its own test below): on a loaded machine a
    // step can take longer, and the answer would come through the customer-service API instead.
    const { post, say, createTime, oa } = account({ passiveReplyMs: 30_000 });
    const user = 'oCitizenA0001';
    const welcome = await post(eventPush({ from: user, event: 'subscribe', createTime: createTime() }));
    const welcomeText = replyFields(await welcome.text()).Content!;
    expect(welcomeText).toContain(`${optionNumber(welcomeText, '我要反映')}. 我要反映`);

    const answer = await say(user, '家里突然停水了怎么办？');
    expect(answer).toContain('解决了吗？');
    const offer = await say(user, optionNumber(answer, '没解决'));
    let reply = await say(user, optionNumber(offer, '我要反映'));

    peer.media.set('MEDIA_WATER', { bytes: PNG_1X1, type: 'image/png' });
    let confirmation = '';
    for (let step = 0; step < 12; step++) {
      const next = filingAnswer(reply);
      if (next === null) throw new Error(`unexpected step:\n${reply}`);
      if ('done' in next) break;
      if ('photo' in next) {
        const res = await post(imagePush({ from: user, mediaId: 'MEDIA_WATER', msgId: nextId(), createTime: createTime() }));
        expect(await res.text()).not.toBe('');
        reply = await say(user, optionNumber(reply, '照片发完了'));
        continue;
      }
      if (reply.includes('请核对您的诉求')) {
        // WeChat delivers the confirmation four times at once.
        const msgId = nextId();
        const body = textPush({ from: user, content: next.text, msgId, createTime: createTime() });
        const responses = await Promise.all([1, 2, 3, 4].map(() => post(body)));
        const texts = await Promise.all(responses.map((r) => r.text()));
        expect(texts.filter((t) => t === 'success')).toHaveLength(3);
        confirmation = replyFields(texts.find((t) => t !== 'success')!).Content!;
        reply = confirmation;
        continue;
      }
      reply = await say(user, next.text);
    }
    await oa.idle();
    expect(confirmation).toContain('工单编号：');
    const ticketNo = /工单编号：(\d+)/.exec(confirmation)![1]!;
    const queryCode = /查询码：(\d{8})/.exec(confirmation)![1]!;
    const filed = await ticketsOf(user);
    expect(filed).toHaveLength(1);
    expect(filed[0]!.ticketNo).toBe(ticketNo);
    const photos = await h.database.db.select({ id: attachments.id }).from(attachments).where(eq(attachments.ticketId, filed[0]!.id));
    expect(photos).toHaveLength(1);
    expect(peer.sent().filter((c) => c.body?.touser === user)).toHaveLength(0);

    const mine = await say(user, '我的工单');
    expect(mine).toContain(ticketNo);
    const progress = await say(user, `${ticketNo} ${queryCode}`);
    expect(progress).toContain(`工单 ${ticketNo}`);
    expect(progress).toContain('状态：');
  });

  it('a slow answer: "success" at once, then the answer through the customer-service API', async () => {
    const { say, oa } = account({ passiveReplyMs: 0 });
    const user = 'oCitizenB0002';
    peer.calls = [];
    expect(await say(user, '计划停水通知在哪里查询？')).toBe('');
    await oa.idle();
    const sent = peer.sent().filter((c) => c.body?.touser === user);
    expect(sent.length).toBeGreaterThanOrEqual(1);
    expect(sent.map((c) => c.body.text.content).join('\n')).toContain('停水');
    expect(sent[0]!.query.get('access_token')).toMatch(/^ACCESS_TOKEN_\d+$/);
  });

  it('safe mode: an encrypted subscribe gets an encrypted welcome', async () => {
    const { oa } = account({ safe: true });
    const { body, encrypt } = encryptedEnvelope(eventPush({ from: 'oCitizenC0003', event: 'subscribe', createTime: Math.floor(h.clock.now().getTime() / 1000) }));
    const res = await oa.app.request(`/webhooks/wechat?${pushQuery(h.clock.now(), { encrypt })}`, { method: 'POST', body });
    const inner = wechatDecrypt(replyFields(await res.text()).Encrypt!);
    expect(inner.appId).toBe(APP_ID);
    expect(replyFields(inner.message).Content).toContain('我要反映');
  });

  it('runs inside the API app as `npm start` mounts it, configured from the environment', async () => {
    expect(bots.statusLines().join('\n')).toContain('微信公众号: 明文模式');
    expect(bots.statusLines().join('\n')).toContain('Wechaty');
    const user = 'oCitizenD0004';
    const body = eventPush({ from: user, event: 'subscribe', createTime: Math.floor(h.clock.now().getTime() / 1000) });
    const res = await h.app.request(`/webhooks/wechat?${pushQuery(h.clock.now())}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
    expect(res.status).toBe(200);
    expect(replyFields(await res.text()).Content).toContain('我要反映');
    const forged = await h.app.request(`/webhooks/wechat?${pushQuery(h.clock.now(), { token: 'wrongToken' })}`, { method: 'POST', body });
    expect(forged.status).toBe(401);
    peer.calls = [];
    expect(await bots.senders.get('wechat-oa')!.send(user, [{ text: '您的工单已派发' }])).toEqual({ delivered: true });
    expect(peer.sent().map((c) => c.body.text.content)).toEqual(['您的工单已派发']);
    await bots.stop();
  });
});
