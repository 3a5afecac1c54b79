import { type KbContent, kbEntries } from '@hotline/db';
import { type EntryLine, parseEntryLines } from '@hotline/knowledge';
import { and, asc, eq, inArray, isNotNull, ne, notInArray } from 'drizzle-orm';
import type { DomainContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { actorName, buildContent, contentOf, requireEditorOrSystem, sameContent, saveVersion } from './internal.ts';
import { enqueueEntryChanged } from './outbox.ts';

export interface ImportResult {
  created: string[];
  updated: string[];
  unchanged: number;
  archived: string[];
}

/**
 * Imports the exchange format as published content (a content repository
 * has its own review). All or nothing: any bad line is reported with its
 * number and nothing of the file is written. An entry whose live content
 * already equals its line is left alone, so importing the same file twice
 * changes nothing. With `replace`, the file becomes the whole published set:
 * live entries not in it are archived. Synonyms and stop words are kept.
 */
export async function importEntries(ctx: DomainContext, text: string, options: { replace: boolean }): Promise<ImportResult> {
  requireEditorOrSystem(ctx, '导入知识条目');
  const { entries, errors } = parseEntryLines(text);
  const contents = new Map<string, KbContent>();
  for (const line of entries) {
    const content = lineContent(ctx, line);
    if (typeof content === 'string') errors.push({ line: line.line, message: content });
    else contents.set(line.id, content);
  }
  if (errors.length > 0) {
    errors.sort((a, b) => a.line - b.line);
    throw new DomainError(
      'VALIDATION',
      `第 ${errors[0]!.line} 行有误：${errors[0]!.message}${errors.length > 1 ? `（共 ${errors.length} 处错误）` : ''}；文件未导入`,
      errors.map((e) => ({ path: `line ${e.line}`, message: e.message })),
    );
  }
  if (contents.size === 0 && !options.replace) throw new DomainError('VALIDATION', '文件中没有条目');

  const now = ctx.now();
  const who = actorName(ctx);
  return ctx.db.transaction(async (tx) => {
    const result: ImportResult = { created: [], updated: [], unchanged: 0, archived: [] };
    const ids = [...contents.keys()];
    const existing = new Map(
      (ids.length ? await tx.select().from(kbEntries).where(inArray(kbEntries.id, ids)) : []).map((row) => [row.id, row]),
    );
    for (const [id, content] of contents) {
      const row = existing.get(id);
      if (!row) {
        const [created] = await tx
          .insert(kbEntries)
          .values({ id, ...content, status: 'published', version: 1, live: content, liveVersion: 1, reviewedBy: who, reviewedAt: now, createdAt: now, updatedAt: now, updatedBy: who })
          .returning();
        await saveVersion(tx, created!, content, 'imported', who, now);
        result.created.push(id);
        continue;
      }
      if (row.status === 'published' && sameContent(row.live, content) && sameContent(contentOf(row), content)) {
        result.unchanged++;
        continue;
      }
      const version = row.version + 1;
      const [updated] = await tx
        .update(kbEntries)
        .set({ ...content, status: 'published', version, live: content, liveVersion: version, reviewedBy: who, reviewedAt: now, submittedBy: null, submittedAt: null, updatedAt: now, updatedBy: who })
        .where(eq(kbEntries.id, id))
        .returning();
      await saveVersion(tx, updated!, content, 'imported', who, now);
      result.updated.push(id);
    }
    if (options.replace) {
      const stale = await tx
        .select()
        .from(kbEntries)
        .where(and(isNotNull(kbEntries.live), ne(kbEntries.status, 'archived'), ids.length ? notInArray(kbEntries.id, ids) : undefined))
        .orderBy(asc(kbEntries.id));
      for (const row of stale) {
        const version = row.version + 1;
        const [archived] = await tx
          .update(kbEntries)
          .set({ status: 'archived', live: null, liveVersion: null, version, updatedAt: now, updatedBy: who })
          .where(eq(kbEntries.id, row.id))
          .returning();
        await saveVersion(tx, archived!, contentOf(archived!), 'archived', who, now, '导入时不在文件中（--replace）');
        result.archived.push(row.id);
      }
    }
    await enqueueEntryChanged(tx, [...result.created, ...result.updated, ...result.archived], now);
    return result;
  });
}

function lineContent(ctx: DomainContext, line: EntryLine): KbContent | string {
  const content = buildContent(ctx, { ...line, unitId: line.unit ?? null });
  return 'field' in content ? `${content.field === 'unitId' ? 'unit' : content.field}: ${content.message}` : content;
}
