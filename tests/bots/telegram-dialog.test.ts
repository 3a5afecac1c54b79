import { chatNotifications, chatSessions, outbox, tickets } from '@hotline/db';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zhCN } from '../../bots/src/messages/zh-CN.ts';
import { PUBLIC_EVENT_TOPIC } from '../../bots/src/notifications.ts';
import { ticketBody } from '../support/factories.ts';
import { client, createHarness, createStaff, type Harness, type TestStaff } from '../support/harness.ts';
import { recordingBots, type SentMessage, updates } from '../support/telegram.ts';

let h: Harness;
let api: ReturnType<typeof client>;
let district: { code: string; name: string; streets: { code: string; name: string }[] };
let operator: TestStaff, dispatcher: TestStaff, unit: TestStaff;
let chatSeq = 70_000;
const newChat = () => ++chatSeq;

beforeAll(async () => {
  h = await createHarness({ knowledge: 'content' });
  api = client(h);
  const catalog = await api.get('/api/catalog');
  district = catalog.json.districts.find((d: { streets: unknown[] }) => d.streets.length > 0);
  [operator, dispatcher, unit] = await Promise.all([
    createStaff(h, 'operator'),
    createStaff(h, 'dispatcher'),
    createStaff(h, 'unit_handler', 'city_urban_mgmt'),
  ]);
}, 120_000);
afterAll(() => h.close());

const texts = (messages: SentMessage[]) => messages.map((x) => x.text).join('\n---\n');
const labels = (messages: SentMessage[]) => messages.flatMap((x) => x.buttons.map((b) => b.label));

/** Walks a filing from "我要反映" to the summary; returns the bot and the last answers. */
async function fileUntilSummary(bot: ReturnType<typeof recordingBots>, chatId: number) {
  expect(texts(await bot.say(updates.text(chatId, '我要反映')))).toContain(zhCN.filing.start);
  const asked = await bot.say(updates.text(chatId, '小区门口的路灯坏了一个多星期，晚上特别黑，老人出门很危险'));
  expect(texts(asked)).toContain(zhCN.filing.askDistrict);
  expect(labels(asked)).toContain(district.name);
  const streets = await bot.say(updates.tap(chatId, district.name));
  expect(texts(streets)).toContain(zhCN.filing.askStreet(district.name));
  let next = await bot.say(updates.tap(chatId, district.streets[0]!.name));
  // The same lamp filed by an earlier test: offered to follow it; these walks file their own.
  if (labels(next).includes(zhCN.buttons.fileMine)) next = await bot.say(updates.tap(chatId, zhCN.buttons.fileMine));
  expect(texts(next)).toContain(zhCN.filing.askTime);
  expect(texts(await bot.say(updates.tap(chatId, zhCN.buttons.today)))).toContain('姓名和手机号');
  expect(texts(await bot.say(updates.text(chatId, '张三 13912345678')))).toContain(zhCN.filing.askPhotos);
  const summary = await bot.say(updates.tap(chatId, zhCN.buttons.done));
  return summary;
}

async function staffReply(ticketNo: string) {
  for (const [who, action, body] of [
    [operator, 'accept', { category: 'urban_management.city_appearance' }],
    [dispatcher, 'dispatch', { leadUnitId: 'city_urban_mgmt', coUnitIds: [] }],
    [unit, 'sign', {}],
    [unit, 'reply', { reply: '路灯已于今日修复，感谢您的反映。' }],
  ] as const) {
    const res = await api.post(`/api/staff/tickets/${ticketNo}/${action}`, body, { token: who.token });
    expect(res.status, `${action}: ${res.text}`).toBe(200);
  }
}

