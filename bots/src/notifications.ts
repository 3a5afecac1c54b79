import { chatNotifications, type Db } from '@hotline/db';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { ChatSender, Network } from './dialog/types.ts';
import { zhCN } from './messages/zh-CN.ts';

/** The outbox topic every public ticket event is written to (api/src/domain/tickets/transition.ts). */
export const PUBLIC_EVENT_TOPIC = 'ticket.public_event';

/**
 * The actions whose change the citizen sees and hears about on their chat:
 * dispatched, replied (by the unit or directly by the hotline), rejected,
 * closed. A citizen's own rating is not echoed back.
 */
export const NOTIFIED_ACTIONS = ['dispatch', 'reply', 'answer_directly', 'reject', 'close', 'auto_close'] as const;

const PublicEvent = z.object({
  ticketNo: z.string(),
  eventId: z.coerce.number().int(),
  action: z.string(),
  channel: z.string(),
  channelUserId: z.string().nullable(),
});

const NETWORKS: readonly Network[] = ['telegram', 'wechat-oa', 'wechaty'];

export interface NotificationDeps {
  db: Db;
  /** The senders of the networks configured in this process. */
  senders: ReadonlyMap<Network, ChatSender>;
}

/**
 * The outbox handler for `ticket.public_event`: one message per visible
 * change of a ticket filed from a chat, through that network's sender.
 * `chat_notifications` (keyed by the event id) makes a repeated delivery a
 * no-op; the outbox retries a thrown error (a network failure), so delivery
 * is at least once and a duplicate needs a crash between the send and the
 * record.
 *
 * When the citizen's network has no sender in this process (not configured),
 * the event is recorded as undeliverable rather than retried forever: the
 * bots and the outbox run in the same process, so no other process would
 * take it. The citizen can still ask for progress.
 */
export function createNotificationHandler(deps: NotificationDeps) {
  return async (message: { payload: Record<string, unknown> }): Promise<void> => {
    const parsed = PublicEvent.safeParse(message.payload);
    if (!parsed.success) return;
    const event = parsed.data;
    if ((event.channel !== 'telegram' && event.channel !== 'wechat') || !event.channelUserId) return;
    const text = (NOTIFIED_ACTIONS as readonly string[]).includes(event.action) ? zhCN.notification[event.action] : undefined;
    if (!text) return;
    const split = event.channelUserId.indexOf(':');
    const network = event.channelUserId.slice(0, split) as Network;
    const chatUserId = event.channelUserId.slice(split + 1);
    if (split < 1 || !NETWORKS.includes(network) || !chatUserId) return;

    const [already] = await deps.db.select({ eventId: chatNotifications.eventId }).from(chatNotifications).where(eq(chatNotifications.eventId, event.eventId)).limit(1);
    if (already) return;
    const record = (outcome: 'sent' | 'undeliverable', note: string | null) =>
      deps.db
        .insert(chatNotifications)
        .values({ eventId: event.eventId, network, chatUserId, ticketNo: event.ticketNo, outcome, note })
        .onConflictDoNothing();

    const sender = deps.senders.get(network);
    if (!sender) {
      await record('undeliverable', `no ${network} sender configured`);
      return;
    }
    const result = await sender.send(chatUserId, [
      { text: text(event.ticketNo), buttons: [{ label: zhCN.buttons.view(event.ticketNo), reply: zhCN.buttons.view(event.ticketNo) }] },
    ]);
    await record(result.delivered ? 'sent' : 'undeliverable', result.delivered ? null : result.reason.slice(0, 500));
  };
}
