import { integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * What a channel adapter remembers per citizen between messages, in the
 * database so that consecutive messages may reach different API instances
 * (the WeChat official account's webhook behind a load balancer):
 * the numbered options last offered (WeChat text has no buttons, the citizen
 * answers "1") and the customer-service window's message count.
 */
export const chatAdapterState = pgTable(
  'chat_adapter_state',
  {
    network: text('network').notNull(),
    chatUserId: text('chat_user_id').notNull(),
    /** The buttons of the last message that had any, as numbered options; null when the last answer had none. */
    offeredButtons: jsonb('offered_buttons').$type<{ label: string; reply: string }[]>(),
    /** The citizen's last message: WeChat's 48-hour customer-service window runs from here. */
    windowOpenedAt: timestamp('window_opened_at', { withTimezone: true }),
    /** Customer-service messages sent since then (WeChat allows 5 per citizen message). */
    windowSent: integer('window_sent').notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.network, t.chatUserId] })],
);
