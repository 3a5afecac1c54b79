import { ticketEvents, tickets } from '@hotline/db';
import { and, eq } from 'drizzle-orm';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotApiClient } from '../../bots/src/api-client.ts';
import { DialogEngine } from '../../bots/src/dialog/engine.ts';
import { zhCN } from '../../bots/src/messages/zh-CN.ts';
import { createWechatyBot, type WechatyBot } from '../../bots/src/wechaty/wechaty-bot.ts';
import { ticketBody } from '../support/factories.ts';
import { client, createHarness, createStaff, type Harness, TEST_INTERNAL_TOKEN, type TestStaff } from '../support/harness.ts';
import { recordingBots, type SentMessage, updates } from '../support/telegram.ts';
import { NORMAL_SENTENCE, URGENT_SENTENCE } from '../support/urgency-sentences.ts';
import { filingAnswer, optionNumber } from './wechat-peer.ts';

// One urgency rule on every channel (issue 16): the same words filed over the
// HTTP API, the Telegram bot and the WeChat bot get the same urgency, decided
// by the server (the portal form: tests/browser/urgency-form.test.ts), with
// the reason on the ticket's creation event.

let h: Harness;
let api: ReturnType<typeof client>;
let operator: TestStaff;
let wechaty: WechatyBot;
let mocker: mock.Mocker;
let self: mock.ContactMock;
let chatSeq = 90_000;

beforeAll(async () => {
  h = await createHarness({ knowledge: 'content' });
  api = client(h);
  operator = await createStaff(h, 'operator');
  const botApi = new BotApiClient({ fetch: async (request) => h.app.fetch(request), baseUrl: 'http://hotline.internal', internalToken: TEST_INTERNAL_TOKEN });
  mocker = new mock.Mocker();
  wechaty = createWechatyBot({ dialog: new DialogEngine({ api: botApi, db: h.database.db, now: h.clock.now }), puppet: { instance: new PuppetMock({ mocker }) } });
  const loggedIn = new Promise((resolve) => wechaty.wechaty.once('login', resolve));
  await wechaty.start();
  self = mocker.createContact({ name: '示范市12345' });
  mocker.login(self);
  await loggedIn;
}, 180_000);
afterAll(async () => {
  await wechaty?.stop();
  await h?.close();
});

async function stored(ticketNo: string) {
  const [ticket] = await h.database.db.select().from(tickets).where(eq(tickets.ticketNo, ticketNo));
  const [event] = await h.database.db.select().from(ticketEvents).where(and(eq(ticketEvents.ticketId, ticket!.id), eq(ticketEvents.action, 'submit')));
  return { ticket: ticket!, why: (event!.data as { urgency: { level: string; by: string; rules: string[]; words: string[]; model: number | null; claimed?: string } }).urgency };
}

async function fileByApi(sentence: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await api.post('/api/tickets', ticketBody({ title: sentence.split('，')[0], description: sentence, category: undefined, ...overrides }));
  expect(res.status, res.text).toBe(201);
  return res.json.ticketNo;
}

async function fileByTelegram(sentence: string): Promise<string> {
  const bot = recordingBots(h);
  const chatId = ++chatSeq;
  const texts = (m: SentMessage[]) => m.map((x) => x.text).join('\n');
  expect(texts(await bot.say(updates.text(chatId, '我要反映')))).toContain(zhCN.filing.start);
  let reply = await bot.say(updates.text(chatId, sentence));
  // Answer whatever is asked, as a citizen would, until the summary.
  for (let step = 0; step < 8 && !texts(reply).includes(zhCN.filing.summaryTitle); step++) {
    const asked = texts(reply);
    const buttons = reply.flatMap((x) => x.buttons.map((b) => b.label));
    if (asked.includes('姓名和手机号')) reply = await bot.say(updates.text(chatId, `张三 139${String(chatId).padStart(8, '0')}`));
    else if (asked.includes(zhCN.filing.askPhotos)) reply = await bot.say(updates.tap(chatId, zhCN.buttons.done));
    else if (buttons.includes(zhCN.buttons.fileMine)) reply = await bot.say(updates.tap(chatId, zhCN.buttons.fileMine));
    else if (buttons.includes(zhCN.buttons.today)) reply = await bot.say(updates.tap(chatId, zhCN.buttons.today));
    else if (buttons.length > 0) reply = await bot.say(updates.tap(chatId, buttons[0]!));
    else throw new Error(`unexpected step:\n${asked}`);
  }
  const receipt = await bot.say(updates.tap(chatId, zhCN.buttons.confirm));
  return /工单编号：(\d+)/.exec(texts(receipt))![1]!;
}

