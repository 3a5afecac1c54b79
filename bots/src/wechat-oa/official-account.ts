import { randomInt } from 'node:crypto';
import { Hono } from 'hono';
import { chatInbound, type Db, safeErrorFields } from '@hotline/db';
import type { ChatSender, Dialog, InboundMessage, OutboundMessage, VoiceMediaSource } from '../dialog/types.ts';
import { OUT_OF_WINDOW_ERRORS, WechatApi, WechatApiError } from './api-client.ts';
import type { WechatOaConfig } from './config.ts';
import { WechatCipher, WechatCryptoError, sha1Signature, signatureMatches } from './crypto.ts';
import { WECHAT_COPY } from './messages.zh-CN.ts';
import { menuText } from './menu.ts';
import { OfferedOptions } from './offered-options.ts';
import { NETWORK, ServiceWindow } from './service-window.ts';
import { packTexts, renderMessages } from './text.ts';
import {
  EncryptedEnvelope,
  MAX_PUSH_BYTES,
  WechatPush,
  WechatPushBase,
  WechatXmlError,
  encryptedReplyXml,
  parseXmlDocument,
  textReplyXml,
} from './xml.ts';

export interface WechatLogger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export interface WechatOaDeps {
  config: WechatOaConfig;
  dialog: Dialog;
  db: Db;
  logger?: WechatLogger;
  /** For calls to WeChat's API (tests point WECHAT_API_BASE at a local server instead). */
  fetch?: typeof fetch;
  now?: () => Date;
}

export interface WechatOfficialAccount {
  /** `GET|POST /webhooks/wechat`. */
  app: Hono;
  /** Status notifications to followers. */
  sender: ChatSender;
  api: WechatApi;
  /** The citizens' voice messages, for staff on the ticket page. */
  voice: VoiceMediaSource;
  /** Resolves when every answer under way has been delivered (tests, shutdown). */
  idle(): Promise<void>;
}

/** How long a handled message is remembered in memory, so late retries are answered without the database. */
const REMEMBER_MS = 2 * 60_000;

type Delivery = { kind: 'reply'; text: string } | { kind: 'success' };

/**
 * One message (by MsgId, or follower + CreateTime for events) being answered.
 * WeChat retries a push three times when it has no answer within 5 seconds;
 * all deliveries of one message share one entry, so the dialog runs once.
 * When the answer is ready it goes to the delivery that arrived last and is
 * still waiting (WeChat abandoned the earlier connections), every other
 * delivery gets "success"; when none is waiting any more the answer goes
 * through the customer-service API.
 */
interface InFlight {
  waiting: Array<(delivery: Delivery) => void>;
  settled: boolean;
}

const silent: WechatLogger = { info() {}, warn() {}, error() {} };

