import { kbEntries, kbEntryVersions, staffAccounts } from '@hotline/db';
import { KB_ENTRY_STATUSES } from '@hotline/db/enums';
import { renderAnswer } from '@hotline/knowledge';
import { and, asc, desc, eq, inArray, isNotNull, isNull, lt, lte, ne, or, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { localDayOf } from '../calendar/local-time.ts';
import type { DomainContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { getEntry, requireEditor } from './internal.ts';

export const EditorListQuery = z.object({
  status: z.enum(KB_ENTRY_STATUSES).optional(),
  category: z.string().trim().max(80).optional(),
  q: z.string().trim().max(100).optional(),
  unit: z.string().trim().max(64).optional(),
  /** `1`: entries whose expiry date falls within the next 30 days (or has passed while still live). */
  expiring: z.enum(['0', '1']).optional(),
  /** `1`: entries nobody has reviewed for 12 months (or never). */
  stale: z.enum(['0', '1']).optional(),
  /** `id` (default) or `not_helpful`: most 没解决 votes first. */
  sort: z.enum(['id', 'not_helpful', 'updated']).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

/** Days between today and an expiry within which an entry counts as expiring. */
export const EXPIRING_WITHIN_DAYS = 30;

function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export async function listEntriesForEditor(ctx: DomainContext, query: z.infer<typeof EditorListQuery>) {
  requireEditor(ctx, '查看知识条目');
  const conditions: SQL[] = [];
  if (query.status) conditions.push(eq(kbEntries.status, query.status));
  if (query.category) conditions.push(or(eq(kbEntries.categoryCode, query.category), eq(kbEntries.subcategoryCode, query.category))!);
  if (query.q) {
    const pattern = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    // The alternates are searched as their JSON text: an editor looks for a phrasing they remember.
    conditions.push(or(eq(kbEntries.id, query.q), sql`${kbEntries.question} ilike ${pattern}`, sql`${kbEntries.alternates}::text ilike ${pattern}`)!);
  }
  if (query.unit) conditions.push(eq(kbEntries.unitId, query.unit));
  const today = localDayOf(ctx.now());
  if (query.expiring === '1') {
    conditions.push(and(isNotNull(kbEntries.expiresOn), lte(kbEntries.expiresOn, addDays(today, EXPIRING_WITHIN_DAYS)), ne(kbEntries.status, 'archived'))!);
  }
  if (query.stale === '1') {
    const yearAgo = new Date(ctx.now().getTime() - 365 * 24 * 3600_000);
    conditions.push(and(ne(kbEntries.status, 'archived'), or(isNull(kbEntries.reviewedAt), lt(kbEntries.reviewedAt, yearAgo)))!);
  }
  const where = conditions.length ? and(...conditions) : undefined;
  const order =
    query.sort === 'not_helpful'
      ? [desc(kbEntries.notHelpfulCount), asc(kbEntries.id)]
      : query.sort === 'updated'
        ? [desc(kbEntries.updatedAt), asc(kbEntries.id)]
        : [asc(kbEntries.id)];
  const [rows, [total], perStatus] = await Promise.all([
    ctx.db
      .select({
        id: kbEntries.id,
        question: kbEntries.question,
        status: kbEntries.status,
        categoryCode: kbEntries.categoryCode,
        subcategoryCode: kbEntries.subcategoryCode,
        unitId: kbEntries.unitId,
        version: kbEntries.version,
        liveVersion: kbEntries.liveVersion,
        expiresOn: kbEntries.expiresOn,
        reviewedAt: kbEntries.reviewedAt,
        updatedAt: kbEntries.updatedAt,
        updatedBy: kbEntries.updatedBy,
        submittedBy: kbEntries.submittedBy,
        helpfulCount: kbEntries.helpfulCount,
        notHelpfulCount: kbEntries.notHelpfulCount,
      })
      .from(kbEntries)
      .where(where)
      .orderBy(...order)
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize),
    ctx.db.select({ n: sql<number>`count(*)::int` }).from(kbEntries).where(where),
    // Counts per status over every entry (not the filtered page): the console's status tabs.
    ctx.db.select({ status: kbEntries.status, n: sql<number>`count(*)::int` }).from(kbEntries).groupBy(kbEntries.status),
  ]);
  const counts = Object.fromEntries(KB_ENTRY_STATUSES.map((s) => [s, 0])) as Record<(typeof KB_ENTRY_STATUSES)[number], number>;
  for (const row of perStatus) counts[row.status] = Number(row.n);
  return { items: rows, total: Number(total?.n ?? 0), page: query.page, pageSize: query.pageSize, counts };
}

/** An entry with its working copy, live content and every saved version. */
export async function getEntryForEditor(ctx: DomainContext, id: string) {
  requireEditor(ctx, '查看知识条目');
  const entry = await getEntry(ctx.db, id);
  const versions = await ctx.db.select().from(kbEntryVersions).where(eq(kbEntryVersions.entryId, id)).orderBy(desc(kbEntryVersions.version));
  // Staff ids in the history, as the names editors know each other by.
  const ids = [...new Set([entry.updatedBy, entry.submittedBy, entry.reviewedBy, ...versions.map((v) => v.savedBy)].filter((x): x is string => !!x && !x.startsWith('system:')))];
  const named = ids.length ? await ctx.db.select({ id: staffAccounts.id, displayName: staffAccounts.displayName }).from(staffAccounts).where(inArray(staffAccounts.id, ids)) : [];
  const people: Record<string, string> = Object.fromEntries(named.map((p) => [p.id, p.displayName]));
  return { ...entry, versions, people };
}

function isEffective(live: { effectiveFrom: string | null; expiresOn: string | null }, today: string): boolean {
  return (!live.effectiveFrom || live.effectiveFrom <= today) && (!live.expiresOn || live.expiresOn > today);
}

/** What a citizen sees of an entry: the approved answer, rendered safely, its unit and review date. */
export async function getPublicEntry(ctx: DomainContext, id: string) {
  const [row] = await ctx.db.select().from(kbEntries).where(and(eq(kbEntries.id, id), isNotNull(kbEntries.live), ne(kbEntries.status, 'archived')));
  if (!row?.live || !isEffective(row.live, localDayOf(ctx.now()))) throw notFound('未找到该问题的答复，可能已更新或下线');
  const live = row.live;
  const { catalog } = ctx.rules;
  return {
    id: row.id,
    question: live.question,
    answer: live.answer,
    answerHtml: renderAnswer(live.answer),
    category: live.categoryCode,
    categoryName: catalog.categories.get(live.categoryCode)?.name ?? null,
    subcategory: live.subcategoryCode,
    subcategoryName: live.subcategoryCode ? (catalog.categories.get(live.subcategoryCode)?.name ?? null) : null,
    unitName: live.unitId ? (catalog.units.get(live.unitId)?.name ?? null) : null,
    reviewedAt: row.reviewedAt?.toISOString() ?? null,
  };
}

export const PublicListQuery = z.object({
  category: z.string().trim().max(80).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

/** FAQ browsing by category: live, effective entries, by question. */
export async function listPublicEntries(ctx: DomainContext, query: z.infer<typeof PublicListQuery>) {
  const today = localDayOf(ctx.now());
  const rows = await ctx.db
    .select({ id: kbEntries.id, live: kbEntries.live })
    .from(kbEntries)
    .where(and(isNotNull(kbEntries.live), ne(kbEntries.status, 'archived')));
  const items = rows
    .filter((r) => isEffective(r.live!, today))
    .filter((r) => !query.category || r.live!.categoryCode === query.category || r.live!.subcategoryCode === query.category)
    .map((r) => ({ id: r.id, question: r.live!.question, category: r.live!.categoryCode, subcategory: r.live!.subcategoryCode }))
    .sort((a, b) => a.id.localeCompare(b.id));
  const start = (query.page - 1) * query.pageSize;
  return { items: items.slice(start, start + query.pageSize), total: items.length, page: query.page, pageSize: query.pageSize };
}
