import { kbEntries, kbUnanswered, type Queryable } from '@hotline/db';
import { maskPersonalData, normalizeText } from '@hotline/knowledge';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { DomainContext } from '../context.ts';
import { logSearch } from './analytics.ts';
import { conflict, notFound, validationError } from '../errors.ts';
import { createEntry } from './create-entry.ts';
import { contentOf, getEntry, inputOf, requireEditor } from './internal.ts';
import { saveEntry } from './save-entry.ts';
import type { KbContentInput } from './schemas.ts';

/**
 * Puts a question nobody could answer (or an answer marked "not helpful")
 * in the editors' queue, counted by its normalised text. Phone and ID
 * numbers are masked before anything is stored.
 */
export async function recordUnanswered(
  db: Queryable,
  input: { question: string; channel: string; reason: 'no_confident_answer' | 'not_helpful'; entryId?: string | null; at: Date },
): Promise<void> {
  const sample = maskPersonalData(input.question.trim()).slice(0, 500);
  const normalized = normalizeText(sample).slice(0, 300);
  if (!normalized) return;
  await db
    .insert(kbUnanswered)
    .values({
      normalizedText: normalized,
      sampleText: sample,
      reason: input.reason,
      entryId: input.entryId ?? null,
      channels: [input.channel],
      firstAskedAt: input.at,
      lastAskedAt: input.at,
    })
    .onConflictDoUpdate({
      target: kbUnanswered.normalizedText,
      set: {
        count: sql`${kbUnanswered.count} + 1`,
        sampleText: sample,
        lastAskedAt: input.at,
        // Asked again after it was dealt with: back in the queue.
        status: sql`case when ${kbUnanswered.status} = 'dismissed' then 'dismissed' else 'open' end`,
        channels: sql`case when ${kbUnanswered.channels} @> ${JSON.stringify([input.channel])}::jsonb then ${kbUnanswered.channels} else ${kbUnanswered.channels} || ${JSON.stringify([input.channel])}::jsonb end`,
      },
    });
}

export async function listUnanswered(ctx: DomainContext, query: { status: 'open' | 'resolved' | 'dismissed'; page: number; pageSize: number }) {
  requireEditor(ctx, '查看未解答问题');
  const where = eq(kbUnanswered.status, query.status);
  const [items, [total]] = await Promise.all([
    ctx.db
      .select()
      .from(kbUnanswered)
      .where(where)
      .orderBy(desc(kbUnanswered.count), desc(kbUnanswered.lastAskedAt))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize),
    ctx.db.select({ n: sql<number>`count(*)::int` }).from(kbUnanswered).where(where),
  ]);
  return { items, total: Number(total?.n ?? 0), page: query.page, pageSize: query.pageSize };
}

async function openItem(ctx: DomainContext, id: number) {
  const [item] = await ctx.db.select().from(kbUnanswered).where(eq(kbUnanswered.id, id));
  if (!item) throw notFound(`未找到问题 ${id}`);
  if (item.status !== 'open') throw conflict('该问题已处理');
  return item;
}

async function close(ctx: DomainContext, id: number, status: 'resolved' | 'dismissed', entryId: string | null, dismissReason: string | null = null) {
  const editor = requireEditor(ctx, '处理未解答问题');
  await ctx.db
    .update(kbUnanswered)
    .set({ status, resolvedEntryId: entryId, resolvedBy: editor.id, resolvedAt: ctx.now(), dismissReason })
    .where(and(eq(kbUnanswered.id, id), eq(kbUnanswered.status, 'open')));
}

/** Turns a queued question into a new draft entry (its wording becomes the question unless given). */
export async function createEntryFromUnanswered(ctx: DomainContext, id: number, content: KbContentInput) {
  requireEditor(ctx, '处理未解答问题');
  await openItem(ctx, id);
  const entry = await createEntry(ctx, content);
  await close(ctx, id, 'resolved', entry.id);
  return entry;
}

/** Attaches a queued question to an existing entry as another phrasing (a draft change, reviewed as usual). */
export async function attachUnanswered(ctx: DomainContext, id: number, entryId: string) {
  requireEditor(ctx, '处理未解答问题');
  const item = await openItem(ctx, id);
  const entry = await getEntry(ctx.db, entryId);
  if (entry.status === 'archived') throw conflict('已归档的条目不能添加问法');
  const content = inputOf(contentOf(entry));
  const saved = await saveEntry(
    ctx,
    entryId,
    {
      content: { ...content, alternates: [...content.alternates, item.sampleText].slice(-50) },
      expectedVersion: entry.version,
      note: `添加市民问法：${item.sampleText}`,
    },
    'alternate_added',
  );
  await close(ctx, id, 'resolved', entryId);
  return saved;
}

/** Why an editor sets a question aside: kept in words (kb_unanswered.dismiss_reason) for whoever reads the 已忽略 tab later. */
export const DISMISS_REASONS = {
  no_entry_needed: '不需要知识条目',
  duplicate: '与已有条目重复',
  not_a_question: '不是咨询（投诉、求助等应走工单）',
  meaningless: '无意义或测试内容',
  other: '其他',
} as const;
export type DismissReason = keyof typeof DISMISS_REASONS;

export async function dismissUnanswered(ctx: DomainContext, id: number, input: { reason: DismissReason; note?: string | undefined }) {
  await openItem(ctx, id);
  const note = input.note?.trim();
  if (input.reason === 'other' && !note) throw validationError('选择“其他”时请写明忽略的原因', 'note');
  await close(ctx, id, 'dismissed', null, `${DISMISS_REASONS[input.reason]}${note ? `：${note}` : ''}`);
}

/** 解决了/没解决 on an answer: counted on the entry; "not helpful" also goes to the queue. */
export async function recordFeedback(
  ctx: DomainContext,
  input: { entryId: string; helpful: boolean; question?: string | undefined; channel: string },
) {
  const [entry] = await ctx.db.select({ id: kbEntries.id, question: kbEntries.question, categoryCode: kbEntries.categoryCode }).from(kbEntries).where(eq(kbEntries.id, input.entryId));
  if (!entry) throw notFound(`未找到知识条目 ${input.entryId}`);
  await logSearch(ctx.db, {
    at: ctx.now(),
    kind: input.helpful ? 'helpful' : 'not_helpful',
    channel: input.channel,
    question: input.question?.trim() || entry.question,
    entryId: entry.id,
    categoryCode: entry.categoryCode,
    confident: false,
  });
  await ctx.db
    .update(kbEntries)
    .set(input.helpful ? { helpfulCount: sql`${kbEntries.helpfulCount} + 1` } : { notHelpfulCount: sql`${kbEntries.notHelpfulCount} + 1` })
    .where(eq(kbEntries.id, input.entryId));
  if (!input.helpful) {
    await recordUnanswered(ctx.db, {
      question: input.question?.trim() || entry.question,
      channel: input.channel,
      reason: 'not_helpful',
      entryId: entry.id,
      at: ctx.now(),
    });
  }
}
