import { tickets, ticketDuplicateLinks, ticketFollowers } from '@hotline/db';
import { and, between, desc, eq, gte, inArray, ne, notInArray, or, type SQL, sql } from 'drizzle-orm';
import type { Catalog } from '../catalog/catalog.ts';
import type { DomainContext } from '../context.ts';
import { runStatement, StatementShapes } from '../compiled-statement.ts';

// 重复工单: the one duplicate finder. A ticket's likely duplicates are tickets of
// the last 30 days, from any channel, that say the same thing about the same
// place: near-identical text once the place words are taken out (Dice overlap of
// character bigrams: Chinese needs no segmenter for it), the same street or
// coordinates within NEARBY_METRES (or the same district with very similar text),
// and a compatible category. Used by the workbench's similar-tickets panel
// (same-matter.ts), phone intake (similar.ts), the citizen's check before filing
// (POST /api/tickets/check → similar) and the links written after each filing
// (link-duplicates.ts), which the 待派单 queue groups into clusters.
//
// Candidates come from one indexed query (tickets_street_created_idx: a street's
// month is a few hundred rows even at 800,000 tickets a year); scoring is in memory.

export const LOOK_BACK_DAYS = 30;
/** "Nearby" when both tickets carry coordinates: a few hundred metres, a block or two in a city. */
export const NEARBY_METRES = 500;
/** Most recent candidates scored per lookup. */
const CANDIDATES = 300;
/** Text overlap needed when the place matches (same street, or within NEARBY_METRES), with at least MIN_SHARED telling pieces. */
export const MIN_TEXT_NEAR = 0.1;
export const MIN_SHARED = 2;
/** Text overlap needed when only the district matches. */
export const MIN_TEXT_DISTRICT = 0.45;
/** Text overlap needed when neither ticket says where (same category only). */
export const MIN_TEXT_NOWHERE = 0.6;
/** Statuses still being handled: what a citizen may follow, and what is offered at filing. */
export const OPEN_STATUSES = ['submitted', 'accepted', 'dispatched', 'in_progress', 'return_requested'] as const;
/** A merged or rejected ticket is never a duplicate target. */
const NOT_TARGETS = ['merged', 'rejected'] as const;

/** What the finder compares: a filed ticket or a text not yet filed. */
export interface DuplicateProbe {
  /** The ticket itself (left out of its own results), when filed. */
  id?: string | null;
  title: string;
  description: string;
  address?: string | null;
  districtCode?: string | null;
  streetCode?: string | null;
  lat?: number | null;
  lng?: number | null;
  categoryCode?: string | null;
  subcategoryCode?: string | null;
}

export type PlaceMatch = 'nearby' | 'street' | 'district' | 'none';

export interface DuplicateCandidate {
  id: string;
  ticketNo: string;
  title: string;
  status: (typeof tickets.$inferSelect)['status'];
  channel: (typeof tickets.$inferSelect)['channel'];
  districtCode: string | null;
  streetCode: string | null;
  /** Staff only: the address text may carry a house number. */
  address: string | null;
  categoryCode: string | null;
  confidential: boolean;
  citizenName: string | null;
  createdAt: Date;
  place: PlaceMatch;
  distanceMetres: number | null;
  /** Text similarity 0…1, place words taken out. */
  textScore: number;
}

export interface FindOptions {
  /** Only tickets still being handled (the citizen's offer); otherwise anything but merged or rejected. */
  openOnly?: boolean;
  /** Only tickets filed before this instant (links point to earlier tickets). */
  before?: Date;
  /** Extra condition on the candidate tickets (a unit handler's scope). */
  scope?: SQL;
  limit?: number;
}

/** Character bigrams of the Chinese (and alphanumeric) text, lower-cased, punctuation and spaces dropped. */
export function bigrams(text: string): Set<string> {
  const chars = [...text.toLowerCase().replace(/[^\p{Script=Han}\p{L}\p{N}]+/gu, '')];
  const grams = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) grams.add(chars[i]! + chars[i + 1]!);
  return grams;
}

/**
 * Two-character pieces of complaint language that say nothing about the matter
 * (时间, 希望, 尽快 …, and the pieces of 门口的 / 楼下的 around an address):
 * two tickets sharing only these are not the same matter.
 */
const GENERIC = new Set(
  ('希望 尽快 晚上 白天 反映 一下 处理 解决 问题 已经 一个 没有 请求 市民 我们 你们 他们 这个 那个 现在 今天 昨天 每天 好几 几天 一直 还是 还有 而且 ' +
    '但是 因为 所以 如果 可以 能够 不能 相关 部门 有关 单位 情况 时间 出门 附近 那边 这边 那里 这里 门口 口的 号门 楼下 下的 号楼 小区 居民 非常 ' +
    '特别 很大 严重 影响 生活 休息 要求 请你 麻烦 谢谢 帮忙 看看 的路 了一 的时 时候 一下 下午 上午 以后 之前 多次 目前 至今 到现 在还 还没 没人').split(' '),
);

