import { kbEntries, kbEntryVersions } from '@hotline/db';
import { KB_ENTRY_STATUSES } from '@hotline/db/enums';
import { renderAnswer } from '@hotline/knowledge';
import { and, asc, desc, eq, isNotNull, ne, or, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { localDayOf } from '../calendar/local-time.ts';
import type { DomainContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { getEntry, requireEditor } from './internal.ts';

export const EditorListQuery = z.object({
  status: z.enum(KB_ENTRY_STATUSES).optional(),
  category: z.string().trim().max(80).optional(),
  q: z.string().trim().max(100).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

export async function listEntriesForEditor(ctx: DomainContext, query: z.infer<typeof EditorListQuery>) {
  requireEditor(ctx, '查看知识条目');
  const conditions: SQL[] = [];
  if (query.status) conditions.push(eq(kbEntries.status, query.status));
  if (query.category) conditions.push(or(eq(kbEntries.categoryCode, query.category), eq(kbEntries.subcategoryCode, query.category))!);
  if (query.q) {
    const pattern = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(or(eq(kbEntries.id, query.q), sql`${kbEntries.question} ilike ${pattern}`)!);
  }
  const where = conditions.length ? and(...conditions) : undefined;
  const [rows, [total]] = await Promise.all([
    ctx.db
      .select({
        id: kbEntries.id,
        question: kbEntries.question,
        status: kbEntries.status,
        categoryCode: kbEntries.categoryCode,
        subcategoryCode: kbEntries.subcategoryCode,
        version: kbEntries.version,
        liveVersion: kbEntries.liveVersion,
        updatedAt: kbEntries.updatedAt,
        helpfulCount: kbEntries.helpfulCount,
        notHelpfulCount: kbEntries.notHelpfulCount,
      })
      .from(kbEntries)
      .where(where)
      .orderBy(asc(kbEntries.id))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize),
    ctx.db.select({ n: sql<number>`count(*)::int` }).from(kbEntries).where(where),
  ]);
  return { items: rows, total: Number(total?.n ?? 0), page: query.page, pageSize: query.pageSize };
}

/** An entry with its working copy, live content and every saved version. */
export async function getEntryForEditor(ctx: DomainContext, id: string) {
  requireEditor(ctx, '查看知识条目');
  const entry = await getEntry(ctx.db, id);
  const versions = await ctx.db.select().from(kbEntryVersions).where(eq(kbEntryVersions.entryId, id)).orderBy(desc(kbEntryVersions.version));
  return { ...entry, versions };
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
