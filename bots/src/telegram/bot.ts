import { safeErrorFields } from '@hotline/db';
import { timingSafeEqual } from 'node:crypto';
import { Bot, type Context, GrammyError, InlineKeyboard } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import { z } from 'zod';
import type { TelegramConfig } from '../config.ts';
import { splitMessages } from '../dialog/split.ts';
import type { ChatSender, Dialog, InboundMessage, InboundPhoto, OutboundMessage } from '../dialog/types.ts';
import type { BotLogger } from '../logger.ts';
import { zhCN } from '../messages/zh-CN.ts';
import { type ThrottleOptions, throttleTransformer } from './throttle.ts';

/** Telegram's limit for one message's text. */
export const TELEGRAM_TEXT_LIMIT = 4096;
/** Bot API getFile serves files up to 20 MB; our uploads take up to 10 MB. */
const PHOTO_MAX_BYTES = 10 * 1024 * 1024;
const CALLBACK_DATA_MAX_BYTES = 64;

export interface TelegramBotOptions {
  config: TelegramConfig;
  dialog: Dialog;
  logger: BotLogger;
  /** Known bot identity: skips getMe (tests, or a restart that already knows it). */
  botInfo?: UserFromGetMe;
  throttle?: ThrottleOptions;
  textLimit?: number;
}

/** An update from Telegram as far as we rely on it; the rest is grammY's to read. */
const UpdateBody = z.looseObject({ update_id: z.number().int().nonnegative() });

/**
 * The Telegram adapter: grammY turns updates into InboundMessages for the
 * dialog and renders the answers (inline keyboards for buttons). It holds
 * no rule of the conversation.
 */
export class TelegramAdapter {
  readonly bot: Bot;
  readonly sender: ChatSender;
  readonly #config: TelegramConfig;
  readonly #dialog: Dialog;
  readonly #logger: BotLogger;
  readonly #textLimit: number;
  readonly #pending = new Set<Promise<void>>();
  #polling = false;

  constructor(options: TelegramBotOptions) {
    this.#config = options.config;
    this.#dialog = options.dialog;
    this.#logger = options.logger;
    this.#textLimit = options.textLimit ?? TELEGRAM_TEXT_LIMIT;
    this.bot = new Bot(options.config.token, {
      client: { apiRoot: options.config.apiRoot },
      ...(options.botInfo ? { botInfo: options.botInfo } : {}),
    });
    this.bot.api.config.use(throttleTransformer(options.throttle));
    this.#install();
    this.sender = {
      network: 'telegram',
      send: async (chatUserId, messages) => {
        try {
          await this.#send(chatUserId, messages);
          return { delivered: true };
        } catch (error) {
          // Blocked by the user, chat gone: retrying will not help.
          if (error instanceof GrammyError && (error.error_code === 403 || (error.error_code === 400 && /chat not found|user is deactivated/i.test(error.description)))) {
            return { delivered: false, reason: `telegram ${error.error_code}: ${error.description.slice(0, 200)}` };
          }
          throw error;
        }
      },
    };
  }

