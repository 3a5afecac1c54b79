import { kbEntryVersions } from '@hotline/db';
import { and, eq } from 'drizzle-orm';
import type { DomainContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { getEntry, inputOf, requireEditor } from './internal.ts';
import { saveEntry } from './save-entry.ts';

/** Any earlier version becomes the working copy again, as a new version (history is never rewritten). */
export async function restoreVersion(ctx: DomainContext, id: string, input: { version: number }) {
  requireEditor(ctx, '恢复历史版本');
  const entry = await getEntry(ctx.db, id);
  const [old] = await ctx.db
    .select()
    .from(kbEntryVersions)
    .where(and(eq(kbEntryVersions.entryId, id), eq(kbEntryVersions.version, input.version)));
  if (!old) throw notFound(`条目 ${id} 没有第 ${input.version} 版`);
  return saveEntry(ctx, id, { content: inputOf(old.content), expectedVersion: entry.version, note: `恢复自第 ${input.version} 版` }, 'restored');
}
