import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { loadBotsConfig } from '@hotline/bots/config';
import { z } from 'zod';

/**
 * Leader pushes (领导推送): one small interface, one adapter per channel a
 * leader uses. Configuration by environment variables (README):
 *
 *   HOTSPOT_LEADERS        comma-separated `<channel>:<address>`: sms:13800000000,
 *                          telegram:<chat id>, wechat:<openid>, email:<address>
 *   HOTSPOT_SMS_URL        the SMS gateway: POST JSON { to, text } (Bearer HOTSPOT_SMS_TOKEN if set)
 *   TELEGRAM_BOT_TOKEN, TELEGRAM_API_ROOT   the city's bot (as for the chat channel): sendMessage
 *   WECHAT_APPID, WECHAT_APPSECRET, WECHAT_API_BASE   the official account: template message
 *   HOTSPOT_WECHAT_TEMPLATE_ID             its template (fields first, keyword1, keyword2, remark)
 *   HOTSPOT_SMTP_URL       smtp://user:pass@host:port (or smtps:// for TLS from the start)
 *   HOTSPOT_MAIL_FROM      the sender address
 *
 * A recipient whose channel has no configuration fails with a message saying
 * which variable is missing (recorded on the push, retried by the outbox).
 */
export const LEADER_CHANNELS = ['sms', 'telegram', 'wechat', 'email'] as const;
export type LeaderChannel = (typeof LEADER_CHANNELS)[number];

export interface LeaderMessage {
  /** One line: the warning's title. */
  title: string;
  /** The whole text (title, why, where to look). */
  text: string;
  /** The warning in the staff area, when PUBLIC_URL is known. */
  url: string | null;
}

export interface LeaderSender {
  readonly channel: LeaderChannel;
  send(address: string, message: LeaderMessage): Promise<void>;
}

export interface Leader {
  channel: LeaderChannel;
  address: string;
  /** `<channel>:<address>`, as configured and as stored on each push. */
  recipient: string;
}

const optional = <T extends z.ZodType>(schema: T) => schema.optional().or(z.literal('').transform(() => undefined));