  #install(): void {
    const bot = this.bot;
    bot.on('callback_query:data', async (ctx) => {
      await ctx.answerCallbackQuery().catch(() => undefined);
      const chat = ctx.chat;
      if (!chat) return;
      await this.#converse(ctx, {
        network: 'telegram',
        chatUserId: String(chat.id),
        messageId: String(ctx.update.update_id),
        kind: 'text',
        text: ctx.callbackQuery.data,
        ...(chat.type === 'private' ? {} : { inGroup: true }),
      });
    });
    bot.on('message', async (ctx) => {
      const message = ctx.message;
      const inGroup = ctx.chat.type !== 'private';
      const base = { network: 'telegram' as const, chatUserId: String(ctx.chat.id), messageId: String(ctx.update.update_id), ...(inGroup ? { inGroup: true } : {}) };
      let text = message.text ?? message.caption;
      if (inGroup) {
        // In groups the bot answers only when mentioned or replied to.
        const username = ctx.me.username;
        const mentioned = !!text && text.includes(`@${username}`);
        const repliedTo = message.reply_to_message?.from?.id === ctx.me.id;
        if (!mentioned && !repliedTo) return;
        text = text?.replaceAll(`@${username}`, '').trim();
      }
      let inbound: InboundMessage;
      if (message.photo && message.photo.length > 0) {
        inbound = { ...base, kind: 'photo', photo: this.#photo(message.photo) };
      } else if (message.location) {
        const venue = message.venue;
        inbound = {
          ...base,
          kind: 'location',
          location: { lat: message.location.latitude, lng: message.location.longitude, ...(venue ? { label: `${venue.title} ${venue.address}`.trim() } : {}) },
        };
      } else if (text && /^\/start(@\w+)?(\s|$)/.test(text)) {
        inbound = { ...base, kind: 'start' };
      } else {
        inbound = { ...base, kind: 'text', ...(text ? { text } : {}) };
      }
      await this.#converse(ctx, inbound);
    });
    bot.catch(async (error) => {
      this.#logger.error('telegram update failed', safeErrorFields(error.error));
      const chatId = error.ctx.chat?.id;
      if (chatId !== undefined) await this.#send(String(chatId), [{ text: zhCN.error }]).catch(() => undefined);
    });
  }

  async #converse(ctx: Context, inbound: InboundMessage): Promise<void> {
    const replies = await this.#dialog.handle(inbound);
    if (replies.length > 0 && ctx.chat) await this.#send(String(ctx.chat.id), replies);
  }

  #photo(sizes: { file_id: string; file_size?: number }[]): InboundPhoto {
    return {
      download: async () => {
        // Sizes come smallest first; take the largest one we may upload.
        const fitting = sizes.filter((s) => (s.file_size ?? 0) <= PHOTO_MAX_BYTES);
        const choice = fitting.at(-1);
        if (!choice) throw new Error(zhCN.telegram.photoTooLarge);
        let bytes: Uint8Array;
        try {
          const file = await this.bot.api.getFile(choice.file_id);
          if (!file.file_path) throw new Error('no file path');
          const res = await fetch(`${this.#config.apiRoot}/file/bot${this.#config.token}/${file.file_path}`);
          if (!res.ok) throw new Error(`download ${res.status}`);
          bytes = new Uint8Array(await res.arrayBuffer());
        } catch {
          throw new Error(zhCN.telegram.downloadFailed);
        }
        if (bytes.byteLength > PHOTO_MAX_BYTES) throw new Error(zhCN.telegram.photoTooLarge);
        return { bytes, mimeType: 'image/jpeg' };
      },
    };
  }

  async #send(chatId: string, messages: OutboundMessage[]): Promise<void> {
    for (const message of splitMessages(messages, this.#textLimit)) {
      const keyboard = keyboardOf(message);
      await this.bot.api.sendMessage(chatId, message.text, keyboard ? { reply_markup: keyboard } : {});
    }
  }

  /**
   * POST /webhooks/telegram: the secret header checked in constant time, the
   * update acknowledged at once, the conversation handled afterwards (its
   * errors reach the citizen through bot.catch). Telegram retries an update
   * that is not acknowledged; the dialog ignores repeated update_ids.
   */
  async webhook(request: Request): Promise<Response> {
    const secret = this.#config.webhookSecret;
    const given = request.headers.get('x-telegram-bot-api-secret-token') ?? '';
    if (!secret || !sameSecret(given, secret)) return Response.json({ error: { code: 'UNAUTHORIZED', message: 'secret token mismatch' } }, { status: 401 });
    if (!/^application\/json\s*(;|$)/i.test(request.headers.get('content-type') ?? '')) {
      return Response.json({ error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Content-Type must be application/json' } }, { status: 415 });
    }
    const tooLarge = () => Response.json({ error: { code: 'PAYLOAD_TOO_LARGE', message: `update over ${MAX_UPDATE_BYTES} bytes` } }, { status: 413 });
    if (Number(request.headers.get('content-length') ?? 0) > MAX_UPDATE_BYTES) return tooLarge();
    let body: unknown;
    try {
      const text = await readText(request, MAX_UPDATE_BYTES);
      if (text === null) return tooLarge();
      body = JSON.parse(text);
    } catch {
      return Response.json({ error: { code: 'VALIDATION', message: 'invalid JSON' } }, { status: 400 });
    }
    const parsed = UpdateBody.safeParse(body);
    if (!parsed.success) return Response.json({ error: { code: 'VALIDATION', message: 'not a Telegram update' } }, { status: 400 });
    this.#track(this.#process(parsed.data as Parameters<Bot['handleUpdate']>[0]));
    return new Response(null, { status: 200 });
  }

  async #process(update: Parameters<Bot['handleUpdate']>[0]): Promise<void> {
    try {
      if (!this.bot.isInited()) await this.bot.init();
      await this.bot.handleUpdate(update);
    } catch (error) {
      this.#logger.error('telegram update not handled', safeErrorFields(error));
    }
  }

  #track(work: Promise<void>): void {
    this.#pending.add(work);
    void work.finally(() => this.#pending.delete(work));
  }

  /** Resolves when every update taken in through the webhook has been handled (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  /** Long polling (development) or, with a public URL, registers the webhook. */
  async start(publicUrl: string | undefined): Promise<void> {
    if (this.#config.mode === 'polling') {
      this.#polling = true;
      void this.bot
        .start({ drop_pending_updates: false, onStart: (me) => this.#logger.info('telegram polling', { bot: me.username }) })
        .catch((error) => this.#logger.error('telegram polling stopped', { error: String((error as Error)?.message ?? error).slice(0, 300) }));
      return;
    }
    if (publicUrl) {
      await this.bot.api
        .setWebhook(`${publicUrl.replace(/\/+$/, '')}/webhooks/telegram`, { secret_token: this.#config.webhookSecret!, allowed_updates: ['message', 'callback_query'] })
        .then(() => this.#logger.info('telegram webhook registered', {}))
        .catch((error) => this.#logger.warn('telegram webhook not registered', { error: String((error as Error)?.message ?? error).slice(0, 300) }));
    }
  }

  async stop(): Promise<void> {
    if (this.#polling) await this.bot.stop().catch(() => undefined);
    await this.idle();
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function keyboardOf(message: OutboundMessage): InlineKeyboard | null {
  const buttons = (message.buttons ?? []).filter((b) => Buffer.byteLength(b.reply) <= CALLBACK_DATA_MAX_BYTES);
  if (buttons.length === 0) return null;
  const keyboard = new InlineKeyboard();
  const perRow = buttons.every((b) => [...b.label].length <= 6) ? 3 : 2;
  buttons.forEach((b, i) => {
    if (i > 0 && i % perRow === 0) keyboard.row();
    keyboard.text(b.label, b.reply);
  });
  return keyboard;
}

/** A Telegram update is a few KB (a message is at most 4,096 characters); the API's edge allows the same. */
export const MAX_UPDATE_BYTES = 256 * 1024;

/** The body as text, counted while it arrives: null past `limit` bytes. */
async function readText(request: Request, limit: number): Promise<string | null> {
  if (!request.body) return '';
  const reader = request.body.getReader();
  const decoder = new TextDecoder();
  let size = 0;
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    size += value.byteLength;
    if (size > limit) {
      reader.releaseLock(); // the rest is left unread; the server drains or closes it
      return null;
    }
    text += decoder.decode(value, { stream: true });
  }
}
