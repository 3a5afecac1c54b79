import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chatInbound } from '@hotline/db';
import type { Dialog, InboundMessage, OutboundMessage } from '../../bots/src/dialog/types.ts';
import type { WechatOaConfig } from '../../bots/src/wechat-oa/config.ts';
import { loadWechatOaConfig } from '../../bots/src/wechat-oa/config.ts';
import { createWechatOfficialAccount, type WechatOfficialAccount } from '../../bots/src/wechat-oa/official-account.ts';
import { splitText } from '../../bots/src/wechat-oa/text.ts';
import { TestClock } from '../support/clock.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import {
  ACCOUNT,
  AES_KEY,
  APP_ID,
  APP_SECRET,
  FakeWechatApi,
  TOKEN,
  encryptedEnvelope,
  eventPush,
  imagePush,
  locationPush,
  pushQuery,
  replyFields,
  sign,
  textPush,
  wechatDecrypt,
  wechatEncrypt,
} from './wechat-peer.ts';

// Protocol-level tests: signatures, the cipher, dedupe and the passive/
// customer-service split, against a recording Dialog that only counts and
// echoes. The conversation itself is tested end to end in wechat-oa.test.ts.

/** Answers "答：<text>" after `delayMs`, recording what it was given. */
class RecordingDialog implements Dialog {
  calls: InboundMessage[] = [];
  delayMs = 0;
  answer: (m: InboundMessage) => OutboundMessage[] = (m) => [{ text: `答：${m.text ?? m.kind}` }];
  async handle(message: InboundMessage): Promise<OutboundMessage[]> {
    this.calls.push(message);
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    return this.answer(message);
  }
}

let database: TestDatabase;
let peer: FakeWechatApi;
const clock = new TestClock('2026-11-23T09:00:00+08:00');
let counter = 0;
const nextId = () => String(24_000_000_000_000_000n + BigInt(++counter) * 7919n);
const openId = () => `oUser${++counter}xYz`;

