import type { VoiceMediaSource } from '@hotline/bots';
import { contactAccessLog, outbox, ticketEvents, ticketFollowers, tickets } from '@hotline/db';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotApiClient } from '../../bots/src/api-client.ts';
import { DialogEngine } from '../../bots/src/dialog/engine.ts';
import { zhCN } from '../../bots/src/messages/zh-CN.ts';
import { PUBLIC_EVENT_TOPIC } from '../../bots/src/notifications.ts';
import type { WechatOaConfig } from '../../bots/src/wechat-oa/config.ts';
import { createWechatOfficialAccount } from '../../bots/src/wechat-oa/official-account.ts';
import { client, createHarness, createStaff, type Harness } from '../support/harness.ts';
import { recordingBots, type SentMessage, updates } from '../support/telegram.ts';
import { runWechatCli } from '../../bots/src/wechat-oa/cli.ts';
import { APP_ID, APP_SECRET, FakeWechatApi, TOKEN, clickPush, filingAnswer, locationPush, optionNumber, pushQuery, replyFields, textPush, voicePush } from './wechat-peer.ts';

// The second pass over the chat channels: the place a unit can find, answers
// checked for what was asked, voice messages, a follow-up as a supplement,
// the official account's menu. Through Telegram's handleUpdate and signed
// pushes to the WeChat endpoint (a recording local WeChat API); the dialog,
// the API, the database and the intake are the real ones.

let h: Harness;
let peer: FakeWechatApi;
/** The official account's voice messages, as the running process hands them to the staff API. */
let voiceSource: VoiceMediaSource | null = null;
let district: { code: string; name: string; streets: { code: string; name: string }[] };
let chatSeq = 140_000;
let msgSeq = 0;
const nextMsgId = () => String(6_500_000_000_000_000_000n + BigInt(++msgSeq));

beforeAll(async () => {
  h = await createHarness({ knowledge: 'content', voice: () => voiceSource });
  peer = new FakeWechatApi();
  await peer.start();
  const catalog = await h.app.request('/api/catalog');
  district = ((await catalog.json()) as { districts: (typeof district)[] }).districts.find((d) => d.streets.length > 0)!;
}, 180_000);
afterAll(async () => {
  await peer?.close();
  await h?.close();
});

const texts = (messages: SentMessage[]) => messages.map((x) => x.text).join('\n---\n');
const labels = (messages: SentMessage[]) => messages.flatMap((x) => x.buttons.map((b) => b.label));

