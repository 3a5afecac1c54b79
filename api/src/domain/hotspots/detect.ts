import { hotspotWarnings, hotspotWarningTickets, newId, outbox, tickets, type Tx } from '@hotline/db';
import { and, eq, gte, inArray, ne, sql } from 'drizzle-orm';
import { localDayOf } from '../calendar/local-time.ts';
import type { DomainContext } from '../context.ts';
import { formatP, HOTSPOT_METHOD, judgeBurst, tellingWords, windowLabel } from './burst-test.ts';

/** Outbox topic of a new warning's pushes to the configured leaders (push.ts). */
export const HOTSPOT_PUSH_TOPIC = 'hotspot.push';

const HOUR = 3600_000;
/** Tickets kept with one warning (the list and a bulk assignment stay a page's worth). */
const MAX_TICKETS = 200;
/** Firings looked at per run, most specific and strongest first. */
const MAX_CANDIDATES = 60;
/** A candidate whose tickets are mostly another warning's is that warning's burst, seen from a wider count. */
const SAME_BURST_OVERLAP = 0.5;

/** The counts, most specific first: a burst is reported where it is sharpest. */
export const LEVELS = ['street_subcategory', 'street_category', 'district_subcategory', 'district_category', 'city_subcategory', 'city_category', 'cluster'] as const;
export type HotspotLevel = (typeof LEVELS)[number];

interface KeyCounts {
  level: HotspotLevel;
  key: string;
  categoryCode: string | null;
  subcategoryCode: string | null;
  districtCode: string | null;
  streetCode: string | null;
  base: number;
  windows: number[];
}

export interface Candidate {
  burstKey: string;
  level: HotspotLevel;
  kind: 'category' | 'cluster';
  categoryCode: string | null;
  subcategoryCode: string | null;
  districtCode: string | null;
  streetCode: string | null;
  clusterId: string | null;
  windowHours: number;
  count: number;
  expected: number;
  pValue: number | null;
}

export interface DetectOptions {
  method?: Partial<typeof HOTSPOT_METHOD>;
}

export interface DetectResult {
  /** New warnings (each pushed to the leaders). */
  raised: string[];
  /** Warnings of bursts still going on, updated. */
  updated: string[];
  /** Category × place counts tested, and how many windows fired before grouping into bursts. */
  tested: number;
  fired: number;
  ms: number;
}

const num = (v: unknown) => Number(v ?? 0);
/** An instant as a query parameter both drivers read the same way. */
const at = (d: Date) => sql`${d.toISOString()}::timestamptz`;
/** Raw query rows: PGlite and node-postgres both answer { rows }, some drivers a bare array. */
const rowsOf = <T>(result: unknown): T[] => (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];

/**
 * Expected tickets per hour for each hour of the day on working days and days
 * off, from the whole city's tickets in the baseline period (the seasonal profile).
 */
async function seasonalProfile(ctx: DomainContext, from: Date, to: Date): Promise<(at: number) => number> {
  const rows = rowsOf<{ h: Date | string; n: string | number }>(await ctx.db.execute(sql`
    select date_trunc('hour', ${tickets.createdAt}) as h, count(*) as n from ${tickets}
    where ${tickets.createdAt} >= ${at(from)} and ${tickets.createdAt} < ${at(to)} and ${tickets.status} <> 'rejected'
    group by 1`));
  const byHour = new Map<number, number>();
  for (const r of rows) byHour.set(new Date(r.h).getTime(), num(r.n));
  const slotOf = (hourStart: number) => {
    const at = new Date(hourStart);
    const working = ctx.rules.calendar.isWorkingDay(localDayOf(at)) ? 1 : 0;
    return working * 24 + new Date(hourStart + 8 * HOUR).getUTCHours();
  };
  const totals = new Array<number>(48).fill(0);
  const hours = new Array<number>(48).fill(0);
  for (let h = Math.floor(from.getTime() / HOUR) * HOUR; h < to.getTime(); h += HOUR) {
    const slot = slotOf(h);
    totals[slot]! += byHour.get(h) ?? 0;
    hours[slot]!++;
  }
  const overall = totals.reduce((a, b) => a + b, 0) / Math.max(1, hours.reduce((a, b) => a + b, 0));
  // A slot the baseline never saw (a first holiday night, say) takes the overall rate.
  const rate = totals.map((t, i) => (hours[i]! > 0 ? t / hours[i]! : overall));
  return (hourStart: number) => rate[slotOf(hourStart)]!;
}