function account(options: { safe?: boolean; passiveReplyMs?: number; templateId?: string } = {}) {
  const dialog = new RecordingDialog();
  const config: WechatOaConfig = {
    token: TOKEN,
    appId: APP_ID,
    appSecret: APP_SECRET,
    aesKey: options.safe ? AES_KEY : undefined,
    apiBase: peer.url,
    templateId: options.templateId,
    templateField: 'thing1',
    passiveReplyMs: options.passiveReplyMs ?? 1_500,
    timestampWindowMs: 5 * 60_000,
  };
  const oa = createWechatOfficialAccount({ config, dialog, db: database.db, now: clock.now });
  const push = (body: string, query = pushQuery(clock.now())) =>
    oa.app.request(`/webhooks/wechat?${query}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
  return { oa, dialog, push };
}

beforeAll(async () => {
  database = await openTestDatabase();
  peer = new FakeWechatApi();
  await peer.start();
});
afterAll(async () => {
  await peer.close();
  await database.close();
});
beforeEach(() => {
  peer.calls = [];
});

describe('configuration', () => {
  it('is off without credentials, refuses a partial or malformed one', () => {
    expect(loadWechatOaConfig({})).toBeNull();
    expect(() => loadWechatOaConfig({ WECHAT_TOKEN: TOKEN })).toThrow(/须同时设置/);
    expect(() => loadWechatOaConfig({ WECHAT_TOKEN: TOKEN, WECHAT_APPID: APP_ID, WECHAT_APPSECRET: APP_SECRET, WECHAT_AES_KEY: 'short' })).toThrow(/43/);
    const config = loadWechatOaConfig({ WECHAT_TOKEN: TOKEN, WECHAT_APPID: APP_ID, WECHAT_APPSECRET: APP_SECRET, WECHAT_AES_KEY: AES_KEY });
    expect(config).toMatchObject({ aesKey: AES_KEY, apiBase: 'https://api.weixin.qq.com', passiveReplyMs: 4_500 });
  });
});

describe('GET handshake', () => {
  it('echoes echostr when the signature is right, refuses a wrong one and a stale one', async () => {
    const { oa } = account();
    const ts = String(Math.floor(clock.now().getTime() / 1000));
    const ok = await oa.app.request(`/webhooks/wechat?signature=${sign(TOKEN, ts, '42')}&timestamp=${ts}&nonce=42&echostr=8675309`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('8675309');
    const bad = await oa.app.request(`/webhooks/wechat?signature=${sign('other', ts, '42')}&timestamp=${ts}&nonce=42&echostr=8675309`);
    expect(bad.status).toBe(401);
    expect(await bad.text()).toBe('');
    const old = String(Number(ts) - 600);
    const stale = await oa.app.request(`/webhooks/wechat?signature=${sign(TOKEN, old, '42')}&timestamp=${old}&nonce=42&echostr=8675309`);
    expect(stale.status).toBe(403);
  });

  it('in safe mode decrypts an encrypted echostr signed with msg_signature', async () => {
    const { oa } = account({ safe: true });
    const ts = String(Math.floor(clock.now().getTime() / 1000));
    const echostr = wechatEncrypt('echo-5551234');
    const q = new URLSearchParams({ msg_signature: sign(TOKEN, ts, '7', echostr), signature: sign(TOKEN, ts, '7'), timestamp: ts, nonce: '7', echostr });
    const res = await oa.app.request(`/webhooks/wechat?${q}`);
    expect(await res.text()).toBe('echo-5551234');
    q.set('msg_signature', sign(TOKEN, ts, '8', echostr));
    expect((await oa.app.request(`/webhooks/wechat?${q}`)).status).toBe(401);
  });
});

describe('plaintext pushes', () => {
  it('answers a text message with a passive XML reply', async () => {
    const { push, dialog } = account();
    const user = openId();
    const res = await push(textPush({ from: user, content: '公积金怎么提取？', msgId: nextId() }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('xml');
    const reply = replyFields(await res.text());
    expect(reply).toMatchObject({ ToUserName: user, FromUserName: ACCOUNT, MsgType: 'text', Content: '答：公积金怎么提取？' });
    expect(dialog.calls).toHaveLength(1);
    expect(dialog.calls[0]).toMatchObject({ network: 'wechat-oa', chatUserId: user, kind: 'text', text: '公积金怎么提取？' });
  });

  it('refuses a bad signature and a stale timestamp without reading the message', async () => {
    const { push, dialog } = account();
    const msgId = nextId();
    const body = textPush({ from: openId(), content: '你好', msgId });
    const forged = await push(body, pushQuery(clock.now(), { token: 'notTheToken' }));
    expect(forged.status).toBe(401);
    expect(await forged.text()).toBe('');
    const stale = await push(body, pushQuery(new Date(clock.now().getTime() - 6 * 60_000)));
    expect(stale.status).toBe(403);
    const future = await push(body, pushQuery(new Date(clock.now().getTime() + 6 * 60_000)));
    expect(future.status).toBe(403);
    const unsigned = await push(body, 'timestamp=1&nonce=2');
    expect(unsigned.status).toBe(401);
    expect(dialog.calls).toHaveLength(0);
    const rows = await database.db.select().from(chatInbound).where(and(eq(chatInbound.network, 'wechat-oa'), eq(chatInbound.messageKey, `push:${msgId}`)));
    expect(rows).toHaveLength(0);
  });

  it('answers a replayed message (same MsgId, later) with "success" and does not run the dialog again', async () => {
    const { push, dialog } = account();
    const body = textPush({ from: openId(), content: '查询进度', msgId: nextId() });
    expect(replyFields(await (await push(body)).text()).Content).toBe('答：查询进度');
    const again = await push(body);
    expect(again.status).toBe(200);
    expect(await again.text()).toBe('success');
    // Another process (or a restart) sees the key in chat_inbound.
    const { push: pushElsewhere, dialog: other } = account();
    expect(await (await pushElsewhere(body)).text()).toBe('success');
    expect(dialog.calls).toHaveLength(1);
    expect(other.calls).toHaveLength(0);
  });

  it('four concurrent deliveries of one MsgId run the dialog once and carry the answer once', async () => {
    const { push, dialog, oa } = account();
    dialog.delayMs = 200;
    const body = textPush({ from: openId(), content: '路灯坏了', msgId: nextId() });
    const responses = await Promise.all([1, 2, 3, 4].map(() => push(body)));
    const texts = await Promise.all(responses.map((r) => r.text()));
    await oa.idle();
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(dialog.calls).toHaveLength(1);
    expect(texts.filter((t) => t === 'success')).toHaveLength(3);
    expect(texts.filter((t) => t.startsWith('<xml>'))).toHaveLength(1);
    expect(peer.sent()).toHaveLength(0);
  });

  it('answers "success" when the dialog is slow and sends the answer through the customer-service API', async () => {
    const { push, dialog, oa } = account({ passiveReplyMs: 150 });
    dialog.delayMs = 500;
    const user = openId();
    const started = Date.now();
    const res = await push(textPush({ from: user, content: '噪音扰民怎么办', msgId: nextId() }));
    expect(await res.text()).toBe('success');
    expect(Date.now() - started).toBeLessThan(450);
    await oa.idle();
    const sent = peer.sent();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body).toEqual({ touser: user, msgtype: 'text', text: { content: '答：噪音扰民怎么办' } });
    expect(sent[0]!.query.get('access_token')).toMatch(/^ACCESS_TOKEN_/);
  });

  it('turns buttons into numbered options and a number back into the button\'s reply', async () => {
    const { push, dialog } = account();
    dialog.answer = (m) =>
      m.text === '我要反映'
        ? [{ text: '请确认：', buttons: [{ label: '确认提交', reply: '确认' }, { label: '修改', reply: '修改' }] }]
        : [{ text: `收到：${m.text}` }];
    const user = openId();
    const first = replyFields(await (await push(textPush({ from: user, content: '我要反映', msgId: nextId() }))).text());
    expect(first.Content).toBe('请确认：\n\n1. 确认提交\n2. 修改\n（请回复序号选择）');
    const second = replyFields(await (await push(textPush({ from: user, content: '1', msgId: nextId() }))).text());
    expect(second.Content).toBe('收到：确认');
    // No options are open any more: a number is just text.
    const third = replyFields(await (await push(textPush({ from: user, content: '2', msgId: nextId() }))).text());
    expect(third.Content).toBe('收到：2');
  });

  it('splits a long answer: the first part passively, the rest through the customer-service API, each within 2048 bytes', async () => {
    const { push, dialog, oa } = account();
    const long = Array.from({ length: 60 }, (_, i) => `第${i + 1}条：市民服务热线办理须知，请携带身份证件前往办事大厅。`).join('\n');
    dialog.answer = () => [{ text: long }];
    const res = await push(textPush({ from: openId(), content: '办事须知', msgId: nextId() }));
    const first = replyFields(await res.text()).Content!;
    await oa.idle();
    const rest = peer.sent().map((c) => c.body.text.content as string);
    expect(rest.length).toBeGreaterThan(0);
    for (const part of [first, ...rest]) expect(Buffer.byteLength(part)).toBeLessThanOrEqual(2048);
    expect([first, ...rest].join('\n')).toBe(long);
    expect(splitText('一'.repeat(1000), 2000).map((p) => p.length)).toEqual([666, 334]);
  });

  it('subscribe starts the dialog (welcome and menu); other events are acknowledged and ignored; events dedupe by follower and time', async () => {
    const { push, dialog } = account();
    const user = openId();
    const welcome = await push(eventPush({ from: user, event: 'subscribe', createTime: 1_700_000_100 }));
    expect(replyFields(await welcome.text()).Content).toBe('答：start');
    expect(await (await push(eventPush({ from: user, event: 'subscribe', createTime: 1_700_000_100 }))).text()).toBe('success');
    expect(await (await push(eventPush({ from: user, event: 'VIEW', createTime: 1_700_000_200 }))).text()).toBe('success');
    expect(dialog.calls.map((c) => c.kind)).toEqual(['start']);
  });

  it('passes a location and a photo that downloads through the media API', async () => {
    const { push, dialog } = account();
    const user = openId();
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    peer.media.set('MEDIA_1', { bytes: png, type: 'image/png' });
    await push(locationPush({ from: user, msgId: nextId(), lat: '23.134521', lng: '113.358803', label: '人民路与解放路交叉口' }));
    expect(dialog.calls[0]).toMatchObject({ kind: 'location', location: { lat: 23.134521, lng: 113.358803, label: '人民路与解放路交叉口' } });
    await push(imagePush({ from: user, mediaId: 'MEDIA_1', msgId: nextId() }));
    const photo = dialog.calls[1]!;
    expect(photo.kind).toBe('photo');
    const downloaded = await photo.photo!.download();
    expect(downloaded.mimeType).toBe('image/png');
    expect(Buffer.from(downloaded.bytes).equals(png)).toBe(true);
    expect(peer.sent('/cgi-bin/media/get')[0]!.query.get('media_id')).toBe('MEDIA_1');
  });

  it('answers a voice message politely without the dialog, and refuses malformed XML and DTDs', async () => {
    const { push, dialog } = account();
    const user = openId();
    const voice = `<xml><ToUserName><![CDATA[${ACCOUNT}]]></ToUserName><FromUserName><![CDATA[${user}]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[voice]]></MsgType><MediaId><![CDATA[m]]></MediaId><Format><![CDATA[amr]]></Format><MsgId>${nextId()}</MsgId></xml>`;
    expect(replyFields(await (await push(voice)).text()).Content).toContain('文字');
    expect((await push('<xml><MsgType>text</MsgType>')).status).toBe(400);
    expect((await push('<!DOCTYPE xml [<!ENTITY a "aaaa">]><xml><Content>&a;</Content></xml>')).status).toBe(400);
    expect((await push(`<xml>${'x'.repeat(70_000)}</xml>`)).status).toBe(413);
    expect(dialog.calls).toHaveLength(0);
  });
});

describe('safe mode', () => {
  it('decrypts the push, checks msg_signature and answers encrypted', async () => {
    const { push, dialog } = account({ safe: true });
    const user = openId();
    const { body, encrypt } = encryptedEnvelope(textPush({ from: user, content: '安全模式测试', msgId: nextId() }));
    const res = await push(body, pushQuery(clock.now(), { encrypt }));
    expect(res.status).toBe(200);
    const outer = replyFields(await res.text());
    expect(outer.MsgSignature).toBe(sign(TOKEN, outer.TimeStamp!, outer.Nonce!, outer.Encrypt!));
    const inner = wechatDecrypt(outer.Encrypt!);
    expect(inner.appId).toBe(APP_ID);
    expect(inner.padding).toBeGreaterThanOrEqual(1);
    expect(inner.padding).toBeLessThanOrEqual(32);
    expect(replyFields(inner.message)).toMatchObject({ ToUserName: user, Content: '答：安全模式测试' });
    expect(dialog.calls).toHaveLength(1);
  });

  it('refuses a wrong msg_signature, another AppID and a plaintext push', async () => {
    const { push, dialog } = account({ safe: true });
    const inner = textPush({ from: openId(), content: '你好', msgId: nextId() });
    const { body, encrypt } = encryptedEnvelope(inner);
    expect((await push(body, pushQuery(clock.now(), { encrypt: encrypt.slice(1) }))).status).toBe(401);
    const foreign = wechatEncrypt(inner, 'wx0000000000000000');
    const foreignBody = `<xml><ToUserName><![CDATA[${ACCOUNT}]]></ToUserName><Encrypt><![CDATA[${foreign}]]></Encrypt></xml>`;
    expect((await push(foreignBody, pushQuery(clock.now(), { encrypt: foreign }))).status).toBe(400);
    expect((await push(inner)).status).toBe(400);
    expect(dialog.calls).toHaveLength(0);
  });
});

describe('customer-service sender (status notifications)', () => {
  it('sends within 48 hours and 5 messages of the last message, then falls back to the template or reports undeliverable', async () => {
    const { push, oa } = account();
    const user = openId();
    await push(textPush({ from: user, content: '你好', msgId: nextId() }));
    expect(await oa.sender.send(user, [{ text: '您的工单已派发' }])).toEqual({ delivered: true });
    expect(peer.sent().at(-1)!.body).toMatchObject({ touser: user, text: { content: '您的工单已派发' } });
    for (let i = 0; i < 4; i++) await oa.sender.send(user, [{ text: `进展${i}` }]);
    expect(peer.sent()).toHaveLength(5);
    const sixth = await oa.sender.send(user, [{ text: '第六条' }]);
    expect(sixth).toMatchObject({ delivered: false });
    expect(peer.sent()).toHaveLength(5);

    const templated = account({ templateId: 'TEMPLATE_ID_1' });
    const other = openId();
    await templated.push(textPush({ from: other, content: '你好', msgId: nextId() }));
    clock.advance({ hours: 49 });
    try {
      expect(await templated.oa.sender.send(other, [{ text: '已办结' }])).toEqual({ delivered: true });
      const template = peer.sent('/cgi-bin/message/template/send');
      expect(template).toHaveLength(1);
      expect(template[0]!.body).toMatchObject({ touser: other, template_id: 'TEMPLATE_ID_1', data: { thing1: { value: expect.any(String) } } });
      expect(peer.sent().filter((c) => c.body.touser === other)).toHaveLength(0);
      const untemplated = await oa.sender.send(user, [{ text: '已办结' }]);
      expect(untemplated).toMatchObject({ delivered: false, reason: expect.stringMatching(/check progress themselves/) });
    } finally {
      clock.advance({ hours: -49 });
    }
  });

  it('fetches the access token once for concurrent sends and again when WeChat says it expired', async () => {
    const { push, oa } = account();
    const users = [openId(), openId(), openId()];
    for (const u of users) await push(textPush({ from: u, content: '你好', msgId: nextId() }));
    const before = peer.tokensIssued;
    await Promise.all(users.map((u) => oa.sender.send(u, [{ text: '通知' }])));
    expect(peer.tokensIssued).toBe(before + 1);
    peer.rotateToken();
    expect(await oa.sender.send(users[0]!, [{ text: '再通知' }])).toEqual({ delivered: true });
    expect(peer.tokensIssued).toBe(before + 3);
    const last = peer.sent().at(-1)!;
    expect(last.query.get('access_token')).toBe(`ACCESS_TOKEN_${peer.tokensIssued}`);
  });

  it('treats WeChat\'s out-of-window refusal (45015) as a closed window', async () => {
    const { push, oa } = account();
    const user = openId();
    await push(textPush({ from: user, content: '你好', msgId: nextId() }));
    peer.customSendErrors.push(45015);
    expect(await oa.sender.send(user, [{ text: '通知' }])).toMatchObject({ delivered: false });
  });
});