function officialAccount() {
  const api = new BotApiClient({ fetch: async (request) => h.app.fetch(request), baseUrl: 'http://hotline.internal', internalToken: 'test-internal-token' });
  const dialog = new DialogEngine({ api, db: h.database.db, now: h.clock.now });
  const config: WechatOaConfig = {
    token: TOKEN,
    appId: APP_ID,
    appSecret: APP_SECRET,
    aesKey: undefined,
    apiBase: peer.url,
    templateId: undefined,
    templateField: 'thing1',
    passiveReplyMs: 4_500,
    timestampWindowMs: 5 * 60_000,
  };
  const oa = createWechatOfficialAccount({ config, dialog, db: h.database.db, now: h.clock.now });
  voiceSource = oa.voice;
  const post = async (body: string) => {
    const res = await oa.app.request(`/webhooks/wechat?${pushQuery(h.clock.now())}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
    expect(res.status).toBe(200);
    const text = await res.text();
    return text === 'success' ? '' : (replyFields(text).Content ?? '');
  };
  const createTime = () => Math.floor(h.clock.now().getTime() / 1000);
  const say = (user: string, content: string) => post(textPush({ from: user, content, msgId: nextMsgId(), createTime: createTime() }));
  return { oa, post, say, createTime };
}

const filedBy = (channelUserId: string) => h.database.db.select().from(tickets).where(eq(tickets.channelUserId, channelUserId));

describe('the place a unit can find', () => {
  it('Telegram: a complaint without an address is asked for one after the street, says why, refuses 不清楚 and takes the address typed', async () => {
    const bot = recordingBots(h);
    const chatId = ++chatSeq;
    await bot.say(updates.text(chatId, '我要反映'));
    expect(texts(await bot.say(updates.text(chatId, '我家楼下的烧烤摊天天晚上油烟熏得受不了')))).toContain(zhCN.filing.askDistrict);
    await bot.say(updates.tap(chatId, district.name));
    const asked = await bot.say(updates.tap(chatId, district.streets[0]!.name));
    expect(texts(asked)).toContain(zhCN.filing.askAddress);
    expect(texts(asked)).toContain('承办单位才能找到现场');
    // A fixed place: 不清楚 is not offered, and not taken.
    expect(labels(asked)).not.toContain(zhCN.buttons.unknownAddress);
    expect(texts(await bot.say(updates.text(chatId, '不清楚')))).toContain(zhCN.filing.addressNeeded);
    // Neither is a vague spot.
    expect(texts(await bot.say(updates.text(chatId, '我家楼下')))).toContain(zhCN.filing.notAnAddress);
    expect(texts(await bot.say(updates.text(chatId, '和平路 18 号幸福小区 3 栋')))).toContain(zhCN.filing.askTime);
    await bot.say(updates.tap(chatId, zhCN.buttons.yesterday));
    await bot.say(updates.text(chatId, '王五 13700001234'));
    const summary = await bot.say(updates.tap(chatId, zhCN.buttons.done));
    expect(texts(summary)).toContain(`地点：${district.name} ${district.streets[0]!.name} 和平路 18 号幸福小区 3 栋`);
    await bot.say(updates.tap(chatId, zhCN.buttons.confirm));
    const [ticket] = await filedBy(`telegram:${chatId}`);
    expect(ticket).toMatchObject({ districtCode: district.code, streetCode: district.streets[0]!.code, address: '和平路 18 号幸福小区 3 栋' });
  });

  it('Telegram: a phone scam has no fixed place: 不清楚 is offered and taken', async () => {
    const bot = recordingBots(h);
    const chatId = ++chatSeq;
    await bot.say(updates.text(chatId, '我要反映'));
    await bot.say(updates.text(chatId, '有人冒充客服打电话骗我转账，我被骗了两千元'));
    let reply = await bot.say(updates.tap(chatId, district.name));
    if (texts(reply).includes(zhCN.filing.askStreet(district.name))) reply = await bot.say(updates.tap(chatId, zhCN.buttons.skipStreet));
    expect(texts(reply)).toContain(zhCN.filing.askAddress);
    expect(labels(reply)).toContain(zhCN.buttons.unknownAddress);
    expect(texts(await bot.say(updates.tap(chatId, zhCN.buttons.unknownAddress)))).toContain(zhCN.filing.askTime);
  });

  it('WeChat: a shared location answers the address question and is filed with its coordinates', async () => {
    const { post, say } = officialAccount();
    const user = `oPlace${++chatSeq}`;
    await say(user, '我要反映');
    const districts = await say(user, '小区垃圾桶满了好几天没人清运，臭气熏天');
    expect(districts).toContain(zhCN.filing.askDistrict);
    const streets = await say(user, optionNumber(districts, district.name));
    const asked = await say(user, optionNumber(streets, district.streets[0]!.name));
    expect(asked).toContain(zhCN.filing.askAddress);
    const time = await post(locationPush({ from: user, msgId: nextMsgId(), lat: '23.134521', lng: '113.358803', label: '人民路与解放路交叉口', createTime: Math.floor(h.clock.now().getTime() / 1000) }));
    expect(time).toContain(zhCN.filing.askTime);
    await say(user, optionNumber(time, zhCN.buttons.skip));
    const photos = await say(user, '赵六 13600002222');
    const summary = await say(user, optionNumber(photos, zhCN.buttons.done));
    expect(summary).toContain('人民路与解放路交叉口');
    await say(user, optionNumber(summary, zhCN.buttons.confirm));
    const [ticket] = await filedBy(`wechat-oa:${user}`);
    expect(ticket).toMatchObject({ districtCode: district.code, address: '人民路与解放路交叉口' });
    expect(Number(ticket!.lat)).toBeCloseTo(23.134521, 5);
  });

  it('the intake draft lists the detailed address as missing by the same rule', async () => {
    const draft = async (text: string) => {
      const res = await h.app.request('/api/intake/draft', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text, channel: 'web' }) });
      return ((await res.json()) as { missing: string[] }).missing;
    };
    expect(await draft('东城区和平街道我家楼下的烧烤摊天天晚上油烟熏得受不了')).toContain('address');
    expect(await draft('东城区和平街道幸福小区5号楼楼下的烧烤摊天天晚上油烟熏得受不了')).not.toContain('address');
    expect(await draft('有人冒充客服打电话骗我转账，我被骗了两千元')).not.toContain('address');
  });
});

describe('answers checked for what was asked', () => {
  it('a phone number at the time question lands in the contact; an address there is kept as the address, not the time', async () => {
    const bot = recordingBots(h);
    const chatId = ++chatSeq;
    await bot.say(updates.text(chatId, '我要反映'));
    await bot.say(updates.text(chatId, `${district.name}幸福小区 5 号楼的电梯坏了三天，老人上下楼很困难`));
    let reply = await bot.say(updates.tap(chatId, district.streets[0]!.name));
    expect(texts(reply)).toContain(zhCN.filing.askTime);
    reply = await bot.say(updates.text(chatId, '13911112222'));
    expect(texts(reply)).toContain(zhCN.filing.tookPhone('13911112222'));
    expect(texts(reply)).toContain(zhCN.filing.askTime);
    reply = await bot.say(updates.text(chatId, '人民路 25 号'));
    expect(texts(reply)).toContain(zhCN.filing.askTime);
    expect(texts(reply)).not.toContain(zhCN.filing.askContact);
    reply = await bot.say(updates.text(chatId, '前天晚上'));
    // The contact was given: next come the photos, not the contact question.
    expect(texts(reply)).toContain(zhCN.filing.askPhotos);
    const summary = await bot.say(updates.tap(chatId, zhCN.buttons.done));
    expect(texts(summary)).toContain('时间：前天晚上');
    expect(texts(summary)).toContain('联系人：13911112222');
    await bot.say(updates.tap(chatId, zhCN.buttons.confirm));
    const [ticket] = await filedBy(`telegram:${chatId}`);
    expect(ticket!.citizenPhone).toBe('13911112222');
  });
});

describe('others reported the same matter', () => {
  it('offers another citizen’s open ticket once the place is known; following it counts the citizen and brings its progress', async () => {
    const bot = recordingBots(h);
    const street = district.streets[1] ?? district.streets[0]!;
    // A neighbour has filed it already, with the place.
    const first = ++chatSeq;
    await bot.say(updates.text(first, '我要反映'));
    await bot.say(updates.text(first, '投诉：春晖路28号门口的雨水井盖丢了好几天，一个大坑没人管，请尽快派人盖上'));
    await bot.say(updates.tap(first, district.name));
    let reply = await bot.say(updates.tap(first, street.name));
    for (let step = 0; step < 8 && !texts(reply).includes(zhCN.filing.summaryTitle); step++) {
      const asked = texts(reply);
      if (asked.includes('姓名和手机号')) reply = await bot.say(updates.text(first, '赵六 13600001111'));
      else if (asked.includes(zhCN.filing.askPhotos)) reply = await bot.say(updates.tap(first, zhCN.buttons.done));
      else if (labels(reply).includes(zhCN.buttons.today)) reply = await bot.say(updates.tap(first, zhCN.buttons.today));
      else throw new Error(`unexpected step:\n${asked}`);
    }
    const ticketNo = /工单编号：(\d+)/.exec(texts(await bot.say(updates.tap(first, zhCN.buttons.confirm))))![1]!;

    // Another citizen, other words, the same place: offered the ticket before the rest is asked.
    const second = ++chatSeq;
    await bot.say(updates.text(second, '我要反映'));
    await bot.say(updates.text(second, '春晖路28号门口雨水井盖丢了，留下一个大坑，太危险了，赶紧处理'));
    await bot.say(updates.tap(second, district.name));
    const offer = await bot.say(updates.tap(second, street.name));
    expect(texts(offer)).toContain(`这个问题已有 1 位市民反映，工单 ${ticketNo}`);
    expect(labels(offer)).toEqual([zhCN.buttons.follow, zhCN.buttons.fileMine, zhCN.buttons.cancel]);
    expect(texts(await bot.say(updates.text(second, '嗯')))).toContain(zhCN.sameMatter.pick);
    const followed = await bot.say(updates.tap(second, zhCN.buttons.follow));
    expect(texts(followed)).toContain(zhCN.sameMatter.followed(ticketNo, 2));
    expect(await filedBy(`telegram:${second}`)).toHaveLength(0);
    const [ticket] = await h.database.db.select().from(tickets).where(eq(tickets.ticketNo, ticketNo));
    expect(await h.database.db.select().from(ticketFollowers).where(eq(ticketFollowers.ticketId, ticket!.id))).toHaveLength(1);

    // Its progress reaches the follower on their own chat.
    const api = client(h);
    const [operator, dispatcher] = await Promise.all([createStaff(h, 'operator'), createStaff(h, 'dispatcher')]);
    expect((await api.post(`/api/staff/tickets/${ticketNo}/accept`, {}, { token: operator.token })).status).toBe(200);
    expect((await api.post(`/api/staff/tickets/${ticketNo}/dispatch`, { leadUnitId: 'city_urban_mgmt', coUnitIds: [] }, { token: dispatcher.token })).status).toBe(200);
    const events = (await h.database.db.select().from(outbox).where(eq(outbox.topic, PUBLIC_EVENT_TOPIC)).orderBy(asc(outbox.id))).filter((row) => row.payload.ticketNo === ticketNo);
    const before = bot.sent.length;
    for (const row of events) await bot.bots.notify({ payload: row.payload });
    expect(bot.sent.slice(before).filter((x) => x.chatId === String(second)).map((x) => x.text)).toEqual([`您关注的工单 ${ticketNo} 已派给承办单位办理。`]);

    // Filing one's own instead goes on with the usual questions.
    const third = ++chatSeq;
    await bot.say(updates.text(third, '我要反映'));
    await bot.say(updates.text(third, '春晖路28号门口的雨水井盖丢了好几天了，大坑还没人来修'));
    await bot.say(updates.tap(third, district.name));
    expect(texts(await bot.say(updates.tap(third, street.name)))).toContain(`工单 ${ticketNo}`);
    expect(texts(await bot.say(updates.tap(third, zhCN.buttons.fileMine)))).toContain(zhCN.filing.askTime);
  });
});

describe('voice, supplements and the menu on the official account', () => {
  it('a recognised voice message is taken as typed and shown back, files a ticket that keeps its media id; the same matter again becomes a supplement', async () => {
    const { post, say, createTime } = officialAccount();
    const user = `oVoice${++chatSeq}`;
    await say(user, '我要反映');
    const spoken = '幸福小区5号楼门口的下水道堵了，污水漫到路上好几天了';
    let reply = await post(voicePush({ from: user, mediaId: 'VOICE_MEDIA_1', msgId: nextMsgId(), recognition: spoken, createTime: createTime() }));
    expect(reply).toContain(zhCN.voice.heard(spoken).split('\n')[0]!);
    for (let step = 0; step < 12; step++) {
      const next = filingAnswer(reply);
      if (next === null) throw new Error(`unexpected step:\n${reply}`);
      if ('done' in next) break;
      if ('photo' in next) reply = await say(user, optionNumber(reply, '照片发完了'));
      else {
        if (reply.includes('请核对您的诉求')) expect(reply).toContain('下水道堵了');
        reply = await say(user, next.text);
      }
    }
    const ticketNo = /工单编号：(\d+)/.exec(reply)![1]!;
    const [ticket] = await filedBy(`wechat-oa:${user}`);
    expect(ticket!.ticketNo).toBe(ticketNo);
    const [submitted] = await h.database.db.select().from(ticketEvents).where(and(eq(ticketEvents.ticketId, ticket!.id), eq(ticketEvents.action, 'submit')));
    expect(submitted!.data).toMatchObject({ voiceMediaIds: ['VOICE_MEDIA_1'] });

    // The next day, the same matter again: offered as a supplement to the open ticket, not a second filing.
    await say(user, '我要反映');
    const offer = await say(user, '幸福小区5号楼门口下水道还是堵着，污水都漫到路上了');
    expect(offer).toContain(`工单 ${ticketNo}`);
    const added = await say(user, optionNumber(offer, zhCN.buttons.supplement));
    expect(added).toContain(zhCN.supplement.added(ticketNo));
    expect(await filedBy(`wechat-oa:${user}`)).toHaveLength(1);
    const supplements = await h.database.db.select().from(ticketEvents).where(and(eq(ticketEvents.ticketId, ticket!.id), eq(ticketEvents.action, 'supplement')));
    expect(supplements).toHaveLength(1);
    expect(supplements[0]).toMatchObject({ public: true, actorKind: 'citizen', note: '幸福小区5号楼门口下水道还是堵着，污水都漫到路上了' });

    // Spoken again: the supplement keeps the recording's id too.
    await say(user, '我要反映');
    const spokenAgain = '幸福小区5号楼门口的下水道又堵了，污水漫到路上了';
    const voiceOffer = await post(voicePush({ from: user, mediaId: 'VOICE_MEDIA_3', msgId: nextMsgId(), recognition: spokenAgain, createTime: createTime() }));
    expect(voiceOffer).toContain(`工单 ${ticketNo}`);
    expect(await say(user, optionNumber(voiceOffer, zhCN.buttons.supplement))).toContain(zhCN.supplement.added(ticketNo));
    const spokenSupplement = (await h.database.db.select().from(ticketEvents).where(and(eq(ticketEvents.ticketId, ticket!.id), eq(ticketEvents.action, 'supplement')))).find((e) => e.note === spokenAgain);
    expect(spokenSupplement?.data).toMatchObject({ voiceMediaId: 'VOICE_MEDIA_3' });

    // Staff hear the recordings from the ticket page, fetched from WeChat; each listen is logged.
    const amr = Buffer.from('#!AMR\n' + 'voice-bytes-'.repeat(20));
    peer.media.set('VOICE_MEDIA_1', { bytes: amr, type: 'audio/amr' });
    const operator = await createStaff(h, 'operator');
    const api = client(h);
    expect((await api.get(`/api/staff/tickets/${ticketNo}`, { token: operator.token })).json.voiceAccess).toBe('audible');
    const heard = await api.get(`/api/staff/tickets/${ticketNo}/voice/VOICE_MEDIA_1`, { token: operator.token });
    expect(heard.status).toBe(200);
    expect(heard.headers.get('content-type')).toBe('audio/amr');
    expect(heard.text).toBe(amr.toString());
    const logged = await h.database.db.select().from(contactAccessLog).where(and(eq(contactAccessLog.ticketId, ticket!.id), eq(contactAccessLog.purpose, 'voice_recording')));
    expect(logged).toHaveLength(1);
    // Not this ticket's recording; and one WeChat no longer keeps (three days): clear answers, nothing logged.
    const foreign = await api.get(`/api/staff/tickets/${ticketNo}/voice/VOICE_MEDIA_2`, { token: operator.token });
    expect(foreign.status).toBe(404);
    expect(foreign.json.error.message).toContain('没有这条语音');
    const expired = await api.get(`/api/staff/tickets/${ticketNo}/voice/VOICE_MEDIA_3`, { token: operator.token });
    expect(expired.status).toBe(404);
    expect(expired.json.error.message).toContain('已过期');
    expect((await api.get(`/api/staff/tickets/${ticketNo}/voice/..%2Fsecret`, { token: operator.token })).status).toBe(400);

    // Another matter is not offered as a supplement.
    await say(user, '我要反映');
    const other = await say(user, '有人冒充客服打电话骗我转账，我被骗了两千元');
    expect(other).not.toContain(`工单 ${ticketNo}`);
  });

  it('a voice message without recognised text gets the kind reply: type, or call 12345', async () => {
    const { post, createTime } = officialAccount();
    const reply = await post(voicePush({ from: `oVoice${++chatSeq}`, mediaId: 'VOICE_MEDIA_2', msgId: nextMsgId(), createTime: createTime() }));
    expect(reply).toContain('听不懂');
    expect(reply).toContain('12345');
  });

  it('npm run wechat -- menu sets 问答, 我要反映, 我的工单 through the menu API; a click is handled as its words', async () => {
    peer.calls = [];
    const lines: string[] = [];
    const env = { WECHAT_TOKEN: TOKEN, WECHAT_APPID: APP_ID, WECHAT_APPSECRET: APP_SECRET, WECHAT_API_BASE: peer.url };
    expect(await runWechatCli(['menu'], env, (line) => lines.push(line))).toBe(0);
    const [created] = peer.sent('/cgi-bin/menu/create');
    expect(created!.query.get('access_token')).toMatch(/^ACCESS_TOKEN_\d+$/);
    expect(created!.body.button.map((b: { name: string }) => b.name)).toEqual(['问答', '我要反映', '我的工单']);
    expect(lines.join('\n')).toContain('公众号菜单已设置');
    expect(await runWechatCli(['menu'], {}, (line) => lines.push(line))).toBe(1);

    const { post, createTime } = officialAccount();
    const user = `oMenu${++chatSeq}`;
    const keyOf = (name: string) => created!.body.button.find((b: { name: string; key: string }) => b.name === name).key as string;
    expect(await post(clickPush({ from: user, key: keyOf('我要反映'), createTime: createTime() }))).toContain(zhCN.filing.start);
    expect(await post(clickPush({ from: user, key: keyOf('我的工单'), createTime: createTime() + 1 }))).toContain(zhCN.myTickets.none);
    expect(await post(clickPush({ from: user, key: keyOf('问答'), createTime: createTime() + 2 }))).toContain(zhCN.askPrompt);
  });
});
