import { z } from 'zod';
import { addDays, localDayOf } from '../calendar/local-time.ts';
import type { DomainContext } from '../context.ts';
import { validationError } from '../errors.ts';
import { metricsOf, type Ratio } from './compute-metrics.ts';
import { categoryVolumeOf } from './volume-profile.ts';

/**
 * 每月办理情况 for citizens (the portal's /figures): how many requests the
 * hotline took in a month, how many were answered on time, how satisfied the
 * callers said they were, and what people wrote about most. The same metrics
 * as the staff dashboard (DESIGN.md), for the whole city only: no unit, no
 * ticket, nothing about a person. A month's figures are kept for a while
 * (a finished month changes only by late ratings), so a busy public page does
 * not recompute them for every visitor.
 */

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
export const PublicFiguresQuery = z.object({
  month: z.string().regex(MONTH, '月份格式应为 YYYY-MM').optional(),
});

/** How long a month's figures are reused: the current month changes by the minute, a finished one hardly. */
const FRESH_MS = { current: 5 * 60_000, finished: 60 * 60_000 };
const MONTHS_SHOWN = 12;
const cache = new WeakMap<object, Map<string, { at: number; figures: PublicFigures }>>();

export interface PublicFigures {
  month: string;
  /** The months a citizen may choose (newest first): this one and the eleven before. */
  months: string[];
  /** The month is still running: its figures so far. */
  partial: boolean;
  received: number;
  onTime: Ratio;
  processSatisfaction: Ratio;
  resultSatisfaction: Ratio;
  resolution: Ratio;
  topCategories: { label: string; count: number }[];
}

const monthOf = (day: string) => day.slice(0, 7);
const firstDay = (month: string) => `${month}-01`;
function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}
function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

export async function publicFigures(ctx: DomainContext, query: z.infer<typeof PublicFiguresQuery>): Promise<PublicFigures> {
  const today = localDayOf(ctx.now());
  const current = monthOf(today);
  const months = [current];
  while (months.length < MONTHS_SHOWN) months.push(previousMonth(months.at(-1)!));
  const month = query.month ?? current;
  if (!months.includes(month)) throw validationError(`只能查看最近 ${MONTHS_SHOWN} 个月（${months.at(-1)} 至 ${current}）`, 'month');

  let store = cache.get(ctx.db);
  if (!store) cache.set(ctx.db, (store = new Map()));
  const partial = month === current;
  const kept = store.get(month);
  if (kept && Date.now() - kept.at < (partial ? FRESH_MS.current : FRESH_MS.finished)) return { ...kept.figures, months };

  const from = firstDay(month);
  const to = partial ? today : addDays(firstDay(nextMonth(month)), -1);
  const [metrics, volume] = await Promise.all([metricsOf(ctx, { from, to, groupBy: 'none' }), categoryVolumeOf(ctx, { from, to })]);
  const all = metrics.groups.find((g) => g.key === 'all')!.metrics;
  const figures: PublicFigures = {
    month,
    months,
    partial,
    received: volume.total,
    onTime: all.onTimeCompletion,
    processSatisfaction: all.processSatisfaction,
    resultSatisfaction: all.resultSatisfaction,
    resolution: all.resolution,
    topCategories: volume.topCategories.slice(0, 5).map((c) => ({ label: c.label, count: c.count })),
  };
  store.set(month, { at: Date.now(), figures });
  return figures;
}
