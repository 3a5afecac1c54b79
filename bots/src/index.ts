import type { Db } from '@hotline/db';
import type { UserFromGetMe } from 'grammy/types';
import type { Hono } from 'hono';
import { BotApiClient } from './api-client.ts';
import type { BotsConfig } from './config.ts';
import { DialogEngine } from './dialog/engine.ts';
import type { ChatSender, Network, VoiceMediaSource } from './dialog/types.ts';
import type { BotLogger } from './logger.ts';
import { createNotificationHandler } from './notifications.ts';
import { TelegramAdapter } from './telegram/bot.ts';
import { wechatOfficialAccountChannel } from './wechat-oa/channel.ts';
import { wechatyChannel } from './wechaty/channel.ts';
import type { ThrottleOptions } from './telegram/throttle.ts';

export { type BotsConfig, loadBotsConfig } from './config.ts';
export { PUBLIC_EVENT_TOPIC } from './notifications.ts';
export type { VoiceMediaSource } from './dialog/types.ts';

// Any Hono app (the API's OpenAPIHono included) can carry the webhooks.
type AnyHono = Hono<any, any, any>;

/**
 * One chat network's adapter as the process sees it: its status line for
 * `npm start`, its webhook routes, its sender for notifications. New
 * networks (the WeChat official account, Wechaty) are added to the list in
 * createBots.
 */
export interface ChannelAdapter {
  network: Network;
  /** For the start-up banner, e.g. "Telegram: 轮询模式". */
  status: string;
  sender?: ChatSender;
  /** The network keeps citizens' voice messages: staff fetch them from the ticket page. */
  voice?: VoiceMediaSource;
  mount?(app: AnyHono): void;
  start?(): Promise<void>;
  stop?(): Promise<void>;
}

export interface BotsDeps {
  config: BotsConfig;
  db: Db;
  /** The API app's fetch: bots call the API in-process. */
  fetch: (request: Request) => Response | Promise<Response>;
  internalToken: string;
  logger: BotLogger;
  publicUrl?: string | undefined;
  now?: () => Date;
  /** Tests: a known bot identity and faster throttling. */
  telegram?: { botInfo?: UserFromGetMe; throttle?: ThrottleOptions };
}

export interface Bots {
  dialog: DialogEngine;
  adapters: ChannelAdapter[];
  telegram: TelegramAdapter | null;
  senders: Map<Network, ChatSender>;
  /** Where voice messages are fetched from (the official account), or null when no network keeps them. */
  voice: VoiceMediaSource | null;
  /** Outbox handler for PUBLIC_EVENT_TOPIC. */
  notify: (message: { payload: Record<string, unknown> }) => Promise<void>;
  /** Lines for the start-up banner: which bots are on. */
  statusLines(): string[];
  mountWebhooks(app: AnyHono): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createBots(deps: BotsDeps): Bots {
  const api = new BotApiClient({ fetch: deps.fetch, baseUrl: 'http://hotline.internal', internalToken: deps.internalToken });
  const dialog = new DialogEngine({ api, db: deps.db, idleMinutes: deps.config.sessionIdleMinutes, ...(deps.now ? { now: deps.now } : {}) });
  const adapters: ChannelAdapter[] = [];

  let telegram: TelegramAdapter | null = null;
  const tg = deps.config.telegram;
  if (tg) {
    const adapter = new TelegramAdapter({
      config: tg,
      dialog,
      logger: deps.logger,
      ...(deps.telegram?.botInfo ? { botInfo: deps.telegram.botInfo } : {}),
      ...(deps.telegram?.throttle ? { throttle: deps.telegram.throttle } : {}),
    });
    telegram = adapter;
    adapters.push({
      network: 'telegram',
      status: tg.mode === 'polling' ? 'Telegram: 轮询模式' : 'Telegram: Webhook 模式（POST /webhooks/telegram）',
      sender: adapter.sender,
      mount: (app) => {
        app.post('/webhooks/telegram', (c) => adapter.webhook(c.req.raw));
      },
      start: () => adapter.start(deps.publicUrl),
      stop: () => adapter.stop(),
    });
  } else {
    adapters.push({ network: 'telegram', status: 'Telegram: 未配置（设置 TELEGRAM_BOT_TOKEN 启用）' });
  }

  adapters.push(wechatOfficialAccountChannel({ config: deps.config.wechatOa ?? null, dialog, db: deps.db, logger: deps.logger, now: deps.now }));
  adapters.push(wechatyChannel({ config: deps.config.wechaty ?? null, dialog, logger: deps.logger }));

  const senders = new Map<Network, ChatSender>();
  for (const adapter of adapters) if (adapter.sender) senders.set(adapter.network, adapter.sender);
  const notify = createNotificationHandler({ db: deps.db, senders });

  return {
    dialog,
    adapters,
    telegram,
    senders,
    voice: adapters.find((a) => a.voice)?.voice ?? null,
    notify,
    statusLines: () => adapters.map((a) => a.status),
    mountWebhooks(app) {
      for (const adapter of adapters) adapter.mount?.(app);
    },
    async start() {
      for (const adapter of adapters) await adapter.start?.();
    },
    async stop() {
      for (const adapter of adapters) await adapter.stop?.();
    },
  };
}

/** Creates the bots, mounts their webhooks on the API app and starts them (polling, webhook registration). */
export async function startBots(deps: BotsDeps & { app: AnyHono }): Promise<Bots> {
  const bots = createBots(deps);
  bots.mountWebhooks(deps.app);
  await bots.start();
  return bots;
}

/** Only the webhook routes (a process that serves HTTP but leaves polling to another). */
export function mountBotWebhooks(app: AnyHono, bots: Bots): void {
  bots.mountWebhooks(app);
}

