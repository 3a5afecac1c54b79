import { bigint, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Every time a staff member is shown a citizen's unmasked personal data (PIPL accountability). */
export const contactAccessLog = pgTable(
  'contact_access_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    staffId: text('staff_id').notNull(),
    /** The ticket whose data was shown; null for a phone search that found nothing (still an access to account for). */
    ticketId: text('ticket_id'),
    purpose: text('purpose').notNull(),
    /** What a search asked for, masked (138****5678): who looked for which number, even when nothing was found. */
    searched: text('searched'),
    ip: text('ip'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('contact_access_log_ticket_idx').on(t.ticketId), index('contact_access_log_staff_idx').on(t.staffId, t.createdAt)],
);