describe('answers', () => {
  it('answers with the source and asks whether it solved the problem; 解决了 ends it', async () => {
    const bot = recordingBots(h);
    const chatId = newChat();
    const answer = await bot.say(updates.text(chatId, '请问一下家里突然没水了咋整'));
    expect(answer).toHaveLength(2);
    expect(answer[0]!.text).toMatch(/（来源：.+）$/);
    expect(answer[1]).toMatchObject({ text: zhCN.answer.solvedQuestion, buttons: [{ label: '解决了' }, { label: '没解决' }] });
    expect(texts(await bot.say(updates.tap(chatId, '解决了')))).toBe(zhCN.answer.glad);
    // 没解决 offers to file; 不用了 ends it.
    await bot.say(updates.text(chatId, '请问一下家里突然没水了咋整'));
    const offer = await bot.say(updates.tap(chatId, '没解决'));
    expect(offer[0]).toMatchObject({ text: zhCN.answer.offerFiling, buttons: [{ label: '我要反映' }, { label: '不用了' }] });
    expect(texts(await bot.say(updates.tap(chatId, '不用了')))).toBe(zhCN.answer.declined);
    const [session] = await h.database.db.select().from(chatSessions).where(and(eq(chatSessions.network, 'telegram'), eq(chatSessions.chatUserId, String(chatId))));
    expect(session!.state).toBeNull();
  });

  it('asks for words when a number arrives with no options on offer, instead of searching for it', async () => {
    const bot = recordingBots(h);
    const chatId = newChat();
    expect(texts(await bot.say(updates.tap(chatId, '不用了')))).not.toContain(zhCN.noWords); // words are still searched
    const reply = await bot.say(updates.text(chatId, '1'));
    expect(reply).toHaveLength(1);
    expect(reply[0]!.text).toBe(zhCN.noWords);
    expect(labels(reply)).toContain('我要反映');
  });

  it('tells the emergency number first', async () => {
    const bot = recordingBots(h);
    const reply = await bot.say(updates.text(newChat(), '救命 我们楼道着火了好大的烟 人出不去'));
    expect(reply[0]!.text).toContain('119');
    // Nothing that makes the citizen read on or fill in a form while in danger.
    expect(texts(reply)).not.toContain(zhCN.answer.notFound);
    expect(labels(reply)).not.toContain('我要反映');
  });

  it('offers filing with the answer when the message is a complaint the answer only explains', async () => {
    const bot = recordingBots(h);
    const chatId = newChat();
    const reply = await bot.say(updates.text(chatId, '我想投诉邻居装修太吵'));
    expect(reply[0]!.text).toMatch(/（来源：.+）$/);
    expect(reply[1]).toMatchObject({ text: zhCN.answer.solvedOrFile });
    expect(labels(reply)).toEqual(['解决了', '没解决', '我要反映']);
    // Tapping it files the same words: the next question is the place, not "what happened".
    const next = await bot.say(updates.tap(chatId, '我要反映'));
    expect(texts(next)).not.toContain(zhCN.filing.start);
    expect(texts(next)).toContain(zhCN.filing.askDistrict);
  });

  it('in a group answers when mentioned and never files', async () => {
    const bot = recordingBots(h);
    const group = -1000 - newChat();
    const answer = await bot.say(updates.groupMention(group, 42, '@hotline12345_test_bot 家里停水了咋整'));
    expect(answer).toHaveLength(1);
    expect(answer[0]!.text).toMatch(/来源/);
    expect(answer[0]!.buttons).toEqual([]);
    const noFiling = await bot.say(updates.groupMention(group, 42, '@hotline12345_test_bot 我要反映'));
    expect(texts(noFiling)).not.toContain(zhCN.filing.start);
    expect(await bot.say(updates.groupMention(group, 42, '大家晚上好'))).toEqual([]);
  });
});

