import { hotspotWarnings, hotspotWarningTickets, ticketDuplicateLinks, tickets } from '@hotline/db';
import { and, asc, desc, gte, inArray, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import { addDays, instantAt, isLocalDay, localDayOf } from '../calendar/local-time.ts';
import type { DomainContext } from '../context.ts';
import { validationError } from '../errors.ts';
import { redact } from '../privacy/redact.ts';
import { STATUS_LABELS } from '../tickets/state-machine.ts';
import { requireRole } from '../tickets/internal.ts';
import { METRIC_NAMES, metricsOf, type MetricName, type Ratio } from '../metrics/compute-metrics.ts';
import { lastFinishedPeriod, PERIOD_KINDS, periodOf, previousPeriod, type Period } from '../metrics/periods.ts';
import { scorecardsOf, type Scorecards } from '../metrics/scorecards.ts';
import { categoryVolumeOf } from '../metrics/volume-profile.ts';

/**
 * 周报、月报、季报: the figures of a period against the one before, the units'
 * ranking, the warnings raised and the problems citizens kept raising (clusters
 * of duplicate tickets), with example tickets whose titles have personal data
 * masked; a quarter adds 疑难问题 for the government's meeting: recurring
 * problems that stayed unresolved, overdue or were reopened. The same report
 * feeds the page, the PDF and the spreadsheet.
 */

export const ReportQuery = z.object({
  period: z.enum(PERIOD_KINDS, { error: '报告周期应为 week、month 或 quarter' }).default('month'),
  /** Any day inside the period; default: the last period that has ended. */
  at: z.string().refine(isLocalDay, '日期格式应为 YYYY-MM-DD').optional(),
});
export type ReportQuery = z.infer<typeof ReportQuery>;

export const REPORT_ROLES = ['supervisor', 'admin'] as const;

export const METRIC_LABELS: Record<MetricName, string> = {
  onTimeCompletion: '按期办结率',
  contact: '联系率',
  processSatisfaction: '过程满意率',
  resultSatisfaction: '结果满意率',
  resolution: '问题解决率',
  directAnswer: '直接答复率',
  dispatchAccuracy: '转办准确率',
  repeat: '重复诉求率',
  callback: '回访率',
};

export interface ExampleTicket {
  ticketNo: string;
  /** The title with names, numbers and house numbers masked. */
  title: string;
  statusLabel: string;
  createdAt: string;
}

export interface RecurringProblem {
  clusterId: string;
  title: string;
  category: string | null;
  place: string | null;
  tickets: number;
  /** Members still open (not replied, answered, closed, merged or rejected). */
  open: number;
  /** Members open past their due time. */
  overdue: number;
  /** Members reopened at least once. */
  reopened: number;
  /** Members rated 未解决. */
  unresolved: number;
  units: string[];
  firstAt: string;
  lastAt: string;
  examples: ExampleTicket[];
}

export interface ReportWarning {
  id: string;
  title: string;
  reason: string;
  statusLabel: string;
  tickets: number;
  firstFiredAt: string;
  assignedUnit: string | null;
  examples: ExampleTicket[];
}

export interface Report {
  period: Period;
  previous: Period;
  /** The period has not ended: its figures so far. */
  partial: boolean;
  generatedAt: string;
  received: { current: number; previous: number };
  figures: { name: MetricName; label: string; current: Ratio; previous: Ratio; /** percentage points, null when either has no data */ change: number | null }[];
  topCategories: { label: string; current: number; previous: number }[];
  rankings: Scorecards;
  warnings: ReportWarning[];
  recurring: RecurringProblem[];
  /** Only in a quarterly report: recurring problems that stayed unresolved, overdue or reopened. */
  hardProblems: RecurringProblem[] | null;
}

const WARNING_LIMIT = 20;
const RECURRING_LIMIT = 10;
const EXAMPLES = 3;
const MIN_RECURRING = 3;
const OPEN = ['submitted', 'accepted', 'dispatched', 'signed', 'in_progress'];
const WARNING_STATUS: Record<string, string> = { open: '待处理', acknowledged: '已确认', assigned: '已指派', closed: '已关闭' };

const fmt = (d: Date) => d.toISOString();
const maskTitle = (title: string, name: string | null, address: string | null) => redact(title, { names: [name], address }).text;

export async function buildReport(ctx: DomainContext, query: ReportQuery): Promise<Report> {
  requireRole(ctx.actor, [...REPORT_ROLES], '查看报告');
  return reportOf(ctx, query);
}

/** The report without the role check: for the entry points that checked it. */
export async function reportOf(ctx: DomainContext, query: ReportQuery): Promise<Report> {
  const now = ctx.now();
  const today = localDayOf(now);
  const period = query.at ? periodOf(query.period, query.at) : lastFinishedPeriod(query.period, today);
  if (period.from > today) throw validationError('这个周期还没有开始', 'at');
  const previous = previousPeriod(period);
  const upTo = (p: Period) => ({ from: p.from, to: p.to > today ? today : p.to });

  const [metricsNow, metricsBefore, volumeNow, volumeBefore, rankings, warnings, recurring] = await Promise.all([
    metricsOf(ctx, { ...upTo(period), groupBy: 'none' }),
    metricsOf(ctx, { ...upTo(previous), groupBy: 'none' }),
    categoryVolumeOf(ctx, upTo(period)),
    categoryVolumeOf(ctx, upTo(previous)),
    scorecardsOf(ctx, period),
    warningsOf(ctx, period),
    recurringOf(ctx, period, now, false),
  ]);
  const current = metricsNow.groups.find((g) => g.key === 'all')!.metrics;
  const before = metricsBefore.groups.find((g) => g.key === 'all')!.metrics;
  const figures = METRIC_NAMES.map((name) => {
    const a = current[name];
    const b = before[name];
    return { name, label: METRIC_LABELS[name], current: a, previous: b, change: a.rate === null || b.rate === null ? null : Math.round((a.rate - b.rate) * 1000) / 10 };
  });
  const beforeByLabel = new Map(volumeBefore.topCategories.map((c) => [c.label, c.count]));
  return {
    period,
    previous,
    partial: period.to >= today,
    generatedAt: fmt(now),
    received: { current: volumeNow.total, previous: volumeBefore.total },
    figures,
    topCategories: volumeNow.topCategories.slice(0, 10).map((c) => ({ label: c.label, current: c.count, previous: beforeByLabel.get(c.label) ?? 0 })),
    rankings,
    warnings,
    recurring,
    hardProblems: period.kind === 'quarter' ? await recurringOf(ctx, period, now, true) : null,
  };
}

const within = (p: Period) => ({ start: instantAt(p.from, 0), end: instantAt(addDays(p.to, 1), 0) });

async function warningsOf(ctx: DomainContext, period: Period): Promise<ReportWarning[]> {
  const { start, end } = within(period);
  const rows = await ctx.db
    .select()
    .from(hotspotWarnings)
    .where(and(gte(hotspotWarnings.firstFiredAt, start), lt(hotspotWarnings.firstFiredAt, end)))
    .orderBy(desc(hotspotWarnings.count), asc(hotspotWarnings.firstFiredAt))
    .limit(WARNING_LIMIT);
  if (rows.length === 0) return [];
  const members = await ctx.db
    .select({ warningId: hotspotWarningTickets.warningId, ...exampleColumns })
    .from(hotspotWarningTickets)
    .innerJoin(tickets, sql`${tickets.id} = ${hotspotWarningTickets.ticketId}`)
    .where(inArray(hotspotWarningTickets.warningId, rows.map((r) => r.id)))
    .orderBy(asc(tickets.createdAt));
  const byWarning = groupBy(members, (m) => m.warningId);
  return rows.map((w) => {
    const list = byWarning.get(w.id) ?? [];
    return {
      id: w.id,
      title: w.title,
      reason: w.reason,
      statusLabel: WARNING_STATUS[w.status] ?? w.status,
      tickets: list.length,
      firstFiredAt: fmt(w.firstFiredAt),
      assignedUnit: w.assignedUnitId ? (ctx.rules.catalog.units.get(w.assignedUnitId)?.name ?? w.assignedUnitId) : null,
      examples: list.slice(0, EXAMPLES).map(example),
    };
  });
}

const exampleColumns = {
  id: tickets.id,
  ticketNo: tickets.ticketNo,
  title: tickets.title,
  status: tickets.status,
  citizenName: tickets.citizenName,
  address: tickets.address,
  createdAt: tickets.createdAt,
};
type ExampleRow = { ticketNo: string; title: string; status: string; citizenName: string | null; address: string | null; createdAt: Date };

function example(row: ExampleRow): ExampleTicket {
  return {
    ticketNo: row.ticketNo,
    title: maskTitle(row.title, row.citizenName, row.address),
    statusLabel: STATUS_LABELS[row.status as keyof typeof STATUS_LABELS] ?? row.status,
    createdAt: fmt(row.createdAt),
  };
}

/**
 * Clusters of duplicate tickets (ticket_duplicate_links) with members filed in
 * the period, largest first. `hard`: only those where something went wrong —
 * a member reopened, rated unresolved, or still open past its due time.
 */
async function recurringOf(ctx: DomainContext, period: Period, now: Date, hard: boolean): Promise<RecurringProblem[]> {
  const { start, end } = within(period);
  const sizes = await ctx.db
    .select({ clusterId: ticketDuplicateLinks.clusterId, n: sql<number>`count(distinct ${ticketDuplicateLinks.ticketId})::int` })
    .from(ticketDuplicateLinks)
    .innerJoin(tickets, sql`${tickets.id} = ${ticketDuplicateLinks.ticketId}`)
    .where(and(gte(tickets.createdAt, start), lt(tickets.createdAt, end)))
    .groupBy(ticketDuplicateLinks.clusterId)
    .having(sql`count(distinct ${ticketDuplicateLinks.ticketId}) >= ${MIN_RECURRING - 1}`)
    .orderBy(sql`2 desc`, ticketDuplicateLinks.clusterId)
    .limit(hard ? 200 : RECURRING_LIMIT * 3);
  if (sizes.length === 0) return [];
  const clusterIds = sizes.map((s) => s.clusterId);
  const links = await ctx.db
    .select({ clusterId: ticketDuplicateLinks.clusterId, ticketId: ticketDuplicateLinks.ticketId })
    .from(ticketDuplicateLinks)
    .where(inArray(ticketDuplicateLinks.clusterId, clusterIds));
  const memberIds = new Set([...clusterIds, ...links.map((l) => l.ticketId)]);
  const rows = await ctx.db
    .select({
      ...exampleColumns,
      categoryCode: tickets.categoryCode,
      subcategoryCode: tickets.subcategoryCode,
      districtCode: tickets.districtCode,
      streetCode: tickets.streetCode,
      leadUnitId: tickets.leadUnitId,
      dueAt: tickets.dueAt,
      reopenCount: tickets.reopenCount,
      resolved: tickets.resolved,
    })
    .from(tickets)
    .where(inArray(tickets.id, [...memberIds]))
    .orderBy(asc(tickets.createdAt));
  const byId = new Map(rows.map((r) => [r.id, r]));
  const membersOf = new Map<string, typeof rows>();
  for (const id of clusterIds) membersOf.set(id, byId.has(id) ? [byId.get(id)!] : []);
  for (const l of links) {
    const row = byId.get(l.ticketId);
    if (row && !membersOf.get(l.clusterId)!.includes(row)) membersOf.get(l.clusterId)!.push(row);
  }
  const { catalog } = ctx.rules;
  const problems: RecurringProblem[] = [];
  for (const clusterId of clusterIds) {
    const members = membersOf.get(clusterId)!.filter((m) => m.status !== 'rejected');
    if (members.length < MIN_RECURRING) continue;
    members.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    const first = members[0]!;
    const open = members.filter((m) => OPEN.includes(m.status));
    const overdue = open.filter((m) => m.dueAt && m.dueAt < now).length;
    const reopened = members.filter((m) => m.reopenCount > 0).length;
    const unresolved = members.filter((m) => m.resolved === false).length;
    if (hard && overdue + reopened + unresolved === 0) continue;
    const category = first.subcategoryCode ?? first.categoryCode;
    const street = first.streetCode ? catalog.streets.get(first.streetCode)?.name : undefined;
    const district = first.districtCode ? catalog.districts.get(first.districtCode)?.name : undefined;
    problems.push({
      clusterId,
      title: maskTitle(first.title, first.citizenName, first.address),
      category: category ? (catalog.categories.get(category)?.name ?? category) : null,
      place: [district, street].filter(Boolean).join(' ') || null,
      tickets: members.length,
      open: open.length,
      overdue,
      reopened,
      unresolved,
      units: [...new Set(members.map((m) => m.leadUnitId).filter((u): u is string => !!u))].map((u) => catalog.units.get(u)?.name ?? u),
      firstAt: fmt(first.createdAt),
      lastAt: fmt(members.at(-1)!.createdAt),
      examples: members.slice(-EXAMPLES).reverse().map(example),
    });
  }
  const weight = (p: RecurringProblem) => (hard ? p.overdue * 3 + p.unresolved * 2 + p.reopened * 2 + p.tickets : p.tickets);
  return problems.sort((a, b) => weight(b) - weight(a) || b.tickets - a.tickets).slice(0, hard ? RECURRING_LIMIT * 2 : RECURRING_LIMIT);
}

function groupBy<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** A rate for people: 95.2%, or — when nothing was counted. */
export const formatRate = (r: Ratio): string => (r.rate === null ? '—' : `${(r.rate * 100).toFixed(1)}%`);

/** A change in percentage points: +1.2 个百分点 / -0.4 个百分点 / 持平 / —. */
export const formatChange = (change: number | null): string =>
  change === null ? '—' : change === 0 ? '持平' : `${change > 0 ? '+' : ''}${change.toFixed(1)} 个百分点`;

/** When a time was, Beijing time, to the minute. */
export const formatInstant = (iso: string): string => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

/** The file name of a report's downloads, without extension: 12345-月报-2026-11. */
export function reportFileName(report: Report): string {
  const kind = { week: '周报', month: '月报', quarter: '季报' }[report.period.kind];
  return `12345-${kind}-${report.period.from}`;
}