/** Overlap of two bigram sets, 0…1: shared pieces over the smaller set (a short message still matches a long one). */
function overlap(a: Set<string>, b: Set<string>): { score: number; shared: number } {
  if (a.size === 0 || b.size === 0) return { score: 0, shared: 0 };
  let shared = 0;
  for (const gram of a) if (b.has(gram)) shared++;
  return { score: shared / Math.min(a.size, b.size), shared };
}

function without(grams: Set<string>, drop: Set<string>): Set<string> {
  const kept = new Set<string>();
  for (const gram of grams) if (!drop.has(gram) && !GENERIC.has(gram)) kept.add(gram);
  return kept;
}

/** The words that only say where: two tickets on one street share them whatever their matter. */
function placeGrams(catalog: Catalog, t: Pick<DuplicateProbe, 'address' | 'districtCode' | 'streetCode'>): Set<string> {
  const street = t.streetCode ? (catalog.streets.get(t.streetCode)?.name ?? '') : '';
  const district = t.districtCode ? (catalog.districts.get(t.districtCode)?.name ?? '') : '';
  const grams = bigrams(`${t.address ?? ''}`);
  for (const part of [street, district]) for (const gram of bigrams(part)) grams.add(gram);
  return grams;
}

/**
 * Text similarity with the place words of both tickets and generic complaint
 * language removed: the share of the shorter text's pieces found in the other
 * (title and description together), and how many pieces they share. A matter
 * said three ways shares its few telling words (路灯 · 不亮 · 坏了), which is why
 * a match also needs the same place and a compatible category.
 */
export function textSimilarity(catalog: Catalog, a: DuplicateProbe, b: DuplicateProbe): { score: number; shared: number } {
  return similarityTo(catalog, a)(b);
}

/** textSimilarity with the probe's side computed once, for scoring many candidates against it. */
function similarityTo(catalog: Catalog, a: DuplicateProbe): (b: DuplicateProbe) => { score: number; shared: number } {
  const aPlace = placeGrams(catalog, a);
  const aText = bigrams(`${a.title} ${a.description}`);
  return (b) => {
    const drop = placeGrams(catalog, b);
    for (const gram of aPlace) drop.add(gram);
    return overlap(without(aText, drop), without(bigrams(`${b.title} ${b.description}`), drop));
  };
}

