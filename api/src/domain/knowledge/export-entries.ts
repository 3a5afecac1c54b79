import { kbEntries } from '@hotline/db';
import { formatEntryLine } from '@hotline/knowledge';
import { and, asc, isNotNull, ne } from 'drizzle-orm';
import type { DomainContext } from '../context.ts';
import { requireEditorOrSystem } from './internal.ts';

/** The published set in the exchange format, one line an entry, by id. */
export async function exportEntries(ctx: DomainContext): Promise<string> {
  requireEditorOrSystem(ctx, '导出知识条目');
  const rows = await ctx.db
    .select({ id: kbEntries.id, live: kbEntries.live })
    .from(kbEntries)
    .where(and(isNotNull(kbEntries.live), ne(kbEntries.status, 'archived')))
    .orderBy(asc(kbEntries.id));
  return rows
    .map(({ id, live }) =>
      formatEntryLine({
        id,
        question: live!.question,
        alternates: live!.alternates,
        answer: live!.answer,
        category: live!.subcategoryCode ?? live!.categoryCode,
        keywords: live!.keywords,
        unit: live!.unitId,
        effectiveFrom: live!.effectiveFrom,
        expiresOn: live!.expiresOn,
      }),
    )
    .map((line) => `${line}\n`)
    .join('');
}
