import { kbEntries } from '@hotline/db';
import type { KbEntryStatus } from '@hotline/db/enums';
import { and, eq, sql } from 'drizzle-orm';
import type { DomainContext } from '../context.ts';
import { conflict, forbidden } from '../errors.ts';
import { actorName, contentOf, getEntry, type KbEntryRow, requireEditor, saveVersion } from './internal.ts';
import { enqueueEntryChanged } from './outbox.ts';

const STATUS_LABELS: Record<KbEntryStatus, string> = { draft: '草稿', in_review: '待审核', published: '已发布', archived: '已归档' };

const ACTION_LABELS = { submitted: '提交审核', approved: '审核发布', returned: '退回修改', archived: '归档' } as const;

async function move(
  ctx: DomainContext,
  entry: KbEntryRow,
  from: readonly KbEntryStatus[],
  to: KbEntryStatus,
  action: keyof typeof ACTION_LABELS,
  patch: Partial<typeof kbEntries.$inferInsert>,
  note?: string | undefined,
  reindex = false,
) {
  if (!from.includes(entry.status)) throw conflict(`条目当前为「${STATUS_LABELS[entry.status]}」，不能${ACTION_LABELS[action]}`);
  const now = ctx.now();
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(kbEntries)
      .set({ ...patch, status: to, version: sql`${kbEntries.version} + 1`, updatedAt: now })
      .where(and(eq(kbEntries.id, entry.id), eq(kbEntries.version, entry.version)))
      .returning();
    if (!row) throw conflict('条目已被他人修改，请刷新后重试');
    await saveVersion(tx, row, contentOf(row), action, actorName(ctx), now, note);
    if (reindex) await enqueueEntryChanged(tx, [row.id], now);
    return row;
  });
}

/** 提交审核: draft → in review. */
export async function submitEntry(ctx: DomainContext, id: string, input: { note?: string | undefined } = {}) {
  const editor = requireEditor(ctx, '提交审核');
  const entry = await getEntry(ctx.db, id);
  return move(ctx, entry, ['draft'], 'in_review', 'submitted', { submittedBy: editor.id, submittedAt: ctx.now() }, input.note);
}

/**
 * 审核发布: a second editor approves. The working copy becomes the live
 * content citizens are answered from, and the index is told through the outbox.
 */
export async function approveEntry(ctx: DomainContext, id: string, input: { note?: string | undefined } = {}) {
  const reviewer = requireEditor(ctx, '审核发布');
  const entry = await getEntry(ctx.db, id);
  if (entry.submittedBy === reviewer.id || entry.updatedBy === reviewer.id) {
    throw forbidden('审核须由另一位编辑完成：不能审核自己提交或修改的条目');
  }
  const now = ctx.now();
  return move(
    ctx,
    entry,
    ['in_review'],
    'published',
    'approved',
    { live: contentOf(entry), liveVersion: entry.version + 1, reviewedBy: reviewer.id, reviewedAt: now },
    input.note,
    true,
  );
}

/** 退回修改: in review → draft, with the reviewer's note. */
export async function returnEntry(ctx: DomainContext, id: string, input: { note?: string | undefined } = {}) {
  requireEditor(ctx, '退回修改');
  const entry = await getEntry(ctx.db, id);
  return move(ctx, entry, ['in_review'], 'draft', 'returned', { submittedBy: null, submittedAt: null }, input.note);
}

/** 归档: the entry stops answering citizens and leaves the index. */
export async function archiveEntry(ctx: DomainContext, id: string, input: { note?: string | undefined } = {}) {
  requireEditor(ctx, '归档');
  const entry = await getEntry(ctx.db, id);
  return move(ctx, entry, ['draft', 'in_review', 'published'], 'archived', 'archived', { live: null, liveVersion: null }, input.note, true);
}
