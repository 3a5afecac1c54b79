import { randomBytes } from 'node:crypto';
import { kbEntries } from '@hotline/db';
import type { DomainContext } from '../context.ts';
import { actorName, requireEditor, saveVersion, toContent } from './internal.ts';
import type { KbContentInput } from './schemas.ts';

/** New entries start as drafts; ids of the exchange format's shape (K + 8 hex digits). */
export async function createEntry(ctx: DomainContext, input: KbContentInput, options: { id?: string } = {}) {
  requireEditor(ctx, '编辑知识条目');
  const content = toContent(ctx, input);
  const now = ctx.now();
  const id = options.id ?? `K${randomBytes(4).toString('hex').toUpperCase()}`;
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(kbEntries)
      .values({ id, ...content, status: 'draft', version: 1, createdAt: now, updatedAt: now, updatedBy: actorName(ctx) })
      .returning();
    await saveVersion(tx, row!, content, 'created', actorName(ctx), now);
    return row!;
  });
}
