import { tickets } from '@hotline/db';
import { and, gte, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import { addDays, instantAt, isLocalDay } from '../calendar/local-time.ts';
import type { DomainContext } from '../context.ts';
import { validationError } from '../errors.ts';
import { requireRole } from '../tickets/internal.ts';

const day = z.string().refine(isLocalDay, '日期格式应为 YYYY-MM-DD');
export const VolumeQuery = z.object({
  /** First day of the period (Beijing time), inclusive. */
  from: day,
  /** Last day of the period, inclusive. */
  to: day,
});
export type VolumeQuery = z.infer<typeof VolumeQuery>;

export interface Counted {
  key: string;
  label: string;
  count: number;
}

/** Longest period the profile answers: a year and a bit (the dashboard's widest view). */
const MAX_DAYS = 400;
const TOP = 10;

/**
 * The dashboard's volume views over tickets created in the period (Beijing
 * time): per day (the trend), per hour of day and per weekday (Monday = 0),
 * and the top categories and streets. Merged tickets count like the others:
 * volume is what reached the hotline; the repeat rate says how much of it was
 * the same matter.
 */
export async function computeVolumeProfile(ctx: DomainContext, query: VolumeQuery) {
  requireRole(ctx.actor, ['supervisor', 'dispatcher'], '查看统计');
  return volumeOf(ctx, query);
}

/** The volume profile without asking who wants it (the public monthly figures read it too). */
export async function volumeOf(ctx: DomainContext, query: VolumeQuery) {
  if (query.to < query.from) throw validationError('结束日期不能早于开始日期', 'to');
  const start = instantAt(query.from, 0);
  const end = instantAt(addDays(query.to, 1), 0);
  if ((end.getTime() - start.getTime()) / 86_400_000 > MAX_DAYS) throw validationError(`时段最长 ${MAX_DAYS} 天`, 'from');
  const within = and(gte(tickets.createdAt, start), lt(tickets.createdAt, end))!;
  // Beijing time is a fixed +08:00 (no DST since 1991); 'UTC' is the one zone name every build knows.
  const local = sql`((${tickets.createdAt} at time zone 'UTC') + interval '8 hours')`;
  const db = ctx.db;

  // One pass for day × hour (the finest grain the views need); hour, weekday and
  // the trend are summed from it here rather than by three more scans.
  const [cells, categories, streets] = await Promise.all([
    db
      .select({ day: sql<string>`to_char(${local}, 'YYYY-MM-DD')`, hour: sql<number>`extract(hour from ${local})::int`, n: sql<number>`count(*)::int` })
      .from(tickets)
      .where(within)
      .groupBy(sql`1`, sql`2`),
    db
      .select({ key: tickets.categoryCode, n: sql<number>`count(*)::int` })
      .from(tickets)
      .where(within)
      .groupBy(tickets.categoryCode)
      .orderBy(sql`2 desc`, tickets.categoryCode)
      .limit(TOP),
    db
      .select({ key: tickets.streetCode, n: sql<number>`count(*)::int` })
      .from(tickets)
      .where(and(within, sql`${tickets.streetCode} is not null`))
      .groupBy(tickets.streetCode)
      .orderBy(sql`2 desc`, tickets.streetCode)
      .limit(TOP),
  ]);

  const byHour = Array.from({ length: 24 }, () => 0);
  const byWeekday = Array.from({ length: 7 }, () => 0);
  const perDay = new Map<string, number>();
  let total = 0;
  for (const c of cells) {
    const n = Number(c.n);
    total += n;
    byHour[Number(c.hour)]! += n;
    // Weekday of a local day: noon UTC of that date never crosses a date line.
    const weekday = (new Date(`${c.day}T12:00:00Z`).getUTCDay() + 6) % 7;
    byWeekday[weekday]! += n;
    perDay.set(c.day, (perDay.get(c.day) ?? 0) + n);
  }
  const byDay: { day: string; count: number }[] = [];
  for (let d = query.from; d <= query.to; d = addDays(d, 1)) byDay.push({ day: d, count: perDay.get(d) ?? 0 });

  const { catalog } = ctx.rules;
  return {
    from: query.from,
    to: query.to,
    total,
    byHour,
    byWeekday,
    byDay,
    topCategories: categories.map((r): Counted => ({
      key: r.key ?? '(none)',
      label: r.key ? (catalog.categories.get(r.key)?.name ?? r.key) : '（未分类）',
      count: Number(r.n),
    })),
    topStreets: streets.map((r): Counted => ({ key: r.key!, label: catalog.streets.get(r.key!)?.name ?? r.key!, count: Number(r.n) })),
  };
}
export type VolumeProfile = Awaited<ReturnType<typeof volumeOf>>;

/**
 * What the reports and the public figures need of the volume: the tickets
 * created in the period and the categories raised most, from one grouped
 * scan (the same counts as volumeOf's total and topCategories).
 */
export async function categoryVolumeOf(ctx: DomainContext, query: VolumeQuery): Promise<Pick<VolumeProfile, 'from' | 'to' | 'total' | 'topCategories'>> {
  if (query.to < query.from) throw validationError('结束日期不能早于开始日期', 'to');
  const start = instantAt(query.from, 0);
  const end = instantAt(addDays(query.to, 1), 0);
  const rows = await ctx.db
    .select({ key: tickets.categoryCode, n: sql<number>`count(*)::int` })
    .from(tickets)
    .where(and(gte(tickets.createdAt, start), lt(tickets.createdAt, end)))
    .groupBy(tickets.categoryCode);
  const { catalog } = ctx.rules;
  const byCode = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1);
  const sorted = rows.map((r) => ({ key: r.key, n: Number(r.n) })).sort((a, b) => b.n - a.n || byCode(a.key, b.key));
  return {
    from: query.from,
    to: query.to,
    total: sorted.reduce((sum, r) => sum + r.n, 0),
    topCategories: sorted.slice(0, TOP).map((r): Counted => ({
      key: r.key ?? '(none)',
      label: r.key ? (catalog.categories.get(r.key)?.name ?? r.key) : '（未分类）',
      count: r.n,
    })),
  };
}