/** The profile's expected activity between two instants (fractions of hours at the edges). */
function activity(profile: (hourStart: number) => number, from: number, to: number): number {
  let sum = 0;
  for (let h = Math.floor(from / HOUR) * HOUR; h < to; h += HOUR) {
    const overlap = Math.min(to, h + HOUR) - Math.max(from, h);
    if (overlap > 0) sum += profile(h) * (overlap / HOUR);
  }
  return sum;
}

/** Every count the detector tests, summed from one grouped scan of the baseline and the windows. */
async function countKeys(ctx: DomainContext, now: Date, windows: readonly number[], baseFrom: Date, baseTo: Date): Promise<KeyCounts[]> {
  const windowCols = windows.map((h, i) => sql`count(*) filter (where ${tickets.createdAt} >= ${at(new Date(now.getTime() - h * HOUR))}) as ${sql.raw(`w${i}`)}`);
  const rows = rowsOf<Record<string, string | number | null>>(await ctx.db.execute(sql`
    select ${tickets.categoryCode} as c, ${tickets.subcategoryCode} as s, ${tickets.districtCode} as d, ${tickets.streetCode} as st,
      count(*) filter (where ${tickets.createdAt} < ${at(baseTo)}) as base, ${sql.join(windowCols, sql`, `)}
    from ${tickets}
    where ${tickets.createdAt} >= ${at(baseFrom)} and ${tickets.createdAt} < ${at(now)} and ${tickets.status} <> 'rejected'
    group by 1, 2, 3, 4`));
  const keys = new Map<string, KeyCounts>();
  const add = (level: HotspotLevel, parts: Partial<Pick<KeyCounts, 'categoryCode' | 'subcategoryCode' | 'districtCode' | 'streetCode'>>, row: Record<string, unknown>) => {
    const key = `${level}:${parts.subcategoryCode ?? parts.categoryCode}:${parts.streetCode ?? parts.districtCode ?? 'city'}`;
    let k = keys.get(key);
    if (!k) {
      k = {
        level,
        key,
        categoryCode: parts.categoryCode ?? null,
        subcategoryCode: parts.subcategoryCode ?? null,
        districtCode: parts.districtCode ?? null,
        streetCode: parts.streetCode ?? null,
        base: 0,
        windows: windows.map(() => 0),
      };
      keys.set(key, k);
    }
    k.base += num(row.base);
    for (let i = 0; i < windows.length; i++) k.windows[i]! += num(row[`w${i}`]);
  };
  for (const row of rows) {
    const c = (row.c as string | null) ?? null;
    const s = (row.s as string | null) ?? null;
    const d = (row.d as string | null) ?? null;
    const st = (row.st as string | null) ?? null;
    if (!c) continue;
    add('city_category', { categoryCode: c }, row);
    if (s) add('city_subcategory', { categoryCode: c, subcategoryCode: s }, row);
    if (d) {
      add('district_category', { categoryCode: c, districtCode: d }, row);
      if (s) add('district_subcategory', { categoryCode: c, subcategoryCode: s, districtCode: d }, row);
    }
    if (st) {
      add('street_category', { categoryCode: c, districtCode: d, streetCode: st }, row);
      if (s) add('street_subcategory', { categoryCode: c, subcategoryCode: s, districtCode: d, streetCode: st }, row);
    }
  }
  return [...keys.values()];
}

