import { bigint, date, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { tickets } from './tickets.ts';

const tz = { withTimezone: true } as const;

/**
 * The dashboard's metrics pre-counted per Beijing day (api/src/domain/metrics/rollups.ts):
 * for each metric, day and grouping, the numerator and denominator the raw query
 * (rawMetricsOf) gives for that single day, one row per key of the grouping. A
 * period's figures are the sums over its days. One row per grouping and key rather
 * than per (unit, category, district, channel) tuple: the dashboard groups by one
 * dimension at a time, and a year of tuples is a third as many rows as tickets.
 * Rows of a (metric, day) are replaced together, recounted from the raw tables.
 */
export const metricDailyRollups = pgTable(
  'metric_daily_rollups',
  {
    day: date('day', { mode: 'string' }).notNull(),
    /** A MetricName (api/src/domain/metrics/compute-metrics.ts). */
    metric: text('metric').notNull(),
    /** none | unit | category | district | channel. */
    dimension: text('dimension').notNull(),
    /** The unit id, category, district or channel code; null: none recorded (the raw query's '(none)'), and for dimension none. */
    key: text('key'),
    numerator: integer('numerator').notNull(),
    denominator: integer('denominator').notNull(),
  },
  (t) => [
    // The dashboard's read: one grouping over a period.
    index('metric_daily_rollups_read_idx').on(t.dimension, t.day),
    // The refresh's replace: a metric's rows of some days.
    index('metric_daily_rollups_day_idx').on(t.day, t.metric),
  ],
);

/**
 * Per ticket, what it counted for as of the refresh that last saw it: the Beijing
 * day of each of its moments, its keys, and which of the metrics' conditions it met
 * (a bit each). When it changes, the refresh recounts the days of the metrics whose
 * part of this changed: the days it counted on before and the days it counts on now.
 * Also the refresh's index into a day's tickets (the tickets table has none on most
 * of these moments).
 */
export const metricTicketMemo = pgTable(
  'metric_ticket_memo',
  {
    ticketId: text('ticket_id')
      .primaryKey()
      .references(() => tickets.id),
    /** created_at: direct answers, repeats. */
    createdDay: date('created_day', { mode: 'string' }).notNull(),
    /** due_at: on-time completion. */
    dueDay: date('due_day', { mode: 'string' }),
    /** replied_at: contact. */
    repliedDay: date('replied_day', { mode: 'string' }),
    /** rated_at: satisfaction, resolution. */
    ratedDay: date('rated_day', { mode: 'string' }),
    /** coalesce(replied_at, answered_at): callbacks. */
    answeredDay: date('answered_day', { mode: 'string' }),
    leadUnitId: text('lead_unit_id'),
    categoryCode: text('category_code'),
    districtCode: text('district_code'),
    channel: text('channel'),
    /** Per metric of the ticket's moments, two bits: counted, and counted in the numerator (rollups.ts assigns them). */
    flags: integer('flags').notNull(),
    /** Its dispatches, and how many of them were returned. */
    dispatches: integer('dispatches').notNull(),
    returned: integer('returned').notNull(),
  },
  (t) => [
    index('metric_ticket_memo_created_idx').on(t.createdDay),
    index('metric_ticket_memo_due_idx').on(t.dueDay),
    index('metric_ticket_memo_replied_idx').on(t.repliedDay),
    index('metric_ticket_memo_rated_idx').on(t.ratedDay),
    index('metric_ticket_memo_answered_idx').on(t.answeredDay),
  ],
);

/**
 * The rollups' progress: one row. `watermark` is the last ticket_events id whose
 * ticket has been recounted; null `builtAt`: the rollups have not been built yet.
 * Refreshes lock this row (FOR UPDATE), so they run one at a time.
 */
export const metricRollupState = pgTable('metric_rollup_state', {
  id: text('id').primaryKey(),
  watermark: bigint('watermark', { mode: 'number' }).notNull().default(0),
  builtAt: timestamp('built_at', tz),
  /** How long the full build took, for the logs and the README. */
  buildMs: integer('build_ms'),
  refreshedAt: timestamp('refreshed_at', tz),
});