export function createWechatOfficialAccount(deps: WechatOaDeps): WechatOfficialAccount {
  const { config, dialog, db } = deps;
  const logger = deps.logger ?? silent;
  const now = deps.now ?? (() => new Date());
  const cipher = config.aesKey ? new WechatCipher(config.aesKey, config.appId) : null;
  const api = new WechatApi({ apiBase: config.apiBase, appId: config.appId, appSecret: config.appSecret, fetch: deps.fetch, now });
  // Both in the database: consecutive messages of one citizen may reach different instances.
  const window = new ServiceWindow(db, now);
  const buttons = new OfferedOptions(db, now);
  const inFlight = new Map<string, InFlight>();
  const background = new Set<Promise<unknown>>();

  const track = (promise: Promise<unknown>) => {
    const p = promise.catch((error) => logger.error('wechat-oa background task failed', safeErrorFields(error))).finally(() => background.delete(p));
    background.add(p);
  };

  /** Signed and fresh, or the reason it is not (401 signature, 403 stale). */
  const checkRequest = (query: Record<string, string>, extra?: string): 401 | 403 | null => {
    const { timestamp, nonce } = query;
    if (!timestamp || !nonce || !/^\d{1,12}$/.test(timestamp) || nonce.length > 64) return 401;
    const ok =
      extra !== undefined
        ? signatureMatches(sha1Signature(config.token, timestamp, nonce, extra), query.msg_signature)
        : signatureMatches(sha1Signature(config.token, timestamp, nonce), query.signature);
    if (!ok) return 401;
    if (Math.abs(now().getTime() - Number(timestamp) * 1000) > config.timestampWindowMs) return 403;
    return null;
  };

  /** Sends texts through the customer-service API within the window; the rest is reported back. */
  const sendThroughService = async (openId: string, texts: string[]): Promise<{ sent: number; closed: boolean }> => {
    let sent = 0;
    for (const text of texts) {
      if (!(await window.take(openId))) return { sent, closed: true };
      try {
        await api.sendCustomText(openId, text);
        sent++;
      } catch (error) {
        if (error instanceof WechatApiError && OUT_OF_WINDOW_ERRORS.has(error.errcode)) {
          await window.close(openId);
          return { sent, closed: true };
        }
        throw error;
      }
    }
    return { sent, closed: false };
  };

  const fallbackNotice = async (openId: string): Promise<{ delivered: true } | { delivered: false; reason: string }> => {
    if (!config.templateId) {
      return { delivered: false, reason: 'outside the 48-hour customer-service window and no template configured: the citizen must check progress themselves' };
    }
    try {
      await api.sendTemplate(openId, config.templateId, { [config.templateField]: WECHAT_COPY.templateNotice });
      return { delivered: true };
    } catch (error) {
      return { delivered: false, reason: `outside the customer-service window; template message failed (${(error as Error).message})` };
    }
  };

  /** Runs the dialog once for a message and hands its answer to a waiting delivery or the customer-service API. */
  const answer = (key: string, entry: InFlight, inbound: InboundMessage) => {
    const run = async () => {
      let messages: OutboundMessage[];
      try {
        await window.recordInbound(inbound.chatUserId);
        // "1" is the option offered last, by whichever instance offered it.
        const resolved = inbound.kind === 'text' && inbound.text !== undefined ? { ...inbound, text: await buttons.resolve(inbound.chatUserId, inbound.text) } : inbound;
        messages = await dialog.handle(resolved);
      } catch (error) {
        logger.error('wechat-oa dialog failed', safeErrorFields(error));
        messages = [{ text: WECHAT_COPY.failed }];
      }
      // Stored before the answer goes out: the citizen's next message may reach another instance.
      await buttons.remember(inbound.chatUserId, messages).catch((error) => logger.error('wechat-oa options not stored', safeErrorFields(error)));
      const texts = packTexts(renderMessages(messages));
      entry.settled = true;
      setTimeout(() => inFlight.delete(key), REMEMBER_MS).unref();
      const waiter = entry.waiting.pop();
      for (const other of entry.waiting.splice(0)) other({ kind: 'success' });
      let rest = texts;
      if (waiter && texts.length > 0) {
        waiter({ kind: 'reply', text: texts[0]! });
        rest = texts.slice(1);
      } else waiter?.({ kind: 'success' });
      if (rest.length > 0) {
        const result = await sendThroughService(inbound.chatUserId, rest);
        if (result.closed) logger.warn('wechat-oa answer cut short: customer-service window closed', { unsent: rest.length - result.sent });
      }
    };
    track(run());
  };

  /** Waits for this delivery's share of the answer until the passive-reply deadline. */
  const waitForDelivery = (entry: InFlight, deadline: number): Promise<Delivery> => {
    if (entry.settled) return Promise.resolve({ kind: 'success' });
    return new Promise<Delivery>((resolve) => {
      const timer = setTimeout(() => {
        const index = entry.waiting.indexOf(deliver);
        if (index >= 0) entry.waiting.splice(index, 1);
        resolve({ kind: 'success' });
      }, Math.max(0, deadline - Date.now()));
      const deliver = (delivery: Delivery) => {
        clearTimeout(timer);
        resolve(delivery);
      };
      entry.waiting.push(deliver);
    });
  };

  /**
   * A new push claims its key in the database; false when it was taken in
   * before (by this or another process). Prefixed 'push:' because the dialog
   * engine dedupes on the bare message id itself, and must still see it as new.
   */
  const claim = async (key: string): Promise<boolean> => {
    const rows = await db
      .insert(chatInbound)
      .values({ network: NETWORK, messageKey: `push:${key}`, receivedAt: now() })
      .onConflictDoNothing()
      .returning({ key: chatInbound.messageKey });
    return rows.length > 0;
  };

  const toInbound = (push: WechatPush, key: string): InboundMessage | 'unsupported' | 'ignored' | 'voiceUnreadable' => {
    const base = { network: NETWORK, chatUserId: push.FromUserName, messageId: key, receivedAt: new Date(Number(push.CreateTime) * 1000) } as const;
    switch (push.MsgType) {
      case 'text':
        return { ...base, kind: 'text', text: push.Content };
      case 'image': {
        const mediaId = push.MediaId;
        return { ...base, kind: 'photo', photo: { download: () => api.downloadMedia(mediaId) } };
      }
      case 'location':
        return { ...base, kind: 'location', location: { lat: push.Location_X, lng: push.Location_Y, ...(push.Label ? { label: push.Label } : {}) } };
      case 'voice': {
        // Without WeChat's recognised text there is nothing the dialog could read: a kind reply instead.
        const recognition = push.Recognition?.trim();
        return recognition ? { ...base, kind: 'voice', voice: { mediaId: push.MediaId, recognition } } : 'voiceUnreadable';
      }
      case 'event': {
        if (push.Event === 'subscribe') return { ...base, kind: 'start' };
        // A custom-menu button (npm run wechat -- menu): the words it stands for.
        const words = push.Event === 'CLICK' ? menuText(push.EventKey?.trim()) : undefined;
        return words ? { ...base, kind: 'text', text: words } : 'ignored';
      }
      default:
        return 'unsupported';
    }
  };

  const app = new Hono();

  app.get('/webhooks/wechat', (c) => {
    const query = c.req.query();
    const echostr = query.echostr;
    if (!echostr || echostr.length > 1024) return c.text('', 400);
    if (cipher && query.msg_signature) {
      const status = checkRequest(query, echostr);
      if (status) return c.text('', status);
      try {
        return c.text(cipher.decrypt(echostr));
      } catch {
        return c.text('', 400);
      }
    }
    const status = checkRequest(query);
    if (status) return c.text('', status);
    return c.text(echostr);
  });

  app.post('/webhooks/wechat', async (c) => {
    const arrived = Date.now();
    const query = c.req.query();
    // Nothing of the body is read before the signature and the time are checked.
    const plainStatus = checkRequest(query);
    if (plainStatus) return c.text('', plainStatus);
    const declared = Number(c.req.header('content-length') ?? '0');
    if (declared > MAX_PUSH_BYTES) return c.text('', 413);
    const raw = await c.req.arrayBuffer();
    if (raw.byteLength > MAX_PUSH_BYTES) return c.text('', 413);
    const bodyText = new TextDecoder('utf-8', { fatal: false }).decode(raw);

    let fields: Record<string, unknown>;
    try {
      const outer = parseXmlDocument(bodyText);
      if (cipher) {
        const envelope = EncryptedEnvelope.safeParse(outer);
        if (!envelope.success) return c.text('', 400);
        const status = checkRequest(query, envelope.data.Encrypt);
        if (status) return c.text('', status);
        fields = parseXmlDocument(cipher.decrypt(envelope.data.Encrypt));
      } else {
        if ('Encrypt' in outer && !('MsgType' in outer)) return c.text('', 400);
        fields = outer;
      }
    } catch (error) {
      if (error instanceof WechatXmlError || error instanceof WechatCryptoError) return c.text('', 400);
      throw error;
    }

    const reply = (content: string, toUser: string, fromUser: string) => {
      const xml = textReplyXml({ toUser, fromUser, createTime: Math.floor(now().getTime() / 1000), content });
      if (!cipher) return c.body(xml, 200, { 'content-type': 'application/xml; charset=utf-8' });
      const timestamp = String(Math.floor(now().getTime() / 1000));
      const nonce = String(randomInt(100_000_000, 999_999_999));
      const encrypt = cipher.encrypt(xml);
      const signature = sha1Signature(config.token, timestamp, nonce, encrypt);
      return c.body(encryptedReplyXml({ encrypt, signature, timestamp, nonce }), 200, { 'content-type': 'application/xml; charset=utf-8' });
    };
    const success = () => c.text('success');

    const base = WechatPushBase.safeParse(fields);
    if (!base.success) return c.text('', 400);
    const parsed = WechatPush.safeParse(fields);
    if (!parsed.success) return reply(WECHAT_COPY.unsupportedType, base.data.FromUserName, base.data.ToUserName);
    const push = parsed.data;
    const key = 'MsgId' in push && push.MsgId ? push.MsgId : `event:${push.FromUserName}:${push.CreateTime}`;

    const inbound = toInbound(push, key);
    if (inbound === 'ignored') return success();
    if (inbound === 'unsupported' || inbound === 'voiceUnreadable') {
      const copy = inbound === 'voiceUnreadable' ? WECHAT_COPY.voiceUnreadable : WECHAT_COPY.unsupportedType;
      return (await claim(key)) ? reply(copy, push.FromUserName, push.ToUserName) : success();
    }

    const deadline = arrived + config.passiveReplyMs;
    let entry = inFlight.get(key);
    if (!entry) {
      // Set before the first await: concurrent retries in this process join this entry.
      const created: InFlight = { waiting: [], settled: false };
      entry = created;
      inFlight.set(key, created);
      const delivery = waitForDelivery(created, deadline);
      let fresh: boolean;
      try {
        fresh = await claim(key);
      } catch (error) {
        inFlight.delete(key);
        throw error;
      }
      if (!fresh) {
        // Taken in before (a retry after a restart, or a replay): answered already.
        created.settled = true;
        for (const waiter of created.waiting.splice(0)) waiter({ kind: 'success' });
        setTimeout(() => inFlight.delete(key), REMEMBER_MS).unref();
        return success();
      }
      answer(key, created, inbound);
      const result = await delivery;
      return result.kind === 'reply' ? reply(result.text, push.FromUserName, push.ToUserName) : success();
    }
    const result = await waitForDelivery(entry, deadline);
    return result.kind === 'reply' ? reply(result.text, push.FromUserName, push.ToUserName) : success();
  });

  const sender: ChatSender = {
    network: NETWORK,
    async send(openId, messages) {
      await buttons.remember(openId, messages);
      const texts = packTexts(renderMessages(messages));
      // Other failures (WeChat unreachable, system busy) throw: the outbox tries again later.
      const result = await sendThroughService(openId, texts);
      if (!result.closed || result.sent > 0) return { delivered: true };
      return fallbackNotice(openId);
    },
  };

  const voice: VoiceMediaSource = {
    download: (mediaId) =>
      api.downloadMedia(mediaId, 'voice').catch((error: unknown) => {
        // 40007 (invalid media_id) is what WeChat answers once its three days are over.
        if (error instanceof WechatApiError && error.errcode === 40007) return 'expired' as const;
        throw error;
      }),
  };

  return {
    app,
    sender,
    api,
    voice,
    async idle() {
      while (background.size > 0) await Promise.all([...background]);
    },
  };
}

/** Mounts `GET|POST /webhooks/wechat` on the main Hono app. */
export function mountWechatOfficialAccount(app: { route(path: string, sub: Hono): unknown }, deps: WechatOaDeps): WechatOfficialAccount {
  const account = createWechatOfficialAccount(deps);
  app.route('/', account.app);
  return account;
}
