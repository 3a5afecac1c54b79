import { safeErrorFields } from '@hotline/db';
import { WechatyBuilder, types, type Message, type Wechaty } from 'wechaty';
import type { ChatSender, Dialog, InboundMessage, OutboundMessage } from '../dialog/types.ts';
import { WECHAT_COPY } from '../wechat-oa/messages.zh-CN.ts';
import type { WechatLogger } from '../wechat-oa/official-account.ts';
import { ButtonMemory, renderMessages } from '../wechat-oa/text.ts';
import type { WechatyConfig } from './config.ts';

const NETWORK = 'wechaty' as const;
/** Messages the puppet replays from before the bot started are not answered. */
const MAX_AGE_SECONDS = 5 * 60;
const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

type PuppetOption = NonNullable<Parameters<typeof WechatyBuilder.build>[0]>['puppet'];

export interface WechatyBotDeps {
  dialog: Dialog;
  /** A puppet name from the configuration, or a puppet instance (tests: wechaty-puppet-mock). */
  puppet: WechatyConfig | { instance: Exclude<PuppetOption, string | undefined> };
  logger?: WechatLogger;
}

export interface WechatyBot {
  wechaty: Wechaty;
  sender: ChatSender;
  /** Starts the runtime; a real puppet logs in by QR code (its URL is logged), the mock when the test logs a user in. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Resolves when every message under way has been answered (tests, shutdown). */
  idle(): Promise<void>;
}

const silent: WechatLogger = { info() {}, warn() {}, error() {} };

/**
 * The same dialog on a personal WeChat account through Wechaty: 1:1 chats
 * with contacts, and in rooms (社区群) only messages that mention the bot,
 * passed as `inGroup` (the engine answers questions there) and answered in
 * the room with a mention of the asker. Buttons become numbered options;
 * the last options offered per contact are kept in memory (ButtonMemory).
 */
export function createWechatyBot(deps: WechatyBotDeps): WechatyBot {
  const logger = deps.logger ?? silent;
  const wechaty =
    'instance' in deps.puppet
      ? WechatyBuilder.build({ puppet: deps.puppet.instance })
      : WechatyBuilder.build({
          name: deps.puppet.name,
          puppet: deps.puppet.puppet as PuppetOption,
          ...(deps.puppet.token ? { puppetOptions: { token: deps.puppet.token } } : {}),
        });
  const buttons = new ButtonMemory();
  const background = new Set<Promise<unknown>>();
  const track = (promise: Promise<unknown>) => {
    const p = promise.catch((error) => logger.error('wechaty message failed', safeErrorFields(error))).finally(() => background.delete(p));
    background.add(p);
  };

  const toInbound = async (message: Message, memoryKey: string, inGroup: boolean): Promise<InboundMessage | 'unsupported'> => {
    const base = { network: NETWORK, chatUserId: message.talker().id, messageId: message.id, receivedAt: message.date(), ...(inGroup ? { inGroup: true } : {}) };
    switch (message.type()) {
      case types.Message.Text: {
        const text = inGroup ? await message.mentionText() : message.text();
        return { ...base, kind: 'text', text: buttons.resolve(memoryKey, text) };
      }
      case types.Message.Image:
        return {
          ...base,
          kind: 'photo',
          photo: {
            async download() {
              const file = await message.toFileBox();
              const bytes = await file.toBuffer();
              if (bytes.byteLength > MAX_PHOTO_BYTES) throw new Error('photo larger than 10 MB');
              return { bytes: new Uint8Array(bytes), mimeType: file.mediaType || 'image/jpeg' };
            },
          },
        };
      case types.Message.Location: {
        const location = await message.toLocation();
        const label = location.name() || location.address();
        return { ...base, kind: 'location', location: { lat: location.latitude(), lng: location.longitude(), ...(label ? { label } : {}) } };
      }
      default:
        return 'unsupported';
    }
  };

  const handle = async (message: Message) => {
    if (message.self() || message.age() > MAX_AGE_SECONDS) return;
    const talker = message.talker();
    if (talker.type() === types.Contact.Official) return;
    const room = message.room();
    if (room && !(await message.mentionSelf())) return;
    const memoryKey = room ? `${room.id}:${talker.id}` : talker.id;
    let out: OutboundMessage[];
    const inbound = await toInbound(message, memoryKey, Boolean(room));
    if (inbound === 'unsupported') {
      if (room) return;
      out = [{ text: WECHAT_COPY.unsupportedType }];
    } else {
      try {
        out = await deps.dialog.handle(inbound);
      } catch (error) {
        logger.error('wechaty dialog failed', safeErrorFields(error));
        out = [{ text: WECHAT_COPY.failed }];
      }
    }
    buttons.remember(memoryKey, out);
    for (const text of renderMessages(out)) {
      if (room) await room.say(text, talker);
      else await talker.say(text);
    }
  };

  wechaty.on('message', (message) => track(handle(message)));
  wechaty.on('scan', (qrcode, status) => {
    if (status === types.ScanStatus.Waiting || status === types.ScanStatus.Timeout) {
      logger.info('wechaty: scan the QR code to log in', { url: `https://wechaty.js.org/qrcode/${encodeURIComponent(qrcode)}` });
    }
  });
  wechaty.on('login', () => logger.info('wechaty: logged in'));
  wechaty.on('logout', () => logger.warn('wechaty: logged out'));
  wechaty.on('error', (error) => logger.error('wechaty error', safeErrorFields(error)));
  // People who add the city's account are accepted and greeted with the menu.
  wechaty.on('friendship', (friendship) =>
    track(
      (async () => {
        if (friendship.type() === types.Friendship.Receive) await friendship.accept();
        else if (friendship.type() === types.Friendship.Confirm) {
          const contact = friendship.contact();
          const out = await deps.dialog.handle({ network: NETWORK, chatUserId: contact.id, messageId: `friendship:${friendship.id}`, kind: 'start' });
          buttons.remember(contact.id, out);
          for (const text of renderMessages(out)) await contact.say(text);
        }
      })(),
    ),
  );

  const sender: ChatSender = {
    network: NETWORK,
    async send(contactId, messages) {
      // Not logged in: throw, so the outbox tries again later.
      if (!wechaty.isLoggedIn) throw new Error('wechaty is not logged in');
      const contact = await wechaty.Contact.find({ id: contactId });
      if (!contact) return { delivered: false, reason: 'contact not found (no longer a friend of the account)' };
      buttons.remember(contactId, messages);
      for (const text of renderMessages(messages)) await contact.say(text);
      return { delivered: true };
    },
  };

  return {
    wechaty,
    sender,
    async start() {
      await wechaty.start();
    },
    async stop() {
      await wechaty.stop();
    },
    async idle() {
      while (background.size > 0) await Promise.all([...background]);
    },
  };
}