describe('filing in conversation', () => {
  it('no confident answer → offer → asks for what is missing → summary → confirm files one ticket for this chat', async () => {
    const bot = recordingBots(h);
    const chatId = newChat();
    const offer = await bot.say(updates.text(chatId, '家里宽带断了两天了也没人管，太耽误事了'));
    expect(offer[0]!.text).toContain(zhCN.answer.offerFiling);
    expect(labels(offer)).toEqual(['我要反映', '不用了']);
    const next = await bot.say(updates.tap(chatId, '我要反映'));
    // The question had no place: the district is asked first.
    expect(texts(next)).toContain(zhCN.filing.askDistrict);
    await bot.say(updates.text(chatId, `${district.name}和平路 12 号 3 栋`));
    await bot.say(updates.tap(chatId, zhCN.buttons.skip));
    expect(texts(await bot.say(updates.tap(chatId, zhCN.buttons.anonymous)))).toContain(zhCN.filing.askPhotos);
    const summary = await bot.say(updates.tap(chatId, zhCN.buttons.done));
    expect(summary[0]!.text).toContain(zhCN.filing.summaryTitle);
    expect(summary[0]!.text).toContain(`地点：${district.name}`);
    expect(summary[0]!.text).toContain(zhCN.filing.summaryAnonymous);

    const confirm = updates.tap(chatId, zhCN.buttons.confirm);
    const receipt = await bot.say(confirm);
    const [, ticketNo, queryCode] = receipt[0]!.text.match(/工单编号：(\d+)\n查询码：(\d{8})/)!;
    // Telegram delivers the same update again: nothing happens twice.
    expect(await bot.say(confirm)).toEqual([]);
    const rows = await h.database.db.select().from(tickets).where(eq(tickets.channelUserId, `telegram:${chatId}`));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ ticketNo, channel: 'telegram', anonymous: true, districtCode: district.code });
    expect(queryCode).toMatch(/^\d{8}$/);
  });

  it('files with contact, street and time; a second confirm of the same filing is the same ticket', async () => {
    const bot = recordingBots(h);
    const chatId = newChat();
    const summary = await fileUntilSummary(bot, chatId);
    expect(summary[0]!.text).toContain('联系人：张三 13912345678');
    expect(summary[0]!.text).toContain(`${district.name} ${district.streets[0]!.name}`);
    expect(labels(summary)).toEqual(expect.arrayContaining([zhCN.buttons.confirm, zhCN.buttons.editLocation, zhCN.buttons.cancel]));
    const receipt = await bot.say(updates.tap(chatId, zhCN.buttons.confirm));
    expect(receipt[0]!.text).toMatch(/诉求已提交/);
    const rows = await h.database.db.select().from(tickets).where(eq(tickets.channelUserId, `telegram:${chatId}`));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ channel: 'telegram', districtCode: district.code, streetCode: district.streets[0]!.code, anonymous: false });
    expect(rows[0]!.occurredAt).not.toBeNull();
  });

  it('取消 leaves at any step', async () => {
    const bot = recordingBots(h);
    const chatId = newChat();
    await bot.say(updates.text(chatId, '我要反映'));
    await bot.say(updates.text(chatId, '楼上邻居每天半夜装修噪音特别大，严重影响休息'));
    expect(texts(await bot.say(updates.tap(chatId, '取消')))).toContain(zhCN.cancelled);
    expect(texts(await bot.say(updates.text(chatId, '取消')))).toContain(zhCN.nothingToCancel);
    // Walking away to another service says the unsent filing is given up.
    await bot.say(updates.text(chatId, '我要反映'));
    await bot.say(updates.text(chatId, '楼上邻居每天半夜装修噪音特别大，严重影响休息'));
    const elsewhere = texts(await bot.say(updates.text(chatId, '我的工单')));
    expect(elsewhere).toContain(zhCN.filingLeft);
    expect(elsewhere).toContain(zhCN.myTickets.none);
    const rows = await h.database.db.select().from(tickets).where(eq(tickets.channelUserId, `telegram:${chatId}`));
    expect(rows).toHaveLength(0);
  });

  it('does not take a button word from another step as the address', async () => {
    const bot = recordingBots(h);
    const chatId = newChat();
    await bot.say(updates.text(chatId, '我要反映'));
    expect(texts(await bot.say(updates.text(chatId, '小区门口的井盖丢了，晚上走路很危险')))).toContain(zhCN.filing.askDistrict);
    expect(texts(await bot.say(updates.tap(chatId, district.name)))).toContain(zhCN.filing.askStreet(district.name));
    const again = await bot.say(updates.text(chatId, '确认提交'));
    expect(texts(again)).toBe(zhCN.filing.askStreet(district.name));
    expect(labels(again)).toContain(district.streets[0]!.name);
  });

  it('a half-finished filing survives a restart (a new Bot on the same database)', async () => {
    const before = recordingBots(h);
    const chatId = newChat();
    await before.say(updates.text(chatId, '我要反映'));
    await before.say(updates.text(chatId, '小区里的垃圾三天没人清运了，味道很大，苍蝇也多'));
    const after = recordingBots(h);
    const asked = await after.say(updates.tap(chatId, district.name));
    expect(texts(asked)).toContain(zhCN.filing.askStreet(district.name));
  });

  it('expires after the idle time with a polite message', async () => {
    const bot = recordingBots(h, { idleMinutes: 30 });
    const chatId = newChat();
    await bot.say(updates.text(chatId, '我要反映'));
    bot.advance(31);
    const reply = await bot.say(updates.text(chatId, '马路上有个大坑，车辆经过很危险'));
    expect(reply[0]!.text).toBe(zhCN.expired);
    // The next message starts afresh.
    expect((await bot.say(updates.text(chatId, '家里停水了咋整')))[0]!.text).toMatch(/来源/);
  });
});

