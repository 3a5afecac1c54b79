import { doublePrecision, index, integer, jsonb, pgTable, primaryKey, real, text, timestamp } from 'drizzle-orm/pg-core';
import { tickets } from './tickets.ts';

const tz = { withTimezone: true } as const;

/** 预警 status: open → acknowledged (确认) → assigned (指派) → closed (关闭); any open state may be closed. */
export const HOTSPOT_STATUSES = ['open', 'acknowledged', 'assigned', 'closed'] as const;
export type HotspotStatus = (typeof HOTSPOT_STATUSES)[number];

/**
 * 热点预警: a burst found by the hot-spot job (api/src/domain/hotspots/detect.ts):
 * a category × place whose count in a recent window is far above its own
 * seasonal baseline, or a cluster of near-duplicates that reached a set size.
 * One row per burst: `burstKey` says what grew (level, category, place or
 * cluster); while the burst goes on, later runs update this row (figures,
 * tickets, lastFiredAt) instead of raising another.
 */
export const hotspotWarnings = pgTable(
  'hotspot_warnings',
  {
    id: text('id').primaryKey(),
    burstKey: text('burst_key').notNull(),
    /** category: a category × place count; cluster: near-duplicate tickets (ticket_duplicate_links). */
    kind: text('kind').$type<'category' | 'cluster'>().notNull(),
    /** Which counts fired: e.g. street_subcategory, district_category, cluster. */
    level: text('level').notNull(),
    categoryCode: text('category_code'),
    subcategoryCode: text('subcategory_code'),
    districtCode: text('district_code'),
    streetCode: text('street_code'),
    clusterId: text('cluster_id'),
    title: text('title').notNull(),
    /** The most telling words of its tickets (in the title). */
    terms: jsonb('terms').$type<string[]>().notNull().default([]),
    status: text('status').$type<HotspotStatus>().notNull().default('open'),
    /** The figures of the strongest firing so far: tickets in the window vs the baseline's expectation. */
    windowHours: integer('window_hours').notNull(),
    count: integer('count').notNull(),
    expected: real('expected').notNull(),
    /** Poisson upper-tail probability of `count` or more given `expected` (null for a cluster). */
    pValue: doublePrecision('p_value'),
    /** Why it fired, in Chinese, for the supervisors and the leaders' push. */
    reason: text('reason').notNull(),
    firstFiredAt: timestamp('first_fired_at', tz).notNull(),
    lastFiredAt: timestamp('last_fired_at', tz).notNull(),
    /** Job runs that found the burst still going. */
    runs: integer('runs').notNull().default(1),
    acknowledgedAt: timestamp('acknowledged_at', tz),
    acknowledgedBy: text('acknowledged_by'),
    assignedUnitId: text('assigned_unit_id'),
    assignedAt: timestamp('assigned_at', tz),
    assignedBy: text('assigned_by'),
    closedAt: timestamp('closed_at', tz),
    closedBy: text('closed_by'),
    closeNote: text('close_note'),
    createdAt: timestamp('created_at', tz).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', tz).notNull().defaultNow(),
  },
  (t) => [index('hotspot_warnings_status_idx').on(t.status, t.lastFiredAt), index('hotspot_warnings_burst_idx').on(t.burstKey, t.lastFiredAt)],
);

/** The tickets of a warning (at most a few hundred: the burst's window). */
export const hotspotWarningTickets = pgTable(
  'hotspot_warning_tickets',
  {
    warningId: text('warning_id')
      .notNull()
      .references(() => hotspotWarnings.id),
    ticketId: text('ticket_id')
      .notNull()
      .references(() => tickets.id),
    addedAt: timestamp('added_at', tz).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.warningId, t.ticketId] }), index('hotspot_warning_tickets_ticket_idx').on(t.ticketId)],
);

/**
 * One push of a warning to one configured leader (HOTSPOT_LEADERS): the outbox
 * delivers a warning's pushes at least once; a recipient already `sent` is skipped.
 */
export const hotspotPushes = pgTable(
  'hotspot_pushes',
  {
    warningId: text('warning_id')
      .notNull()
      .references(() => hotspotWarnings.id),
    /** `<channel>:<address>` as configured, e.g. sms:13800000000. */
    recipient: text('recipient').notNull(),
    outcome: text('outcome').$type<'sent' | 'failed'>().notNull(),
    error: text('error'),
    attempts: integer('attempts').notNull().default(1),
    updatedAt: timestamp('updated_at', tz).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.warningId, t.recipient] })],
);
