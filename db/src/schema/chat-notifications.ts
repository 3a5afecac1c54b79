import { bigint, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Status messages to citizens on their chat, one per public ticket event:
 * the outbox delivers at least once, this row makes the second delivery a
 * no-op. `outcome` records what happened: 'sent', or 'undeliverable' with the
 * reason (e.g. outside WeChat's 48-hour window and no template configured:
 * the citizen has to look the progress up).
 */
export const chatNotifications = pgTable('chat_notifications', {
  eventId: bigint('event_id', { mode: 'number' }).primaryKey(),
  network: text('network').notNull(),
  chatUserId: text('chat_user_id').notNull(),
  ticketNo: text('ticket_no').notNull(),
  outcome: text('outcome').$type<'sent' | 'undeliverable'>().notNull(),
  note: text('note'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
