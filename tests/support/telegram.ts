import type { Transformer } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import { type Bots, createBots } from '../../bots/src/index.ts';
import { createLogger } from '../../api/src/http/logger.ts';
import { type Harness, TEST_INTERNAL_TOKEN } from './harness.ts';

export const TEST_BOT_TOKEN = '123456789:AAtest-token-for-the-hotline-bot_xyz';
export const BOT_INFO: UserFromGetMe = {
  id: 123456789,
  is_bot: true,
  first_name: '12345 热线',
  username: 'hotline12345_test_bot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
} as UserFromGetMe;

let updateId = 5_000;
let messageId = 1;
export const nextUpdateId = () => ++updateId;

const from = (chatId: number) => ({ id: chatId, is_bot: false, first_name: '市民' });
const chat = (chatId: number) => ({ id: chatId, type: 'private' as const, first_name: '市民' });

/** Updates as Telegram sends them. */
export const updates = {
  text: (chatId: number, text: string, id = nextUpdateId()) => ({
    update_id: id,
    message: { message_id: messageId++, date: Math.floor(Date.now() / 1000), chat: chat(chatId), from: from(chatId), text },
  }),
  tap: (chatId: number, data: string, id = nextUpdateId()) => ({
    update_id: id,
    callback_query: {
      id: `cb${id}`,
      from: from(chatId),
      chat_instance: 'ci',
      data,
      message: { message_id: messageId++, date: Math.floor(Date.now() / 1000), chat: chat(chatId), from: { id: BOT_INFO.id, is_bot: true, first_name: 'bot' }, text: '…' },
    },
  }),
  location: (chatId: number, lat: number, lng: number, id = nextUpdateId()) => ({
    update_id: id,
    message: { message_id: messageId++, date: Math.floor(Date.now() / 1000), chat: chat(chatId), from: from(chatId), location: { latitude: lat, longitude: lng } },
  }),
  photo: (chatId: number, fileId: string, size: number, id = nextUpdateId()) => ({
    update_id: id,
    message: {
      message_id: messageId++,
      date: Math.floor(Date.now() / 1000),
      chat: chat(chatId),
      from: from(chatId),
      photo: [{ file_id: fileId, file_unique_id: `u${fileId}`, width: 64, height: 48, file_size: size }],
    },
  }),
  groupMention: (chatId: number, userId: number, text: string, id = nextUpdateId()) => ({
    update_id: id,
    message: {
      message_id: messageId++,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chatId, type: 'supergroup' as const, title: '幸福小区业主群' },
      from: from(userId),
      text,
    },
  }),
};

export interface SentMessage {
  chatId: string;
  text: string;
  buttons: { label: string; reply: string }[];
}

/**
 * The bots of a process on the harness's app and database, with Telegram's
 * server replaced by a recording API transformer (nothing leaves the process).
 */
export function recordingBots(h: Harness, options: { apiRoot?: string; idleMinutes?: number } = {}) {
  const sent: SentMessage[] = [];
  // The bots' own clock: real time (filings check their time against the real clock), moved on by hand.
  let offsetMs = 0;
  const now = () => new Date(Date.now() + offsetMs);
  const calls: { method: string; payload: Record<string, unknown> }[] = [];
  const bots: Bots = createBots({
    config: {
      telegram: { token: TEST_BOT_TOKEN, mode: 'polling', webhookSecret: undefined, apiRoot: options.apiRoot ?? 'http://127.0.0.1:9' },
      sessionIdleMinutes: options.idleMinutes ?? 30,
    },
    db: h.database.db,
    fetch: (request) => Promise.resolve(h.app.fetch(request)),
    internalToken: TEST_INTERNAL_TOKEN,
    logger: createLogger('error'),
    now,
    telegram: { botInfo: BOT_INFO, throttle: { perChatMs: 0, perSecond: 10_000 } },
  });
  const recorder: Transformer = async (_prev, method, payload) => {
    const p = (payload ?? {}) as Record<string, unknown>;
    calls.push({ method, payload: p });
    if (method === 'sendMessage') {
      const markup = p.reply_markup as { inline_keyboard?: { text: string; callback_data: string }[][] } | undefined;
      sent.push({
        chatId: String(p.chat_id),
        text: String(p.text),
        buttons: (markup?.inline_keyboard ?? []).flat().map((b) => ({ label: b.text, reply: b.callback_data })),
      });
      return { ok: true, result: { message_id: sent.length, date: 0, chat: { id: Number(p.chat_id), type: 'private' }, text: p.text } } as never;
    }
    return { ok: true, result: true } as never;
  };
  bots.telegram!.bot.api.config.use(recorder);
  const handle = (update: object) => bots.telegram!.bot.handleUpdate(update as never);
  return {
    bots,
    sent,
    calls,
    handle,
    /** Moves the bots' clock on (idle expiry). */
    advance(minutes: number) {
      offsetMs += minutes * 60_000;
    },
    /** Sends an update and returns the texts the bot answered with. */
    async say(update: object): Promise<SentMessage[]> {
      const before = sent.length;
      await handle(update);
      return sent.slice(before);
    },
  };
}