/** Great-circle distance in metres. */
export function distanceMetres(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLng = (lng2 - lng1) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function placeMatch(a: DuplicateProbe, b: DuplicateProbe): { place: PlaceMatch; distance: number | null } {
  if (a.lat != null && a.lng != null && b.lat != null && b.lng != null) {
    const distance = Math.round(distanceMetres(a.lat, a.lng, b.lat, b.lng));
    if (distance <= NEARBY_METRES) return { place: 'nearby', distance };
  }
  if (a.streetCode && a.streetCode === b.streetCode) return { place: 'street', distance: null };
  if (a.districtCode && a.districtCode === b.districtCode) return { place: 'district', distance: null };
  return { place: 'none', distance: null };
}

/**
 * Categories that may be the same matter: the same first level, or either one
 * unknown or 其他; and when both carry a second level, the same second level.
 */
export function categoriesCompatible(
  a: { category: string | null; subcategory?: string | null | undefined },
  b: { category: string | null; subcategory?: string | null | undefined },
): boolean {
  if (a.subcategory && b.subcategory && a.subcategory !== b.subcategory) return false;
  return !a.category || !b.category || a.category === b.category || a.category === 'other' || b.category === 'other';
}

const MIN_TEXT: Record<PlaceMatch, number> = { nearby: MIN_TEXT_NEAR, street: MIN_TEXT_NEAR, district: MIN_TEXT_DISTRICT, none: MIN_TEXT_NOWHERE };
const PLACE_RANK: Record<PlaceMatch, number> = { nearby: 0, street: 1, district: 2, none: 3 };

/** A first-level category code from whatever the caller has (a first or second level code). */
function firstLevel(catalog: Catalog, code: string | null | undefined): string | null {
  if (!code) return null;
  return catalog.categories.get(code)?.parentCode ?? code;
}

/**
 * The likely duplicates of `probe`, best first: place rank, then text. One
 * indexed query for candidates (the street's, or the coordinates' box in the
 * district, or the district's, or the category's when no place is known), then
 * the scores in memory.
 */
export async function findDuplicates(ctx: DomainContext, probe: DuplicateProbe, options: FindOptions = {}): Promise<DuplicateCandidate[]> {
  const { catalog } = ctx.rules;
  const mineText = bigrams(`${probe.title} ${probe.description}`);
  if (mineText.size < 2) return [];
  const since = new Date(ctx.now().getTime() - LOOK_BACK_DAYS * 86_400_000);
  const category = firstLevel(catalog, probe.categoryCode ?? probe.subcategoryCode);
  const subcategory = probe.subcategoryCode ?? (probe.categoryCode && catalog.categories.get(probe.categoryCode)?.parentCode ? probe.categoryCode : null);
  const place: SQL[] = [];
  // A street the catalog does not know (a draft's guess) narrows nothing: the district's month is read instead.
  const streetCode = probe.streetCode && catalog.streets.has(probe.streetCode) ? probe.streetCode : null;
  if (streetCode) place.push(eq(tickets.streetCode, streetCode));
  if (probe.lat != null && probe.lng != null) {
    // A box a little larger than the radius; the exact distance is checked in placeMatch.
    const dLat = NEARBY_METRES / 111_000;
    const dLng = NEARBY_METRES / (111_000 * Math.max(0.2, Math.cos((probe.lat * Math.PI) / 180)));
    const box = and(between(tickets.lat, probe.lat - dLat, probe.lat + dLat), between(tickets.lng, probe.lng - dLng, probe.lng + dLng))!;
    place.push(probe.districtCode ? and(eq(tickets.districtCode, probe.districtCode), box)! : box);
  }
  // Without a street, the district's month (very similar text needed).
  if (!streetCode && probe.districtCode) place.push(eq(tickets.districtCode, probe.districtCode));
  // A filter on the rows the place index gives, not an index condition of its own: an OR over the
  // category index made PostgreSQL read a whole category's year (21,000 rows at 200,000 tickets).
  const categoryOk = category ? sql`coalesce(${tickets.categoryCode}, 'other') in (${category}, 'other')` : undefined;
  // Nowhere given at all: the category's month, nearly identical text needed.
  if (place.length === 0 && !category) return [];
  // The portal's usual case (a street, no coordinates) runs as a named statement: planning it cost
  // as much as running it (≈15 ms under load at 200,000 tickets).
  const rows =
    streetCode && place.length === 1 && !options.scope
      ? await streetCandidates(ctx, { streetCode, since, category, id: probe.id ?? null, before: options.before ?? null, openOnly: !!options.openOnly })
      : await ctx.db
        .select({
          id: tickets.id,
          ticketNo: tickets.ticketNo,
          title: tickets.title,
          description: tickets.description,
          address: tickets.address,
          status: tickets.status,
          channel: tickets.channel,
          districtCode: tickets.districtCode,
          streetCode: tickets.streetCode,
          lat: tickets.lat,
          lng: tickets.lng,
          categoryCode: tickets.categoryCode,
          subcategoryCode: tickets.subcategoryCode,
          confidential: tickets.confidential,
          citizenName: tickets.citizenName,
          createdAt: tickets.createdAt,
        })
        .from(tickets)
        .where(
          and(
            gte(tickets.createdAt, since),
            options.before ? sql`${tickets.createdAt} < ${options.before.toISOString()}::timestamptz` : undefined,
            probe.id ? ne(tickets.id, probe.id) : undefined,
            options.openOnly ? inArray(tickets.status, [...OPEN_STATUSES]) : notInArray(tickets.status, [...NOT_TARGETS]),
            place.length ? or(...place) : undefined,
            categoryOk,
            options.scope,
          ),
        )
        .orderBy(desc(tickets.createdAt))
        .limit(CANDIDATES);

  const similarity = similarityTo(catalog, probe);
  const found: DuplicateCandidate[] = [];
  for (const row of rows) {
    if (!categoriesCompatible({ category, subcategory }, { category: row.categoryCode, subcategory: row.subcategoryCode })) continue;
    const match = placeMatch(probe, row);
    const text = similarity(row);
    if (text.score < MIN_TEXT[match.place] || text.shared < MIN_SHARED) continue;
    const score = text.score;
    found.push({
      id: row.id,
      ticketNo: row.ticketNo,
      title: row.title,
      status: row.status,
      channel: row.channel,
      districtCode: row.districtCode,
      streetCode: row.streetCode,
      address: row.address,
      categoryCode: row.categoryCode,
      confidential: row.confidential,
      citizenName: row.citizenName,
      createdAt: row.createdAt,
      place: match.place,
      distanceMetres: match.distance,
      textScore: Math.round(score * 100) / 100,
    });
  }
  found.sort((a, b) => PLACE_RANK[a.place] - PLACE_RANK[b.place] + (b.textScore - a.textScore) * 4 || b.createdAt.getTime() - a.createdAt.getTime());
  return found.slice(0, options.limit ?? 5);
}

/**
 * How many citizens have reported each ticket: the filer, the tickets merged
 * into it or linked to it as likely duplicates (one link each), and its followers (关注人).
 */
export async function reporterCounts(ctx: DomainContext, ticketIds: string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>(ticketIds.map((id) => [id, 1]));
  if (ticketIds.length === 0) return counts;
  // Merges write a link too (merge.ts), so the links hold every duplicate once.
  const [followers, reported] = await Promise.all([
    ctx.db
      .select({ id: ticketFollowers.ticketId, n: sql<number>`count(*)::int` })
      .from(ticketFollowers)
      .where(inArray(ticketFollowers.ticketId, ticketIds))
      .groupBy(ticketFollowers.ticketId),
    ctx.db
      .select({ id: ticketDuplicateLinks.duplicateOfId, n: sql<number>`count(*)::int` })
      .from(ticketDuplicateLinks)
      .where(inArray(ticketDuplicateLinks.duplicateOfId, ticketIds))
      .groupBy(ticketDuplicateLinks.duplicateOfId),
  ]);
  for (const row of [...followers, ...reported]) counts.set(row.id, (counts.get(row.id) ?? 1) + Number(row.n));
  return counts;
}

const candidateStatements = new StatementShapes();

type CandidateRow = {
  id: string;
  ticketNo: string;
  title: string;
  description: string;
  address: string | null;
  status: DuplicateCandidate['status'];
  channel: DuplicateCandidate['channel'];
  districtCode: string | null;
  streetCode: string | null;
  lat: number | null;
  lng: number | null;
  categoryCode: string | null;
  subcategoryCode: string | null;
  confidential: boolean;
  citizenName: string | null;
  createdAt: Date;
};

/** A street's tickets of the look-back window, newest first: one statement shape per status set. */
async function streetCandidates(
  ctx: DomainContext,
  q: { streetCode: string; since: Date; category: string | null; id: string | null; before: Date | null; openOnly: boolean },
): Promise<CandidateRow[]> {
  // Constants of this module, written into the text (a compiled statement takes placeholders only).
  const statuses = sql.raw(q.openOnly ? `status in (${OPEN_STATUSES.map((x) => `'${x}'`).join(', ')})` : `status not in (${NOT_TARGETS.map((x) => `'${x}'`).join(', ')})`);
  const statement = candidateStatements.get(q.openOnly ? 'open' : 'targets', () =>
    sql`select id, ticket_no, title, description, address, status, channel, district_code, street_code, lat, lng, category_code,
          subcategory_code, confidential, citizen_name, created_at
        from ${tickets}
        where street_code = ${sql.placeholder('street')} and created_at >= ${sql.placeholder('since')}::timestamptz
          and created_at < ${sql.placeholder('before')}::timestamptz and id <> ${sql.placeholder('id')}
          and ${statuses}
          and (${sql.placeholder('category')}::text is null or coalesce(category_code, 'other') in (${sql.placeholder('category')}::text, 'other'))
        order by created_at desc limit ${sql.placeholder('limit')}`,
  );
  const values = {
    street: q.streetCode,
    since: q.since.toISOString(),
    before: (q.before ?? new Date('9999-01-01T00:00:00Z')).toISOString(),
    id: q.id ?? '',
    category: q.category,
    limit: CANDIDATES,
  };
  // With the default random_page_cost (4, for spinning disks) PostgreSQL walks the whole city's month
  // by created_at (17,000 rows at 200,000 tickets) rather than fetch the street's few hundred rows
  // from tickets_street_created_idx; 1.1 is the usual setting for SSDs, for this statement only.
  const raw = (await ctx.db.transaction(async (tx) => {
    await tx.execute(sql`set local random_page_cost = 1.1`);
    return runStatement(tx, statement, values);
  })) as Record<string, unknown>[];
  return raw.map((r) => ({
    id: r.id as string,
    ticketNo: r.ticket_no as string,
    title: r.title as string,
    description: r.description as string,
    address: (r.address as string | null) ?? null,
    status: r.status as CandidateRow['status'],
    channel: r.channel as CandidateRow['channel'],
    districtCode: (r.district_code as string | null) ?? null,
    streetCode: (r.street_code as string | null) ?? null,
    lat: r.lat === null || r.lat === undefined ? null : Number(r.lat),
    lng: r.lng === null || r.lng === undefined ? null : Number(r.lng),
    categoryCode: (r.category_code as string | null) ?? null,
    subcategoryCode: (r.subcategory_code as string | null) ?? null,
    confidential: Boolean(r.confidential),
    citizenName: (r.citizen_name as string | null) ?? null,
    createdAt: r.created_at instanceof Date ? r.created_at : new Date(r.created_at as string),
  }));
}