describe('my tickets, notifications, progress and rating', () => {
  it('lists this chat account’s tickets, notifies once on reply, shows progress, takes the rating', async () => {
    const bot = recordingBots(h);
    const chatId = newChat();
    await fileUntilSummary(bot, chatId);
    const receipt = await bot.say(updates.tap(chatId, zhCN.buttons.confirm));
    const [, ticketNo, queryCode] = receipt[0]!.text.match(/工单编号：(\d+)\n查询码：(\d{8})/)!;

    const mine = await bot.say(updates.text(chatId, '我的工单'));
    expect(mine[0]!.text).toContain(`${ticketNo} `);
    expect(mine[0]!.text).toContain('（待受理）');
    expect(labels(mine)).toContain(`查看 ${ticketNo}`);
    // Another chat sees none of it.
    expect(texts(await bot.say(updates.text(newChat(), '我的工单')))).toContain(zhCN.myTickets.none);

    await staffReply(ticketNo!);
    // In the outbox's own order (the worker delivers by id): a select without one comes back in any order.
    const events = (await h.database.db.select().from(outbox).where(eq(outbox.topic, PUBLIC_EVENT_TOPIC)).orderBy(asc(outbox.id))).filter((row) => row.payload.ticketNo === ticketNo);
    const before = bot.sent.length;
    // At least once: the outbox may hand the same event over twice.
    for (const row of [...events, ...events]) await bot.bots.notify({ payload: row.payload });
    const notices = bot.sent.slice(before).filter((x) => x.chatId === String(chatId));
    expect(notices.map((x) => x.text)).toEqual([zhCN.notification.dispatch!(ticketNo!), zhCN.notification.reply!(ticketNo!)]);
    const recorded = await h.database.db.select().from(chatNotifications).where(eq(chatNotifications.ticketNo, ticketNo!)).orderBy(asc(chatNotifications.eventId));
    expect(recorded.map((r) => r.outcome)).toEqual(['sent', 'sent']);

    // Progress by number and query code, from any chat.
    const other = newChat();
    const progress = await bot.say(updates.text(other, `${ticketNo} ${queryCode}`));
    expect(progress[0]!.text).toContain('状态：已答复');
    expect(progress[0]!.text).toContain('路灯已于今日修复');
    expect(labels(progress)).toEqual([`评价 ${ticketNo}`, `申请重办 ${ticketNo}`]);
    const wrong = await bot.say(updates.text(newChat(), `${ticketNo} 00000000`));
    expect(wrong[0]!.text).toContain('工单编号或查询码不正确');

    // Rating from the filing chat, without the query code.
    expect(texts(await bot.say(updates.tap(chatId, `评价 ${ticketNo}`)))).toContain(zhCN.rating.askProcess);
    expect(texts(await bot.say(updates.tap(chatId, '满意')))).toContain(zhCN.rating.askResult);
    expect(texts(await bot.say(updates.tap(chatId, '基本满意')))).toContain(zhCN.rating.askResolved);
    expect(texts(await bot.say(updates.tap(chatId, '已解决')))).toContain(zhCN.rating.thanks);
    const [row] = await h.database.db.select().from(tickets).where(eq(tickets.ticketNo, ticketNo!));
    expect(row).toMatchObject({ status: 'closed', processSatisfaction: 'satisfied', resultSatisfaction: 'basically_satisfied', resolved: true, ratedBy: 'citizen' });
  });

  it('takes a reopen request with its reason', async () => {
    const bot = recordingBots(h);
    const chatId = newChat();
    await fileUntilSummary(bot, chatId);
    const receipt = await bot.say(updates.tap(chatId, zhCN.buttons.confirm));
    const ticketNo = receipt[0]!.text.match(/工单编号：(\d+)/)![1]!;
    await staffReply(ticketNo);
    expect(texts(await bot.say(updates.tap(chatId, `申请重办 ${ticketNo}`)))).toContain(zhCN.rating.askReason);
    expect(texts(await bot.say(updates.text(chatId, '路灯还是不亮，根本没有修好')))).toContain(zhCN.rating.reopenRequested);
    const [row] = await h.database.db.select().from(tickets).where(eq(tickets.ticketNo, ticketNo));
    expect(row).toMatchObject({ status: 'in_progress', reopenCount: 1, ratingComment: '路灯还是不亮，根本没有修好' });
  });
});