/** Clusters of near-duplicates (the duplicate finder's links) with at least `size` tickets filed in the last `hours`. */
async function clusterCandidates(ctx: DomainContext, now: Date, hours: number, size: number): Promise<Candidate[]> {
  const since = new Date(now.getTime() - hours * HOUR);
  const rows = rowsOf<{ cluster: string; n: string | number }>(await ctx.db.execute(sql`
    select l.cluster_id as cluster, count(distinct l.ticket_id) + 1 as n
    from ticket_duplicate_links l join ${tickets} t on t.id = l.ticket_id
    where t.created_at >= ${at(since)} and t.created_at < ${at(now)} and t.status <> 'rejected'
    group by l.cluster_id having count(distinct l.ticket_id) + 1 >= ${size}`));
  return rows.map((r) => ({
    burstKey: `cluster:${r.cluster}`,
    level: 'cluster' as const,
    kind: 'cluster' as const,
    categoryCode: null,
    subcategoryCode: null,
    districtCode: null,
    streetCode: null,
    clusterId: r.cluster,
    windowHours: hours,
    count: num(r.n),
    expected: 0,
    pValue: null,
  }));
}

/** The firings of this run: per count, its strongest window. */
export async function findBursts(ctx: DomainContext, options: DetectOptions = {}): Promise<{ candidates: Candidate[]; tested: number; fired: number }> {
  const method = { ...HOTSPOT_METHOD, ...options.method };
  const now = ctx.now();
  const longest = Math.max(...method.windowsHours);
  const baseTo = new Date(now.getTime() - longest * HOUR);
  const baseFrom = new Date(baseTo.getTime() - method.baselineDays * 24 * HOUR);
  const [profile, keys, clusters] = await Promise.all([
    seasonalProfile(ctx, baseFrom, baseTo),
    countKeys(ctx, now, method.windowsHours, baseFrom, baseTo),
    clusterCandidates(ctx, now, longest, method.clusterSize),
  ]);
  const baseActivity = activity(profile, baseFrom.getTime(), baseTo.getTime());
  const windowActivity = method.windowsHours.map((h) => activity(profile, now.getTime() - h * HOUR, now.getTime()));
  const candidates: Candidate[] = [];
  let fired = 0;
  for (const k of keys) {
    let best: Candidate | null = null;
    for (let i = 0; i < method.windowsHours.length; i++) {
      const count = k.windows[i]!;
      if (count < method.minCount) continue;
      const expected = baseActivity > 0 ? ((k.base + method.prior) * windowActivity[i]!) / baseActivity : method.prior;
      const verdict = judgeBurst(count, expected, method);
      if (!verdict.fired) continue;
      fired++;
      if (!best || verdict.pValue < best.pValue!) {
        best = { ...k, burstKey: k.key, kind: 'category', clusterId: null, windowHours: method.windowsHours[i]!, count, expected, pValue: verdict.pValue };
      }
    }
    if (best) candidates.push(best);
  }
  fired += clusters.length;
  candidates.push(...clusters);
  candidates.sort((a, b) => LEVELS.indexOf(a.level) - LEVELS.indexOf(b.level) || (a.pValue ?? 1) - (b.pValue ?? 1) || b.count - a.count);
  return { candidates: candidates.slice(0, MAX_CANDIDATES), tested: keys.length * method.windowsHours.length, fired };
}

/** A burst's tickets: those of its count in its window (or its cluster), newest first. */
async function candidateTickets(ctx: DomainContext, c: Candidate) {
  const since = new Date(ctx.now().getTime() - c.windowHours * HOUR);
  const columns = { id: tickets.id, title: tickets.title, description: tickets.description, status: tickets.status };
  if (c.kind === 'cluster') {
    return ctx.db
      .select(columns)
      .from(tickets)
      .where(
        and(
          sql`(${tickets.id} = ${c.clusterId} or ${tickets.id} in (select ticket_id from ticket_duplicate_links where cluster_id = ${c.clusterId}))`,
          gte(tickets.createdAt, since),
          ne(tickets.status, 'rejected'),
        ),
      )
      .orderBy(sql`${tickets.createdAt} desc`)
      .limit(MAX_TICKETS);
  }
  const conditions = [gte(tickets.createdAt, since), sql`${tickets.createdAt} < ${at(ctx.now())}`, ne(tickets.status, 'rejected')];
  if (c.subcategoryCode) conditions.push(eq(tickets.subcategoryCode, c.subcategoryCode));
  else if (c.categoryCode) conditions.push(eq(tickets.categoryCode, c.categoryCode));
  if (c.streetCode) conditions.push(eq(tickets.streetCode, c.streetCode));
  else if (c.districtCode) conditions.push(eq(tickets.districtCode, c.districtCode));
  return ctx.db.select(columns).from(tickets).where(and(...conditions)).orderBy(sql`${tickets.createdAt} desc`).limit(MAX_TICKETS);
}

