import { kbEntries } from '@hotline/db';
import { and, eq, sql } from 'drizzle-orm';
import type { DomainContext } from '../context.ts';
import { conflict } from '../errors.ts';
import { actorName, getEntry, requireEditor, saveVersion, toContent } from './internal.ts';
import type { KbContentInput } from './schemas.ts';

/**
 * Saves the working copy as a new version (all earlier ones are kept). The
 * entry goes back to draft, so the change needs a review before citizens see
 * it; a published entry keeps answering with its approved content meanwhile.
 */
export async function saveEntry(
  ctx: DomainContext,
  id: string,
  input: { content: KbContentInput; expectedVersion?: number | undefined; note?: string | undefined },
  action = 'edited',
) {
  requireEditor(ctx, '编辑知识条目');
  const entry = await getEntry(ctx.db, id);
  if (input.expectedVersion !== undefined && input.expectedVersion !== entry.version) {
    throw conflict(`条目已被他人修改（当前为第 ${entry.version} 版），请刷新后再编辑`, { version: entry.version });
  }
  const content = toContent(ctx, input.content);
  const now = ctx.now();
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(kbEntries)
      .set({ ...content, status: 'draft', version: sql`${kbEntries.version} + 1`, submittedBy: null, submittedAt: null, updatedAt: now, updatedBy: actorName(ctx) })
      .where(and(eq(kbEntries.id, id), eq(kbEntries.version, entry.version)))
      .returning();
    if (!row) throw conflict('条目已被他人修改，请刷新后再编辑');
    await saveVersion(tx, row, content, action, actorName(ctx), now, input.note);
    return row;
  });
}
