import { integer, pgTable, text } from 'drizzle-orm/pg-core';

/** Daily sequence behind ticket numbers (YYYYMMDD + sequence). */
export const ticketCounters = pgTable('ticket_counters', {
  day: text('day').primaryKey(),
  last: integer('last').notNull(),
});
