import { jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * One row per chat account (a Telegram chat, a WeChat follower, a Wechaty
 * contact): the dialog's state between messages, so a half-finished filing
 * survives a restart, and when the citizen last wrote (WeChat's
 * customer-service window is 48 hours after the citizen's last message).
 */
export const chatSessions = pgTable(
  'chat_sessions',
  {
    /** The chat network: 'telegram', 'wechat-oa', 'wechaty'. */
    network: text('network').notNull(),
    /** The citizen's id on that network (chat id, OpenID, contact id). */
    chatUserId: text('chat_user_id').notNull(),
    /** The dialog's state; null when no conversation is under way. */
    state: jsonb('state').$type<Record<string, unknown>>(),
    /** After this the state is dropped with a polite message. */
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    lastInboundAt: timestamp('last_inbound_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.network, t.chatUserId] })],
);
