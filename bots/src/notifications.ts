import { chatNotifications, type Db, followerNotifications, ticketFollowers } from '@hotline/db';
import { and, eq, isNotNull, notExists, sql } from 'drizzle-orm';
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

/**
 * What a follower (关注人, who followed the ticket instead of filing again) hears:
 * the same changes, worded for someone who is not the filer (nothing to rate).
 * TODO: move into messages/zh-CN.ts once the chat helper's changes there have landed.
 */
const FOLLOWER_TEXT: Record<string, (ticketNo: string) => string> = {
  dispatch: (no) => `您关注的工单 ${no} 已派给承办单位办理。`,
  reply: (no) => `您关注的工单 ${no} 已有答复，可以查看办理结果。`,
  answer_directly: (no) => `您关注的工单 ${no} 已由热线直接答复，可以查看。`,
  reject: (no) => `您关注的工单 ${no} 不予受理。如问题仍然存在，可以重新提交。`,
  close: (no) => `您关注的工单 ${no} 已办结。感谢您的关注。`,
  auto_close: (no) => `您关注的工单 ${no} 已办结。感谢您的关注。`,
};

const PublicEvent = z.object({
  ticketId: z.string().optional(),
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
  const notifyFiler = filerNotifier(deps);
  const notifyFollowers = followerNotifier(deps);
  return async (message: { payload: Record<string, unknown> }): Promise<void> => {
    const parsed = PublicEvent.safeParse(message.payload);
    if (!parsed.success) return;
    await notifyFiler(parsed.data);
    await notifyFollowers(parsed.data);
  };
}

/** The chat account `network:id` of a filer or follower, or null when it is not one of ours. */
function chatAccount(channelUserId: string): { network: Network; chatUserId: string } | null {
  const split = channelUserId.indexOf(':');
  const network = channelUserId.slice(0, split) as Network;
  const chatUserId = channelUserId.slice(split + 1);
  return split < 1 || !NETWORKS.includes(network) || !chatUserId ? null : { network, chatUserId };
}

/**
 * The same change to each chat follower of the ticket, once per follower and
 * event (follower_notifications). A follower on the portal or the phone line
 * has no push channel here (as a portal filer has none): the hotline's
 * callback reaches them by phone.
 */
function followerNotifier(deps: NotificationDeps) {
  return async (event: z.infer<typeof PublicEvent>): Promise<void> => {
    const text = Object.hasOwn(FOLLOWER_TEXT, event.action) ? FOLLOWER_TEXT[event.action] : undefined;
    if (!text || !event.ticketId) return;
    const followers = await deps.db
      .select({ id: ticketFollowers.id, channelUserId: ticketFollowers.channelUserId })
      .from(ticketFollowers)
      .where(
        and(
          eq(ticketFollowers.ticketId, event.ticketId),
          isNotNull(ticketFollowers.channelUserId),
          notExists(
            deps.db
              .select({ one: sql`1` })
              .from(followerNotifications)
              .where(and(eq(followerNotifications.eventId, event.eventId), eq(followerNotifications.followerId, ticketFollowers.id))),
          ),
        ),
      );
    for (const follower of followers) {
      const account = chatAccount(follower.channelUserId!);
      if (!account) continue;
      const record = (outcome: 'sent' | 'undeliverable', note: string | null) =>
        deps.db.insert(followerNotifications).values({ eventId: event.eventId, followerId: follower.id, outcome, note }).onConflictDoNothing();
      const sender = deps.senders.get(account.network);
      if (!sender) {
        await record('undeliverable', `no ${account.network} sender configured`);
        continue;
      }
      const result = await sender.send(account.chatUserId, [
        { text: text(event.ticketNo), buttons: [{ label: zhCN.buttons.view(event.ticketNo), reply: zhCN.buttons.view(event.ticketNo) }] },
      ]);
      await record(result.delivered ? 'sent' : 'undeliverable', result.delivered ? null : result.reason.slice(0, 500));
    }
  };
}

function filerNotifier(deps: NotificationDeps) {
  return async (event: z.infer<typeof PublicEvent>): Promise<void> => {
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