async function fileByWechat(sentence: string): Promise<string> {
  const citizen = mocker.createContact({ name: `市民${++chatSeq}` });
  const heard: string[] = [];
  (citizen as unknown as { on(event: 'message', listener: (message: mock.MessageMock) => void): void }).on('message', (message) => {
    if (message.talker().id === self.id) heard.push(message.text() ?? '');
  });
  const ask = async (text: string) => {
    const from = heard.length;
    citizen.say(text).to(self);
    const deadline = Date.now() + 15_000;
    while (heard.length === from && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await wechaty.idle();
    await new Promise((r) => setTimeout(r, 50));
    await wechaty.idle();
    return heard.slice(from).join('\n');
  };
  expect(await ask('我要反映')).toContain(zhCN.filing.start);
  let reply = await ask(sentence);
  for (let step = 0; step < 12; step++) {
    const next = filingAnswer(reply);
    if (next === null) throw new Error(`unexpected step:\n${reply}`);
    if ('done' in next) break;
    reply = 'photo' in next ? await ask(optionNumber(reply, '照片发完了')) : await ask('text' in next && next.text.startsWith('张三') ? `张三 138${String(chatSeq).padStart(8, '0')}` : next.text);
  }
  return /工单编号：(\d+)/.exec(reply)![1]!;
}

describe('one urgency rule on every channel', () => {
  it('the urgent sentence is urgent over the API, Telegram and WeChat, with the rule and its words on the creation event', async () => {
    const filed = { api: await fileByApi(URGENT_SENTENCE), telegram: await fileByTelegram(URGENT_SENTENCE), wechat: await fileByWechat(URGENT_SENTENCE) };
    for (const [channel, ticketNo] of Object.entries(filed)) {
      const { ticket, why } = await stored(ticketNo);
      expect(ticket.urgency, channel).toBe('urgent');
      expect(ticket.description, channel).toContain(URGENT_SENTENCE);
      expect(why, channel).toMatchObject({ level: 'urgent', by: 'rule' });
      expect(why.rules.length, channel).toBeGreaterThan(0);
      expect(why.words, channel).toContain('摇摇欲坠');
      expect(why.model, channel).toBeTypeOf('number');
    }
  }, 120_000);

  it('the ordinary sentence is normal over the API, Telegram and WeChat', async () => {
    const filed = { api: await fileByApi(NORMAL_SENTENCE), telegram: await fileByTelegram(NORMAL_SENTENCE), wechat: await fileByWechat(NORMAL_SENTENCE) };
    for (const [channel, ticketNo] of Object.entries(filed)) {
      const { ticket, why } = await stored(ticketNo);
      expect(ticket.urgency, channel).toBe('normal');
      expect(why, channel).toMatchObject({ level: 'normal', by: 'none', rules: [], words: [] });
    }
  }, 120_000);

  it('a citizen client cannot make an ordinary filing urgent; what it claimed is kept beside the decision', async () => {
    const res = await api.post('/api/tickets', ticketBody({ title: '路灯坏了', description: NORMAL_SENTENCE, urgency: 'urgent' }));
    expect(res.status, res.text).toBe(201);
    expect(res.json).toMatchObject({ urgency: 'normal', urgencyLabel: '一般' });
    const { ticket, why } = await stored(res.json.ticketNo);
    expect(ticket.urgency).toBe('normal');
    expect(why).toMatchObject({ level: 'normal', claimed: 'urgent' });
  });

  it('an urgent filing is taken within 15 minutes and heads 待受理, before older ordinary ones', async () => {
    h.clock.set('2026-11-24T10:00:00+08:00');
    const older = await fileByApi(NORMAL_SENTENCE);
    h.clock.advance({ minutes: 5 });
    const res = await api.post('/api/tickets', ticketBody({ title: '广告牌', description: URGENT_SENTENCE }));
    expect(res.status, res.text).toBe(201);
    expect(res.json).toMatchObject({ urgency: 'urgent', urgencyLabel: '紧急' });
    expect(new Date(res.json.dueAt).getTime() - h.clock.now().getTime()).toBe(15 * 60_000);
    const queue = await api.get('/api/staff/tickets?queue=intake&pageSize=100', { token: operator.token });
    const order = (queue.json.items as { ticketNo: string; urgency: string }[]).map((t) => t.ticketNo);
    expect(order.indexOf(res.json.ticketNo)).toBeGreaterThanOrEqual(0);
    expect(order.indexOf(res.json.ticketNo)).toBeLessThan(order.indexOf(older));
    const firstNormal = (queue.json.items as { urgency: string }[]).findIndex((t) => t.urgency === 'normal');
    expect((queue.json.items as { urgency: string }[]).slice(firstNormal).every((t) => t.urgency === 'normal')).toBe(true);
  });

  it('an operator on the phone may raise the urgency of a call (recorded as staff), and the rule still decides an urgent one', async () => {
    const phone = { type: 'complaint', description: NORMAL_SENTENCE, location: { district: 'dongcheng', address: '和平路 12 号' }, contact: { name: '李四', phone: '13900001111' } };
    const raised = await api.post('/api/staff/tickets', { ...phone, urgency: 'urgent' }, { token: operator.token });
    expect(raised.status, raised.text).toBe(201);
    expect((await stored(raised.json.ticketNo)).why).toMatchObject({ level: 'urgent', by: 'staff' });
    const ruled = await api.post('/api/staff/tickets', { ...phone, description: URGENT_SENTENCE, contact: { name: '李四', phone: '13900001112' } }, { token: operator.token });
    expect(ruled.status, ruled.text).toBe(201);
    expect((await stored(ruled.json.ticketNo)).why).toMatchObject({ level: 'urgent', by: 'rule' });
  });
});
