import { bigint, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { staffAccounts } from './staff-accounts.ts';
import { tickets } from './tickets.ts';
import { units } from './units.ts';

/** One row per dispatch (派单), so dispatch accuracy can count the ones later returned. */
export const ticketDispatches = pgTable(
  'ticket_dispatches',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    ticketId: text('ticket_id')
      .notNull()
      .references(() => tickets.id),
    leadUnitId: text('lead_unit_id')
      .notNull()
      .references(() => units.id),
    coUnitIds: jsonb('co_unit_ids').$type<string[]>().notNull().default([]),
    dispatchedBy: text('dispatched_by').references(() => staffAccounts.id),
    dispatchedAt: timestamp('dispatched_at', { withTimezone: true }).notNull(),
    /** Whether the dispatcher took the routing suggestion as it was. */
    followedSuggestion: text('followed_suggestion').$type<'yes' | 'no' | 'none'>().notNull().default('none'),
    returnedAt: timestamp('returned_at', { withTimezone: true }),
    returnReason: text('return_reason'),
  },
  (t) => [index('ticket_dispatches_ticket_idx').on(t.ticketId), index('ticket_dispatches_time_idx').on(t.dispatchedAt)],
);
