import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tickets } from '@hotline/db';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import { BotApiClient } from '../../bots/src/api-client.ts';
import { DialogEngine } from '../../bots/src/dialog/engine.ts';
import { loadWechatyConfig } from '../../bots/src/wechaty/config.ts';
import { createWechatyBot, type WechatyBot } from '../../bots/src/wechaty/wechaty-bot.ts';
import { createHarness, type Harness } from '../support/harness.ts';
import { filingAnswer, optionNumber } from './wechat-peer.ts';

// The real Wechaty runtime on wechaty-puppet-mock (the world's edge: WeChat
// itself), the real dialog engine, API, database and search.

let h: Harness;
let bot: WechatyBot;
let mocker: mock.Mocker;
let self: mock.ContactMock;

beforeAll(async () => {
  h = await createHarness({ knowledge: 'content' });
  const api = new BotApiClient({ fetch: async (request) => h.app.fetch(request), baseUrl: 'http://hotline.internal', internalToken: 'test-internal-token' });
  const dialog = new DialogEngine({ api, db: h.database.db, now: h.clock.now });
  mocker = new mock.Mocker();
  bot = createWechatyBot({ dialog, puppet: { instance: new PuppetMock({ mocker }) } });
  // The mock puppet never emits 'ready': wait for 'login'.
  const loggedIn = new Promise((resolve) => bot.wechaty.once('login', resolve));
  await bot.start();
  self = mocker.createContact({ name: '示范市12345' });
  mocker.login(self);
  await loggedIn;
}, 180_000);
afterAll(async () => {
  await bot?.stop();
  await h?.close();
});

/** Collects what the bot says to a contact (or in a room); `next()` waits until the bot has answered and gone quiet. */
function listen(target: mock.ContactMock | mock.RoomMock) {
  const heard: string[] = [];
  // ContactMock and RoomMock both emit 'message'; their typed emitters do not unify.
  (target as unknown as { on(event: 'message', listener: (message: mock.MessageMock) => void): void }).on('message', (message) => {
    if (message.talker().id === self.id) heard.push(message.text() ?? '');
  });
  return {
    heard,
    async next(timeoutMs = 15_000): Promise<string> {
      const from = heard.length;
      const deadline = Date.now() + timeoutMs;
      while (heard.length === from && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      // The handler may still be sending its later messages.
      await bot.idle();
      await new Promise((r) => setTimeout(r, 50));
      await bot.idle();
      return heard.slice(from).join('\n');
    },
  };
}

describe('Wechaty', () => {
  it('selects the puppet from the environment as Wechaty documents', () => {
    expect(loadWechatyConfig({})).toBeNull();
    expect(loadWechatyConfig({ WECHATY_PUPPET: 'wechaty-puppet-service', WECHATY_PUPPET_SERVICE_TOKEN: 'puppet_service_token_1' })).toEqual({
      puppet: 'wechaty-puppet-service',
      token: 'puppet_service_token_1',
      name: 'hotline12345',
    });
    expect(() => loadWechatyConfig({ WECHATY_PUPPET: 'wechaty-puppet-service' })).toThrow(/WECHATY_PUPPET_SERVICE_TOKEN/);
    expect(() => loadWechatyConfig({ WECHATY_PUPPET: 'not a puppet' })).toThrow(/WECHATY_PUPPET/);
  });

  it('a contact asks, files a ticket in conversation and checks its progress', async () => {
    const citizen = mocker.createContact({ name: '李四' });
    const chat = listen(citizen);
    const ask = async (text: string) => {
      citizen.say(text).to(self);
      return chat.next();
    };

    const answer = await ask('停水恢复后自来水发黄还能喝吗');
    expect(answer).toContain('解决了吗？');
    const offer = await ask(optionNumber(answer, '没解决'));
    let reply = await ask(optionNumber(offer, '我要反映'));
    for (let step = 0; step < 12; step++) {
      const next = filingAnswer(reply);
      if (next === null) throw new Error(`unexpected step:\n${reply}`);
      if ('done' in next) break;
      reply = 'photo' in next ? await ask(optionNumber(reply, '照片发完了')) : await ask(next.text);
    }
    expect(reply).toContain('工单编号：');
    const ticketNo = /工单编号：(\d+)/.exec(reply)![1]!;
    const queryCode = /查询码：(\d{8})/.exec(reply)![1]!;
    const filed = await h.database.db.select().from(tickets).where(and(eq(tickets.channel, 'wechat'), eq(tickets.channelUserId, `wechaty:${citizen.id}`)));
    expect(filed.map((t) => t.ticketNo)).toEqual([ticketNo]);

    const progress = await ask(`${ticketNo} ${queryCode}`);
    expect(progress).toContain(`工单 ${ticketNo}`);
    expect(progress).toContain('状态：');

    // A status notification through the sender.
    expect(await bot.sender.send(citizen.id, [{ text: '您的工单已受理' }])).toEqual({ delivered: true });
    await new Promise((r) => setTimeout(r, 50));
    expect(chat.heard.at(-1)).toBe('您的工单已受理');
  });

  it('in a community group answers only when mentioned, with a mention of the asker', async () => {
    const member = mocker.createContact({ name: '王五' });
    const room = mocker.createRoom({ topic: '幸福里社区群', memberIdList: [self.id, member.id] });
    const group = listen(room);
    member.say('大家好，今天停水了吗').to(room);
    await new Promise((r) => setTimeout(r, 300));
    await bot.idle();
    expect(group.heard).toHaveLength(0);

    member.say('@示范市12345 家里突然停水了怎么办？', [self]).to(room);
    const answer = await group.next();
    expect(answer).toContain('@王五');
    expect(answer).toContain('停水');
    // Groups get answers only: no filing buttons, no personal questions.
    expect(answer).not.toContain('请留下您的姓名');
  });
});
