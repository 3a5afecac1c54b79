import { metricDailyRollups, ticketDispatches, ticketEvents, tickets } from '@hotline/db';
import { and, eq, gte, isNotNull, lt, lte, ne, type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { addDays, instantAt, isLocalDay } from '../calendar/local-time.ts';
import type { DomainContext } from '../context.ts';
import { validationError } from '../errors.ts';
import { CHANNEL_LABELS } from '../labels.ts';
import { requireRole } from '../tickets/internal.ts';
import { refreshMetricRollups } from './rollups.ts';

export const METRIC_GROUPINGS = ['none', 'unit', 'category', 'district', 'channel'] as const;
export type MetricGrouping = (typeof METRIC_GROUPINGS)[number];

const day = z.string().refine(isLocalDay, '日期格式应为 YYYY-MM-DD');
export const MetricsQuery = z.object({
  /** First day of the period (Beijing time), inclusive. */
  from: day,
  /** Last day of the period, inclusive. */
  to: day,
  groupBy: z.enum(METRIC_GROUPINGS).default('none'),
});
export type MetricsQuery = z.infer<typeof MetricsQuery>;

export interface Ratio {
  numerator: number;
  denominator: number;
  /** numerator / denominator, or null when nothing was counted. */
  rate: number | null;
}

export const METRIC_NAMES = [
  'onTimeCompletion',
  'contact',
  'processSatisfaction',
  'resultSatisfaction',
  'resolution',
  'directAnswer',
  'dispatchAccuracy',
  'repeat',
  'callback',
] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

export interface MetricGroup {
  key: string;
  label: string;
  metrics: Record<MetricName, Ratio>;
}

interface Count {
  key: string | null;
  numerator: number;
  denominator: number;
}

const satisfied = (column: AnyPgColumn) => sql`${column} in ('satisfied', 'basically_satisfied')`;
const countWhere = (condition: SQL) => sql<number>`count(*) filter (where ${condition})::int`;
const countAll = sql<number>`count(*)::int`;

/**
 * The hotline's metrics exactly as DESIGN.md defines them, each over the
 * tickets that belong to the period by the moment that defines the metric:
 * - 按期办结率: tickets due in the period (dueAt), replied by their due time;
 * - 联系率: tickets replied in the period whose unit recorded contact;
 * - 满意率 (process, result): ratings given in the period, satisfied or basically satisfied;
 * - 解决率: ratings given in the period that say resolved;
 * - 直接答复率: valid (not rejected) tickets created in the period answered at intake;
 * - 转办准确率: dispatches made in the period not returned;
 * - repeat rate: tickets created in the period merged as duplicates or marked as a repeat;
 * - 回访率: tickets replied or answered in the period (their latest round) that were
 *   called back: rated since that reply (by the citizen or on the phone), or
 *   closed as unreachable after the required attempts.
 * Per unit the ticket metrics use the current lead unit, dispatch accuracy the unit dispatched to.
 */
export async function computeMetrics(ctx: DomainContext, query: MetricsQuery) {
  requireRole(ctx.actor, ['supervisor', 'dispatcher'], '查看统计');
  return metricsOf(ctx, query);
}

/**
 * The metrics without asking who wants them: for computeMetrics, the public monthly
 * figures (public-figures.ts), scorecards and reports. Read from the daily rollups
 * (rollups.ts), brought up to the event log first, so a change committed before the
 * call is in the figures; the same result as rawMetricsOf, which the tests hold it to.
 */
export async function metricsOf(ctx: DomainContext, query: MetricsQuery) {
  if (query.to < query.from) throw validationError('结束日期不能早于开始日期', 'to');
  await refreshMetricRollups(ctx.db);
  const r = metricDailyRollups;
  const rows = (await ctx.db
    .select({
      metric: r.metric,
      key: query.groupBy === 'none' ? sql<string>`'all'` : r.key,
      numerator: sql<number>`coalesce(sum(${r.numerator}), 0)::int`,
      denominator: sql<number>`coalesce(sum(${r.denominator}), 0)::int`,
    })
    .from(r)
    .where(and(eq(r.dimension, query.groupBy), gte(r.day, query.from), lte(r.day, query.to)))
    .groupBy(r.metric, r.key)) as (Count & { metric: string })[];
  const byMetric = Object.fromEntries(METRIC_NAMES.map((name) => [name, [] as Count[]])) as Record<MetricName, Count[]>;
  for (const row of rows) byMetric[row.metric as MetricName]?.push(row);
  return shape(ctx, query, byMetric);
}

/**
 * The metrics counted from the raw tickets, dispatches and events of the period:
 * the definition the rollups are held to (tests), and what they were before them
 * (seconds at 800,000 tickets on PostgreSQL: README, bench:oversight).
 */
export async function rawMetricsOf(ctx: DomainContext, query: MetricsQuery) {
  if (query.to < query.from) throw validationError('结束日期不能早于开始日期', 'to');
  const start = instantAt(query.from, 0);
  const end = instantAt(addDays(query.to, 1), 0);
  const within = (column: AnyPgColumn) => and(gte(column, start), lt(column, end))!;

  const ticketKey: Record<MetricGrouping, SQL> = {
    none: sql`'all'::text`,
    unit: sql`${tickets.leadUnitId}`,
    category: sql`${tickets.categoryCode}`,
    district: sql`${tickets.districtCode}`,
    channel: sql`${tickets.channel}`,
  };
  const key = ticketKey[query.groupBy];
  const db = ctx.db;

  // PostgreSQL refuses a constant in GROUP BY, so the ungrouped case has none.
  const groupBy = <T extends { groupBy: (...keys: SQL[]) => unknown }>(q: T, k: SQL) => (query.groupBy === 'none' ? q : q.groupBy(k));
  const grouped = (numerator: SQL, where: SQL) =>
    groupBy(
      db.select({ key: sql<string | null>`${key}`, numerator: countWhere(numerator), denominator: countAll }).from(tickets).where(where).$dynamic(),
      key,
    ) as Promise<Count[]>;

  const dispatchKey = query.groupBy === 'unit' ? sql`${ticketDispatches.leadUnitId}` : key;
  const answeredAt = sql`coalesce(${tickets.repliedAt}, ${tickets.answeredAt})`;
  const calledBack = sql`(${tickets.ratedAt} >= ${answeredAt} or (${tickets.status} = 'closed' and exists (
    select 1 from ${ticketEvents} e where e.ticket_id = ${tickets.id} and e.action in ('close', 'auto_close') and e.data->>'outcome' = 'unreachable')))`;
  const [onTime, contact, process, result, resolution, direct, accuracy, repeat, callback] = await Promise.all([
    grouped(sql`${tickets.repliedAt} is not null and ${tickets.repliedAt} <= ${tickets.dueAt}`, and(within(tickets.dueAt), isNotNull(tickets.dispatchedAt))!),
    grouped(sql`${tickets.contactedAt} is not null`, and(within(tickets.repliedAt), isNotNull(tickets.leadUnitId))!),
    grouped(satisfied(tickets.processSatisfaction), within(tickets.ratedAt)),
    grouped(satisfied(tickets.resultSatisfaction), within(tickets.ratedAt)),
    grouped(sql`${tickets.resolved} = true`, within(tickets.ratedAt)),
    grouped(sql`${tickets.answeredAt} is not null`, and(within(tickets.createdAt), ne(tickets.status, 'rejected'))!),
    groupBy(
      db
        .select({ key: sql<string | null>`${dispatchKey}`, numerator: countWhere(sql`${ticketDispatches.returnedAt} is null`), denominator: countAll })
        .from(ticketDispatches)
        .innerJoin(tickets, sql`${tickets.id} = ${ticketDispatches.ticketId}`)
        .where(within(ticketDispatches.dispatchedAt))
        .$dynamic(),
      dispatchKey,
    ) as Promise<Count[]>,
    grouped(sql`${tickets.status} = 'merged' or ${tickets.repeatOfId} is not null`, within(tickets.createdAt)),
    grouped(calledBack, and(gte(answeredAt, start), lt(answeredAt, end))!),
  ]);

  return shape(ctx, query, {
    onTimeCompletion: onTime,
    contact,
    processSatisfaction: process,
    resultSatisfaction: result,
    resolution,
    directAnswer: direct,
    dispatchAccuracy: accuracy,
    repeat,
    callback,
  });
}

/** Per metric, its counts by key, into the groups the dashboard shows, labelled and sorted by key. */
function shape(ctx: DomainContext, query: MetricsQuery, byMetric: Record<MetricName, Count[]>) {
  const groups = new Map<string, MetricGroup>();
  const label = labeller(ctx, query.groupBy);
  for (const name of METRIC_NAMES) {
    for (const row of byMetric[name]) {
      const groupKey = row.key ?? '(none)';
      let group = groups.get(groupKey);
      if (!group) {
        group = { key: groupKey, label: label(row.key), metrics: emptyMetrics() };
        groups.set(groupKey, group);
      }
      const numerator = Number(row.numerator);
      const denominator = Number(row.denominator);
      group.metrics[name] = { numerator, denominator, rate: denominator === 0 ? null : numerator / denominator };
    }
  }
  if (query.groupBy === 'none' && !groups.has('all')) groups.set('all', { key: 'all', label: '全部', metrics: emptyMetrics() });
  return {
    from: query.from,
    to: query.to,
    groupBy: query.groupBy,
    groups: [...groups.values()].sort((a, b) => a.key.localeCompare(b.key)),
  };
}

function emptyMetrics(): Record<MetricName, Ratio> {
  return Object.fromEntries(METRIC_NAMES.map((n) => [n, { numerator: 0, denominator: 0, rate: null }])) as Record<MetricName, Ratio>;
}

function labeller(ctx: DomainContext, groupBy: MetricGrouping): (key: string | null) => string {
  const { catalog } = ctx.rules;
  return (key) => {
    if (key === null) return groupBy === 'unit' ? '（未派单）' : groupBy === 'category' ? '（未分类）' : '（未填写）';
    switch (groupBy) {
      case 'none':
        return '全部';
      case 'unit':
        return catalog.units.get(key)?.name ?? key;
      case 'category':
        return catalog.categories.get(key)?.name ?? key;
      case 'district':
        return catalog.districts.get(key)?.name ?? key;
      case 'channel':
        return CHANNEL_LABELS[key as keyof typeof CHANNEL_LABELS] ?? key;
    }
  };
}

