import { z } from 'zod';
import { loadWechatOaConfig, type WechatOaConfig } from './wechat-oa/config.ts';
import { loadWechatyConfig, type WechatyConfig } from './wechaty/config.ts';

const optional = <T extends z.ZodType>(schema: T) => schema.optional().or(z.literal('').transform(() => undefined));

/** The chat bots' environment variables (documented in README.md); parsed once at start-up. */
export const BotsEnv = z
  .object({
    /** From @BotFather; unset: no Telegram bot. */
    TELEGRAM_BOT_TOKEN: optional(z.string().regex(/^\d+:[A-Za-z0-9_-]{20,}$/, 'TELEGRAM_BOT_TOKEN should look like 123456789:AA… (the token @BotFather gave you)')),
    TELEGRAM_MODE: z.enum(['polling', 'webhook'], { error: 'TELEGRAM_MODE must be polling or webhook' }).default('polling'),
    TELEGRAM_WEBHOOK_SECRET: optional(
      z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, 'TELEGRAM_WEBHOOK_SECRET must be 16-256 characters of A-Z, a-z, 0-9, _ and -'),
    ),
    /** A self-hosted Bot API server (or a test's recording server); every Bot API call goes there. */
    TELEGRAM_API_ROOT: optional(z.url({ error: 'TELEGRAM_API_ROOT must be a URL such as https://api.telegram.org' })),
    /** Idle minutes after which a half-finished conversation is dropped. */
    CHAT_SESSION_IDLE_MINUTES: z.coerce.number({ error: 'CHAT_SESSION_IDLE_MINUTES must be a number' }).int().min(1).max(7 * 24 * 60).default(30),
  })
  .superRefine((env, ctx) => {
    if (env.TELEGRAM_BOT_TOKEN && env.TELEGRAM_MODE === 'webhook' && !env.TELEGRAM_WEBHOOK_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['TELEGRAM_WEBHOOK_SECRET'], message: 'TELEGRAM_WEBHOOK_SECRET is required when TELEGRAM_MODE=webhook' });
    }
  });

export interface TelegramConfig {
  token: string;
  mode: 'polling' | 'webhook';
  webhookSecret: string | undefined;
  apiRoot: string;
}

export interface BotsConfig {
  telegram: TelegramConfig | null;
  sessionIdleMinutes: number;
  /** The WeChat official account (WECHAT_*); null or absent: off. */
  wechatOa?: WechatOaConfig | null;
  /** The Wechaty bot (WECHATY_*); null or absent: off. */
  wechaty?: WechatyConfig | null;
}

export const DEFAULT_TELEGRAM_API_ROOT = 'https://api.telegram.org';

export function loadBotsConfig(env: Record<string, string | undefined> = process.env): BotsConfig {
  const parsed = BotsEnv.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`配置有误 (environment variables):\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    telegram: e.TELEGRAM_BOT_TOKEN
      ? { token: e.TELEGRAM_BOT_TOKEN, mode: e.TELEGRAM_MODE, webhookSecret: e.TELEGRAM_WEBHOOK_SECRET, apiRoot: (e.TELEGRAM_API_ROOT ?? DEFAULT_TELEGRAM_API_ROOT).replace(/\/+$/, '') }
      : null,
    sessionIdleMinutes: e.CHAT_SESSION_IDLE_MINUTES,
    wechatOa: loadWechatOaConfig(env),
    wechaty: loadWechatyConfig(env),
  };
}
