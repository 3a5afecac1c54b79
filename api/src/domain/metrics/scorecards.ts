import { ticketEvents, tickets } from '@hotline/db';
import { and, eq, gte, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import { addDays, instantAt, localDayOf } from '../calendar/local-time.ts';
import type { DomainContext } from '../context.ts';
import { forbidden, validationError } from '../errors.ts';
import type { ScorecardSettings } from '../settings/settings.ts';
import { requireStaff } from '../tickets/internal.ts';
import { metricsOf, type Ratio } from './compute-metrics.ts';
import { monthPeriod, previousPeriod, type Period } from './periods.ts';

/**
 * 单位考核 (月考核): per unit and period, the tickets it received, its rates
 * (DESIGN.md's definitions, from the shared metric queries), what went wrong
 * (overdue, returned, reopened) and a score from the office's weights
 * (settings `scorecard`), ranked. Supervisors and administrators see every
 * unit; a unit's handlers see their own card with its trend.
 */

export const SCORED_METRICS = ['onTimeCompletion', 'contact', 'processSatisfaction', 'resultSatisfaction', 'resolution'] as const;
export type ScoredMetric = (typeof SCORED_METRICS)[number];

export interface Scorecard {
  unitId: string;
  unitName: string;
  /** Dispatches to the unit as lead unit in the period. */
  received: number;
  rates: Record<ScoredMetric, Ratio>;
  /** Tickets due in the period not replied by their due time. */
  overdue: number;
  /** Dispatches of the period the unit gave back (退回). */
  returned: number;
  /** Tickets of the unit reopened in the period (重办). */
  reopened: number;
  /** Weighted mean of the rates that counted anything, 0-100, one decimal; null when none did. */
  score: number | null;
  /** 1 = best; null when the unit is below the minimum volume or has no score. */
  rank: number | null;
}

export interface Scorecards {
  period: Period;
  partial: boolean;
  weights: ScorecardSettings['weights'];
  minimumTickets: number;
  /** Ranked units first (by rank), then the unranked by volume. */
  units: Scorecard[];
}

/** A weighted mean of the rates with data, so a month with no ratings is not a month of zeros. */
export function scoreOf(rates: Record<ScoredMetric, Ratio>, weights: ScorecardSettings['weights']): number | null {
  let sum = 0;
  let weight = 0;
  for (const name of SCORED_METRICS) {
    const rate = rates[name].rate;
    if (rate === null || weights[name] === 0) continue;
    sum += weights[name] * rate;
    weight += weights[name];
  }
  return weight === 0 ? null : Math.round((sum / weight) * 1000) / 10;
}

/** Every unit's card for a period, ranked: no role check (the entry points and the reports check). */
export async function scorecardsOf(ctx: DomainContext, period: Period): Promise<Scorecards> {
  const { weights, minimumTickets } = ctx.rules.settings.scorecard;
  const today = localDayOf(ctx.now());
  const to = period.to > today ? today : period.to;
  const [metrics, reopenRows] = await Promise.all([
    metricsOf(ctx, { from: period.from, to: to < period.from ? period.from : to, groupBy: 'unit' }),
    ctx.db
      .select({ unitId: tickets.leadUnitId, n: sql<number>`count(*)::int` })
      .from(ticketEvents)
      .innerJoin(tickets, eq(tickets.id, ticketEvents.ticketId))
      .where(and(REOPEN_EVENT, gte(ticketEvents.createdAt, instantAt(period.from, 0)), lt(ticketEvents.createdAt, instantAt(addDays(period.to, 1), 0))))
      .groupBy(tickets.leadUnitId),
  ]);
  const reopened = new Map(reopenRows.map((r) => [r.unitId, Number(r.n)]));
  const cards: Scorecard[] = [];
  for (const group of metrics.groups) {
    const unit = ctx.rules.catalog.units.get(group.key);
    if (!unit) continue; // '(none)': tickets not dispatched yet
    const m = group.metrics;
    const rates = Object.fromEntries(SCORED_METRICS.map((name) => [name, m[name]])) as Record<ScoredMetric, Ratio>;
    const received = m.dispatchAccuracy.denominator;
    const card: Scorecard = {
      unitId: group.key,
      unitName: unit.name,
      received,
      rates,
      overdue: m.onTimeCompletion.denominator - m.onTimeCompletion.numerator,
      returned: m.dispatchAccuracy.denominator - m.dispatchAccuracy.numerator,
      reopened: reopened.get(group.key) ?? 0,
      score: scoreOf(rates, weights),
      rank: null,
    };
    if (received + card.overdue + card.reopened + m.onTimeCompletion.denominator + m.resultSatisfaction.denominator > 0) cards.push(card);
  }
  const ranked = cards.filter((c) => c.received >= minimumTickets && c.score !== null).sort((a, b) => b.score! - a.score! || b.received - a.received || a.unitName.localeCompare(b.unitName));
  // Equal scores share a rank (competition ranking: 1, 2, 2, 4).
  ranked.forEach((card, i) => (card.rank = i > 0 && ranked[i - 1]!.score === card.score ? ranked[i - 1]!.rank : i + 1));
  const unranked = cards.filter((c) => c.rank === null).sort((a, b) => b.received - a.received || a.unitName.localeCompare(b.unitName));
  return { period, partial: period.to >= today, weights, minimumTickets, units: [...ranked, ...unranked] };
}

/**
 * 重办: a supervisor's reopen, or an unsatisfied rating that sent the ticket back
 * (rate.ts). The partial index ticket_events_reopen_idx has this predicate: keep them identical.
 */
const REOPEN_EVENT = sql`(action = 'reopen' or (action = 'rate' and data->>'reopened' = 'true'))`;

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
export const ScorecardQuery = z.object({
  month: z.string().regex(MONTH, '月份格式应为 YYYY-MM').optional(),
  unitId: z.string().min(1).max(64).optional(),
});

const TREND_MONTHS = 6;

export interface ScorecardView extends Scorecards {
  /** Whose cards these are: every unit (supervisors, administrators, dispatchers) or one unit (its handlers). */
  scope: 'all' | 'unit';
  /** Units ranked this period (the denominator of "第 3 名，共 12 个"). */
  rankedCount: number;
  /** The chosen unit's card and its last six months, when a unit is chosen (a handler: always their own). */
  unit: { card: Scorecard | null; trend: { month: string; score: number | null; rank: number | null; received: number }[] } | null;
}

/** The 单位考核 page and API: the month's ranking, or a unit's own card. */
export async function scorecardsFor(ctx: DomainContext, query: z.infer<typeof ScorecardQuery>): Promise<ScorecardView> {
  const staff = requireStaff(ctx.actor);
  const seesAll = ['supervisor', 'admin', 'dispatcher'].includes(staff.role);
  if (!seesAll && staff.role !== 'unit_handler') throw forbidden('您的角色不能查看单位考核');
  const today = localDayOf(ctx.now());
  const month = query.month ?? today.slice(0, 7);
  if (month > today.slice(0, 7)) throw validationError('还没有到这个月份', 'month');
  let unitId = query.unitId ?? null;
  if (!seesAll) {
    if (!staff.unitId) throw forbidden('您的账号未绑定承办单位');
    if (unitId && unitId !== staff.unitId) throw forbidden('承办单位只能查看本单位的考核');
    unitId = staff.unitId;
  }
  if (unitId && !ctx.rules.catalog.units.has(unitId)) throw validationError('没有这个承办单位', 'unitId');

  const period = monthPeriod(month);
  const all = await scorecardsOf(ctx, period);
  const rankedCount = all.units.filter((u) => u.rank !== null).length;
  let unit: ScorecardView['unit'] = null;
  if (unitId) {
    const earlier: Period[] = [];
    for (let p = previousPeriod(period); earlier.length < TREND_MONTHS - 1; p = previousPeriod(p)) earlier.push(p);
    const trend = [
      { month, card: all.units.find((u) => u.unitId === unitId) ?? null },
      ...(await Promise.all(earlier.map(async (p) => ({ month: p.from.slice(0, 7), card: (await scorecardsOf(ctx, p)).units.find((u) => u.unitId === unitId) ?? null })))),
    ];
    unit = {
      card: trend[0]!.card,
      trend: trend.reverse().map((t) => ({ month: t.month, score: t.card?.score ?? null, rank: t.card?.rank ?? null, received: t.card?.received ?? 0 })),
    };
  }
  return { ...all, units: seesAll ? all.units : all.units.filter((u) => u.unitId === unitId), scope: seesAll ? 'all' : 'unit', rankedCount, unit };
}
