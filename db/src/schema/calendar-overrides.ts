import { boolean, date, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Working-calendar corrections on top of the chinese-days package: the
 * official holiday schedule of a year the package does not cover yet, or a
 * local change (a city's own day off after a typhoon, say).
 */
export const calendarOverrides = pgTable('calendar_overrides', {
  day: date('day', { mode: 'string' }).primaryKey(),
  workingDay: boolean('working_day').notNull(),
  note: text('note').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