function placeName(ctx: DomainContext, c: Pick<Candidate, 'districtCode' | 'streetCode'>): string {
  const { catalog } = ctx.rules;
  const district = c.districtCode ? (catalog.districts.get(c.districtCode)?.name ?? c.districtCode) : '';
  const street = c.streetCode ? (catalog.streets.get(c.streetCode)?.name ?? c.streetCode) : '';
  return `${district}${street}` || '全市';
}

function categoryName(ctx: DomainContext, c: Pick<Candidate, 'categoryCode' | 'subcategoryCode'>): string {
  const { catalog } = ctx.rules;
  const first = c.categoryCode ? (catalog.categories.get(c.categoryCode)?.name ?? c.categoryCode) : '';
  const second = c.subcategoryCode ? (catalog.categories.get(c.subcategoryCode)?.name ?? c.subcategoryCode) : '';
  return [first, second].filter(Boolean).join('/');
}

/** Title and reason of a warning, from its tickets and figures (no personal data: titles only give words). */
export function describe(ctx: DomainContext, c: Candidate, texts: { title: string; description: string }[]) {
  const { catalog } = ctx.rules;
  const place = placeName(ctx, c);
  const exclude = [
    ...(c.districtCode ? [catalog.districts.get(c.districtCode)?.name ?? ''] : []),
    ...(c.streetCode ? [catalog.streets.get(c.streetCode)?.name ?? ''] : []),
  ];
  const terms = tellingWords(texts, exclude);
  const what = terms.length > 0 ? terms.join('、') : categoryName(ctx, c) || '相近诉求';
  const title = `${c.kind === 'cluster' ? '' : place}「${what}」${windowLabel(c.windowHours)}${c.count}件`;
  const reason =
    c.kind === 'cluster'
      ? `${windowLabel(c.windowHours)}有 ${c.count} 件文字相近的诉求（重复工单群达到 ${HOTSPOT_METHOD.clusterSize} 件即预警）`
      : `${place}「${categoryName(ctx, c)}」${windowLabel(c.windowHours)} ${c.count} 件，按其过去 ${HOTSPOT_METHOD.baselineDays} 天同时段水平预计 ${c.expected.toFixed(1)} 件（${c.expected > 0 ? (c.count / c.expected).toFixed(1) : '∞'} 倍，泊松检验 p=${formatP(c.pValue ?? 1)}）`;
  return { title, reason, terms };
}

/**
 * 热点预警: one run of the hot-spot job. Finds the bursts (findBursts), then per
 * burst, most specific first: a burst whose tickets are mostly those of a warning
 * already handled in this run is that warning's (a wider count sees the same
 * tickets) and is skipped; a burst of the same count as a warning that fired in
 * the last 7 days, or whose tickets are mostly that warning's, updates it (figures,
 * tickets, lastFiredAt; its status stays); anything else raises a new warning with
 * an outbox message that pushes it to the leaders. Overlapping runs are safe: the
 * new warning's insert is guarded by the same checks inside its transaction.
 */
