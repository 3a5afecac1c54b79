import { bigint, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Periodic jobs shared by every API instance (housekeeping: auto-close,
 * purges, index repair): an instance runs a job only after claiming its
 * period here — a conditional update of this row — so the fleet runs it once
 * per period, not once per instance (api/src/jobs/job-claims.ts).
 */
export const jobRuns = pgTable('job_runs', {
  job: text('job').primaryKey(),
  /** Claims so far, over the job's life. */
  runs: bigint('runs', { mode: 'number' }).notNull(),
  lastStartedAt: timestamp('last_started_at', { withTimezone: true }).notNull(),
  /** Which instance claimed the last period (its random id, for logs and tests). */
  instance: text('instance').notNull(),
});
