import { jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Tunable rules (time limits, return window, reopen limit …), validated by zod when read. */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  updatedBy: text('updated_by'),
});
