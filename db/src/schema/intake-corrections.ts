import { bigint, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { staffAccounts } from './staff-accounts.ts';
import { tickets } from './tickets.ts';

/** The intake fields a dispatcher or operator can correct. */
export const CORRECTED_FIELDS = ['type', 'category', 'urgency'] as const;
export type CorrectedField = (typeof CORRECTED_FIELDS)[number];

/**
 * 纠正记录: a staff member (at acceptance or dispatch) chose a different
 * type, category or urgency than the ticket was filed with (the intake
 * draft's suggestion, or the urgency the intake decided). Each row is a
 * labelled example the intake model retrains from (the nightly job).
 */
export const intakeCorrections = pgTable(
  'intake_corrections',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    ticketId: text('ticket_id')
      .notNull()
      .references(() => tickets.id),
    field: text('field').$type<CorrectedField>().notNull(),
    /** What the ticket carried before (null: no category yet). */
    suggested: text('suggested'),
    chosen: text('chosen').notNull(),
    /** accept or dispatch. */
    action: text('action').notNull(),
    correctedBy: text('corrected_by').references(() => staffAccounts.id),
    correctedAt: timestamp('corrected_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('intake_corrections_ticket_idx').on(t.ticketId), index('intake_corrections_time_idx').on(t.correctedAt)],
);