export const HotspotEnv = z.object({
  HOTSPOT_INTERVAL_SECONDS: z.coerce.number().int().min(10, 'HOTSPOT_INTERVAL_SECONDS 至少 10 秒').max(86_400).default(300),
  HOTSPOT_LEADERS: z
    .string()
    .default('')
    .transform((value, ctx) => {
      const leaders: Leader[] = [];
      for (const part of value.split(',').map((p) => p.trim()).filter(Boolean)) {
        const colon = part.indexOf(':');
        const channel = part.slice(0, colon) as LeaderChannel;
        const address = part.slice(colon + 1).trim();
        if (colon < 0 || !LEADER_CHANNELS.includes(channel) || !address) {
          ctx.addIssue({ code: 'custom', message: `「${part}」应为 渠道:地址，渠道为 ${LEADER_CHANNELS.join('、')} 之一` });
          continue;
        }
        leaders.push({ channel, address, recipient: `${channel}:${address}` });
      }
      return leaders;
    }),
  HOTSPOT_SMS_URL: optional(z.url()),
  HOTSPOT_SMS_TOKEN: optional(z.string()),
  HOTSPOT_WECHAT_TEMPLATE_ID: optional(z.string().min(1)),
  HOTSPOT_SMTP_URL: optional(z.string().regex(/^smtps?:\/\//, 'HOTSPOT_SMTP_URL 应以 smtp:// 或 smtps:// 开头')),
  HOTSPOT_MAIL_FROM: optional(z.email()),
});

export interface HotspotConfig {
  intervalMs: number;
  leaders: Leader[];
  sms: { url: string; token: string | undefined } | null;
  telegram: { token: string; apiRoot: string } | null;
  wechat: { appId: string; appSecret: string; apiBase: string; templateId: string } | null;
  smtp: { url: string; from: string } | null;
  publicUrl: string | undefined;
}

/**
 * Parsed once at start (when the background jobs are made); a bad value stops
 * the process with a message naming it. Telegram and WeChat credentials are the
 * chat channels' own (bots/src/config.ts); PUBLIC_URL makes the link in a push.
 */
export function loadHotspotConfig(env: Record<string, string | undefined> = process.env): HotspotConfig {
  const bots = loadBotsConfig(env);
  const publicUrl = z.url().safeParse(env.PUBLIC_URL);
  const shared = {
    publicUrl: publicUrl.success ? publicUrl.data : undefined,
    telegram: bots.telegram ? { token: bots.telegram.token, apiRoot: bots.telegram.apiRoot } : null,
    wechat: bots.wechatOa ? { appId: bots.wechatOa.appId, appSecret: bots.wechatOa.appSecret, apiBase: bots.wechatOa.apiBase.replace(/\/+$/, '') } : null,
  };
  const parsed = HotspotEnv.safeParse(env);
  if (!parsed.success) {
    throw new Error(`配置有误 (environment variables):\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  }
  const e = parsed.data;
  return {
    intervalMs: e.HOTSPOT_INTERVAL_SECONDS * 1000,
    leaders: e.HOTSPOT_LEADERS,
    sms: e.HOTSPOT_SMS_URL ? { url: e.HOTSPOT_SMS_URL, token: e.HOTSPOT_SMS_TOKEN } : null,
    telegram: shared.telegram ?? null,
    wechat: shared.wechat && e.HOTSPOT_WECHAT_TEMPLATE_ID ? { ...shared.wechat, templateId: e.HOTSPOT_WECHAT_TEMPLATE_ID } : null,
    smtp: e.HOTSPOT_SMTP_URL && e.HOTSPOT_MAIL_FROM ? { url: e.HOTSPOT_SMTP_URL, from: e.HOTSPOT_MAIL_FROM } : null,
    publicUrl: shared.publicUrl,
  };
}

const TIMEOUT_MS = 10_000;

async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const json = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return json;
}

/** SMS through an HTTP gateway: POST { to, text }. */
export function smsSender(config: NonNullable<HotspotConfig['sms']>): LeaderSender {
  return {
    channel: 'sms',
    async send(address, message) {
      await postJson(config.url, { to: address, text: message.text }, config.token ? { authorization: `Bearer ${config.token}` } : {});
    },
  };
}

/** Telegram: the city's bot sends the text to the leader's chat. */
export function telegramSender(config: NonNullable<HotspotConfig['telegram']>): LeaderSender {
  return {
    channel: 'telegram',
    async send(address, message) {
      const body = (await postJson(`${config.apiRoot}/bot${config.token}/sendMessage`, { chat_id: address, text: message.text })) as { ok?: boolean } | null;
      if (!body?.ok) throw new Error('telegram: sendMessage refused');
    },
  };
}

/** WeChat template message (模板消息) from the official account to the leader's openid. */
export function wechatSender(config: NonNullable<HotspotConfig['wechat']>): LeaderSender {
  let token: { value: string; expiresAt: number } | null = null;
  async function accessToken(): Promise<string> {
    if (token && token.expiresAt > Date.now() + 300_000) return token.value;
    const url = new URL(`${config.apiBase}/cgi-bin/token`);
    url.search = new URLSearchParams({ grant_type: 'client_credential', appid: config.appId, secret: config.appSecret }).toString();
    const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    const body = (await res.json().catch(() => null)) as { access_token?: string; expires_in?: number; errcode?: number } | null;
    // Never the secret or the token in an error.
    if (!body?.access_token) throw new Error(`wechat: token errcode ${body?.errcode ?? res.status}`);
    token = { value: body.access_token, expiresAt: Date.now() + (body.expires_in ?? 7200) * 1000 };
    return token.value;
  }
  return {
    channel: 'wechat',
    async send(address, message) {
      const [first, ...rest] = message.text.split('\n');
      const body = (await postJson(`${config.apiBase}/cgi-bin/message/template/send?access_token=${encodeURIComponent(await accessToken())}`, {
        touser: address,
        template_id: config.templateId,
        ...(message.url ? { url: message.url } : {}),
        data: { first: { value: first }, keyword1: { value: message.title }, keyword2: { value: rest.join(' ') }, remark: { value: '请登录工作台查看并处理' } },
      })) as { errcode?: number } | null;
      if ((body?.errcode ?? -1) !== 0) {
        if ([40001, 40014, 42001].includes(body?.errcode ?? 0)) token = null;
        throw new Error(`wechat: template errcode ${body?.errcode}`);
      }
    },
  };
}

/** E-mail over SMTP (RFC 5321): EHLO, AUTH PLAIN when the URL has a user, one message, QUIT. */
export function emailSender(config: NonNullable<HotspotConfig['smtp']>): LeaderSender {
  const url = new URL(config.url);
  return {
    channel: 'email',
    async send(address, message) {
      if (/[\r\n<>]/.test(address)) throw new Error('email: bad address');
      const secure = url.protocol === 'smtps:';
      const port = Number(url.port || (secure ? 465 : 25));
      const socket: Socket = secure ? tlsConnect({ host: url.hostname, port, servername: url.hostname }) : netConnect({ host: url.hostname, port });
      socket.setTimeout(TIMEOUT_MS, () => socket.destroy(new Error('email: timeout')));
      const smtp = new SmtpDialog(socket);
      try {
        await smtp.expect(220);
        await smtp.command(`EHLO hotline12345`, 250);
        if (url.username) {
          const plain = Buffer.from(`\0${decodeURIComponent(url.username)}\0${decodeURIComponent(url.password)}`).toString('base64');
          await smtp.command(`AUTH PLAIN ${plain}`, 235);
        }
        await smtp.command(`MAIL FROM:<${config.from}>`, 250);
        await smtp.command(`RCPT TO:<${address}>`, 250);
        await smtp.command('DATA', 354);
        const subject = `=?UTF-8?B?${Buffer.from(message.title).toString('base64')}?=`;
        const body = Buffer.from(message.text + (message.url ? `\n${message.url}` : ''))
          .toString('base64')
          .replace(/.{76}/g, '$&\r\n');
        const data = [
          `From: <${config.from}>`,
          `To: <${address}>`,
          `Subject: ${subject}`,
          `Date: ${new Date().toUTCString()}`,
          'MIME-Version: 1.0',
          'Content-Type: text/plain; charset=UTF-8',
          'Content-Transfer-Encoding: base64',
          '',
          body,
          '.',
        ].join('\r\n');
        await smtp.command(data, 250);
        await smtp.command('QUIT', 221).catch(() => undefined);
      } finally {
        socket.destroy();
      }
    },
  };
}

/** Reads SMTP replies (multi-line: `250-…` continues, `250 …` ends). */
class SmtpDialog {
  readonly #socket: Socket;
  #buffer = '';
  #waiting: ((line: string | Error) => void) | null = null;
  #lines: (string | Error)[] = [];

  constructor(socket: Socket) {
    this.#socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.#buffer += chunk;
      let end: number;
      while ((end = this.#buffer.indexOf('\r\n')) >= 0) {
        this.#push(this.#buffer.slice(0, end));
        this.#buffer = this.#buffer.slice(end + 2);
      }
    });
    socket.on('error', (error) => this.#push(error));
    socket.on('close', () => this.#push(new Error('email: connection closed')));
  }

  #push(line: string | Error) {
    if (this.#waiting) {
      const w = this.#waiting;
      this.#waiting = null;
      w(line);
    } else this.#lines.push(line);
  }

  #next(): Promise<string> {
    const line = this.#lines.shift();
    const settle = (value: string | Error, resolve: (s: string) => void, reject: (e: Error) => void) => (value instanceof Error ? reject(value) : resolve(value));
    if (line !== undefined) return new Promise((resolve, reject) => settle(line, resolve, reject));
    return new Promise((resolve, reject) => {
      this.#waiting = (value) => settle(value, resolve, reject);
    });
  }

  async expect(code: number): Promise<void> {
    for (;;) {
      const line = await this.#next();
      if (line[3] === '-') continue;
      if (Number(line.slice(0, 3)) !== code) throw new Error(`email: server answered ${line.slice(0, 3)}`);
      return;
    }
  }

  async command(text: string, code: number): Promise<void> {
    this.#socket.write(`${text}\r\n`);
    await this.expect(code);
  }
}

/** The senders the configuration allows, by channel. */
export function createLeaderSenders(config: HotspotConfig): Map<LeaderChannel, LeaderSender> {
  const senders = new Map<LeaderChannel, LeaderSender>();
  if (config.sms) senders.set('sms', smsSender(config.sms));
  if (config.telegram) senders.set('telegram', telegramSender(config.telegram));
  if (config.wechat) senders.set('wechat', wechatSender(config.wechat));
  if (config.smtp) senders.set('email', emailSender(config.smtp));
  return senders;
}