export async function detectHotspots(ctx: DomainContext, options: DetectOptions = {}): Promise<DetectResult> {
  const started = performance.now();
  const now = ctx.now();
  const { candidates, tested, fired } = await findBursts(ctx, options);
  const recent = await ctx.db
    .select({ id: hotspotWarnings.id, burstKey: hotspotWarnings.burstKey, pValue: hotspotWarnings.pValue, count: hotspotWarnings.count })
    .from(hotspotWarnings)
    .where(gte(hotspotWarnings.lastFiredAt, new Date(now.getTime() - 7 * 24 * HOUR)));
  const recentTickets = new Map<string, Set<string>>();
  if (recent.length > 0) {
    const links = await ctx.db
      .select()
      .from(hotspotWarningTickets)
      .where(inArray(hotspotWarningTickets.warningId, recent.map((w) => w.id)));
    for (const l of links) {
      if (!recentTickets.has(l.warningId)) recentTickets.set(l.warningId, new Set());
      recentTickets.get(l.warningId)!.add(l.ticketId);
    }
  }
  const handled: { id: string; ticketIds: Set<string> }[] = [];
  const raised: string[] = [];
  const updated: string[] = [];
  const share = (ids: string[], of: Set<string>) => (ids.length === 0 ? 0 : ids.filter((id) => of.has(id)).length / ids.length);

  for (const c of candidates) {
    const rows = await candidateTickets(ctx, c);
    const ids = rows.map((r) => r.id);
    if (ids.length === 0) continue;
    if (handled.some((h) => share(ids, h.ticketIds) >= SAME_BURST_OVERLAP)) continue;
    const { title, reason, terms } = describe(ctx, c, rows);
    const existing =
      recent.find((w) => w.burstKey === c.burstKey) ?? recent.find((w) => share(ids, recentTickets.get(w.id) ?? new Set()) >= SAME_BURST_OVERLAP);
    if (existing) {
      await ctx.db.transaction(async (tx) => {
        // The warning keeps its strongest figures; the title follows them.
        const stronger = existing.burstKey === c.burstKey && (c.count > existing.count || (c.pValue ?? 1) < (existing.pValue ?? 1));
        await tx
          .update(hotspotWarnings)
          .set({
            lastFiredAt: now,
            runs: sql`${hotspotWarnings.runs} + 1`,
            updatedAt: now,
            ...(stronger ? { title, reason, terms, windowHours: c.windowHours, count: c.count, expected: c.expected, pValue: c.pValue } : {}),
          })
          .where(eq(hotspotWarnings.id, existing.id));
        if (existing.burstKey === c.burstKey) await addTickets(tx, existing.id, ids, now);
      });
      const known = recentTickets.get(existing.id) ?? new Set<string>();
      if (existing.burstKey === c.burstKey) for (const id of ids) known.add(id);
      handled.push({ id: existing.id, ticketIds: new Set([...known, ...ids]) });
      if (!updated.includes(existing.id)) updated.push(existing.id);
      continue;
    }
    const id = newId(now.getTime());
    const inserted = await ctx.db.transaction(async (tx) => {
      // Another instance's run may have raised it a moment ago (claims are per period, runs may overlap).
      const [taken] = await tx
        .select({ id: hotspotWarnings.id })
        .from(hotspotWarnings)
        .where(and(eq(hotspotWarnings.burstKey, c.burstKey), gte(hotspotWarnings.lastFiredAt, new Date(now.getTime() - 7 * 24 * HOUR))))
        .limit(1);
      if (taken) return false;
      await tx.insert(hotspotWarnings).values({
        id,
        burstKey: c.burstKey,
        kind: c.kind,
        level: c.level,
        categoryCode: c.categoryCode,
        subcategoryCode: c.subcategoryCode,
        districtCode: c.districtCode,
        streetCode: c.streetCode,
        clusterId: c.clusterId,
        title,
        terms,
        windowHours: c.windowHours,
        count: c.count,
        expected: c.expected,
        pValue: c.pValue,
        reason,
        firstFiredAt: now,
        lastFiredAt: now,
        createdAt: now,
        updatedAt: now,
      });
      await addTickets(tx, id, ids, now);
      await tx.insert(outbox).values({ topic: HOTSPOT_PUSH_TOPIC, payload: { warningId: id } });
      return true;
    });
    if (!inserted) continue;
    handled.push({ id, ticketIds: new Set(ids) });
    raised.push(id);
  }
  return { raised, updated, tested, fired, ms: Math.round(performance.now() - started) };
}

async function addTickets(tx: Tx, warningId: string, ticketIds: string[], now: Date): Promise<void> {
  if (ticketIds.length === 0) return;
  await tx
    .insert(hotspotWarningTickets)
    .values(ticketIds.map((ticketId) => ({ warningId, ticketId, addedAt: now })))
    .onConflictDoNothing();
}
