import { index, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Messages already taken in, by the network's own id (Telegram update_id,
 * WeChat MsgId or FromUserName+CreateTime): networks retry, and a retry must
 * not file a second ticket. Rows older than a day are purged.
 */
export const chatInbound = pgTable(
  'chat_inbound',
  {
    network: text('network').notNull(),
    messageKey: text('message_key').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.network, t.messageKey] }), index('chat_inbound_received_idx').on(t.receivedAt)],
);
