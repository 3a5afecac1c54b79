import { type Db, type KbContent, kbEntries, kbEntryVersions, type Queryable, type Tx } from '@hotline/db';
import type { KnowledgeEntry } from '@hotline/knowledge';
import { and, eq, inArray, isNotNull, ne } from 'drizzle-orm';
import { resolveCategory } from '../catalog/catalog.ts';
import type { DomainContext, StaffActor } from '../context.ts';
import { DomainError, notFound } from '../errors.ts';
import { requireRole } from '../tickets/internal.ts';
import type { KbContentInput } from './schemas.ts';

export type KbEntryRow = typeof kbEntries.$inferSelect;

/** Editors (and admins). */
export function requireEditor(ctx: DomainContext, what: string): StaffActor {
  return requireRole(ctx.actor, ['editor'], what);
}

/** Editors, or a system job such as the content import on first start. */
export function requireEditorOrSystem(ctx: DomainContext, what: string): void {
  if (ctx.actor.kind !== 'system') requireEditor(ctx, what);
}

export async function getEntry(db: Queryable, id: string): Promise<KbEntryRow> {
  const [row] = await db.select().from(kbEntries).where(eq(kbEntries.id, id));
  if (!row) throw notFound(`未找到知识条目 ${id}`);
  return row;
}

/**
 * Checks content against the catalog and tidies it for storage (duplicate
 * phrasings dropped); a problem comes back as a field and a message.
 */
export function buildContent(ctx: DomainContext, input: KbContentInput): KbContent | { field: string; message: string } {
  const category = resolveCategory(ctx.rules.catalog, input.category);
  if (!category) return { field: 'category', message: `分类「${input.category}」不存在` };
  if (input.unitId && !ctx.rules.catalog.units.has(input.unitId)) return { field: 'unitId', message: `承办单位「${input.unitId}」不存在` };
  if (input.effectiveFrom && input.expiresOn && input.expiresOn <= input.effectiveFrom) return { field: 'expiresOn', message: '失效日期须晚于生效日期' };
  const unique = (list: string[]) => [...new Set(list.map((s) => s.trim()).filter(Boolean))];
  return {
    question: input.question,
    alternates: unique(input.alternates).filter((a) => a !== input.question),
    answer: input.answer,
    categoryCode: category.categoryCode,
    subcategoryCode: category.subcategoryCode,
    unitId: input.unitId ?? null,
    keywords: unique(input.keywords),
    effectiveFrom: input.effectiveFrom ?? null,
    expiresOn: input.expiresOn ?? null,
  };
}

/** buildContent for editor input: a problem is a validation error on that field. */
export function toContent(ctx: DomainContext, input: KbContentInput, path = 'content'): KbContent {
  const content = buildContent(ctx, input);
  if ('field' in content) throw new DomainError('VALIDATION', content.message, [{ path: `${path}.${content.field}`, message: content.message }]);
  return content;
}

/** Stored content back in the shape editors send (the category as its most specific code). */
export function inputOf(c: KbContent): KbContentInput {
  return {
    question: c.question,
    alternates: c.alternates,
    answer: c.answer,
    category: c.subcategoryCode ?? c.categoryCode,
    unitId: c.unitId,
    keywords: c.keywords,
    effectiveFrom: c.effectiveFrom,
    expiresOn: c.expiresOn,
  };
}

export function contentOf(row: KbEntryRow): KbContent {
  return {
    question: row.question,
    alternates: row.alternates,
    answer: row.answer,
    categoryCode: row.categoryCode,
    subcategoryCode: row.subcategoryCode,
    unitId: row.unitId,
    keywords: row.keywords,
    effectiveFrom: row.effectiveFrom,
    expiresOn: row.expiresOn,
  };
}

export function sameContent(a: KbContent | null, b: KbContent | null): boolean {
  if (!a || !b) return a === b;
  return JSON.stringify(contentOf(a as KbEntryRow)) === JSON.stringify(contentOf(b as KbEntryRow));
}

export async function saveVersion(
  tx: Queryable,
  row: { id: string; version: number; status: KbEntryRow['status'] },
  content: KbContent,
  action: string,
  actor: string | null,
  at: Date,
  note?: string | null,
) {
  await tx.insert(kbEntryVersions).values({
    entryId: row.id,
    version: row.version,
    content,
    status: row.status,
    action,
    note: note ?? null,
    savedBy: actor,
    savedAt: at,
  });
}

/** The live entries citizens are answered from (all, or those among `ids`). */
export async function liveEntries(db: Db | Tx, ids?: string[]): Promise<KnowledgeEntry[]> {
  const rows = await db
    .select({ id: kbEntries.id, live: kbEntries.live, liveVersion: kbEntries.liveVersion })
    .from(kbEntries)
    .where(and(isNotNull(kbEntries.live), ne(kbEntries.status, 'archived'), ids ? inArray(kbEntries.id, ids) : undefined));
  return rows.map((r) => toKnowledgeEntry(r.id, r.live!, r.liveVersion ?? 1));
}

export function toKnowledgeEntry(id: string, live: KbContent, version: number): KnowledgeEntry {
  return { id, ...live, version };
}

export function actorName(ctx: DomainContext): string | null {
  return ctx.actor.kind === 'staff' ? ctx.actor.id : ctx.actor.kind === 'system' ? `system:${ctx.actor.job}` : null;
}