describe('chat filings need the bots’ internal token', () => {
  it('refuses chat channels and chat accounts from outside, and someone else’s ticket', async () => {
    const asTelegram = await api.post('/api/tickets', ticketBody({ channel: 'telegram', channelUserId: 'telegram:1' }));
    expect(asTelegram.status).toBe(403);
    expect(asTelegram.json.error.code).toBe('FORBIDDEN');
    expect((await api.post('/api/tickets', ticketBody({ channel: 'wechat' }))).status).toBe(403);
    expect((await api.post('/api/tickets', ticketBody({ channelUserId: 'wechaty:x' }))).status).toBe(403);
    expect((await api.post('/api/chat/tickets', { channel: 'telegram', channelUserId: 'telegram:1' })).status).toBe(403);
    expect((await api.post('/api/chat/tickets', { channel: 'telegram', channelUserId: 'telegram:1' }, { headers: { 'x-hotline-internal': 'test-internal-tokem' } })).status).toBe(403);

    const mine = await api.post('/api/tickets', ticketBody({ channel: 'telegram', channelUserId: 'telegram:555' }), { internal: true });
    expect(mine.status).toBe(201);
    const theirs = await api.post(`/api/chat/tickets/${mine.json.ticketNo}/view`, { channel: 'telegram', channelUserId: 'telegram:556' }, { internal: true });
    expect(theirs.status).toBe(404);
    const own = await api.post(`/api/chat/tickets/${mine.json.ticketNo}/view`, { channel: 'telegram', channelUserId: 'telegram:555' }, { internal: true });
    expect(own.status).toBe(200);
    const early = await api.post(
      `/api/chat/tickets/${mine.json.ticketNo}/rating`,
      { channel: 'telegram', channelUserId: 'telegram:555', processSatisfaction: 'satisfied', resultSatisfaction: 'satisfied', resolved: true },
      { internal: true },
    );
    expect(early.status).toBe(409);
  });
});
