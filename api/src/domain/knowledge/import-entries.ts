import { type KbContent, kbEntries, type Tx } from '@hotline/db';
import { type EntryLine, parseEntryLines } from '@hotline/knowledge';
import { and, asc, eq, inArray, isNotNull, ne, notInArray } from 'drizzle-orm';
import type { DomainContext } from '../context.ts';
import { conflict, DomainError } from '../errors.ts';
import { actorName, buildContent, contentOf, type KbEntryRow, requireEditor, requireEditorOrSystem, sameContent, saveVersion } from './internal.ts';
import { enqueueEntryChanged } from './outbox.ts';

export interface ImportResult {
  created: string[];
  updated: string[];
  unchanged: number;
  archived: string[];
  /** True when the created and updated entries wait for a second editor (待审核) instead of being published. */
  review: boolean;
  /** A preview (dryRun): what the import would do, entry by entry; nothing was written. */
  preview?: ImportPreviewItem[];
}

export interface ImportPreviewItem {
  id: string;
  /** The question as the file has it (archived: as it is live now). */
  question: string;
  change: 'create' | 'update' | 'archive';
  /** For an update: the fields that differ from the content the entry has now. */
  fields: (keyof KbContent)[];
}

/** Carries a finished preview out of its transaction, which it rolls back. */
class Rollback extends Error {
  readonly result: ImportResult;
  constructor(result: ImportResult) {
    super('import preview');
    this.result = result;
  }
}

/**
 * Imports the exchange format. An editor's import (over HTTP) is held to
 * the same rule as a single edit: every new or changed entry becomes a
 * working copy 待审核, submitted by the importer, which only a different
 * editor can approve; the live answers do not change until then. The
 * command-line import on the server (someone with database access, recorded
 * by operating-system user) publishes directly, as a content repository
 * with its own review would. All or nothing: any bad line is reported with its
 * number and nothing of the file is written. An entry whose live content
 * already equals its line is left alone, so importing the same file twice
 * changes nothing. With `replace`, the file becomes the whole published set:
 * live entries not in it are archived. Synonyms and stop words are kept.
 */
export async function importEntries(ctx: DomainContext, text: string, options: { replace: boolean; dryRun?: boolean }): Promise<ImportResult> {
  requireEditorOrSystem(ctx, '导入知识条目');
  const review = ctx.actor.kind === 'staff';
  if (review && options.replace) {
    throw new DomainError(
      'VALIDATION',
      '通过接口导入的条目须经另一位编辑审核后发布，不能同时替换全部条目；需要下线的条目请逐条归档，或由管理员在服务器上用命令行导入（npm run kb -- import --replace）',
      [{ path: 'replace', message: '接口导入不支持替换全部条目' }],
    );
  }
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
  // A preview runs the very import and rolls it back: what it shows is what applying will do.
  const finish = (result: ImportResult, existing: Map<string, KbEntryRow>, archivedRows: KbEntryRow[] = []) => {
    if (!options.dryRun) return result;
    throw new Rollback({ ...result, preview: previewOf(result, contents, existing, archivedRows) });
  };
  return ctx.db.transaction(async (tx) => {
    const result: ImportResult = { created: [], updated: [], unchanged: 0, archived: [], review };
    const ids = [...contents.keys()];
    const existing = new Map(
      (ids.length ? await tx.select().from(kbEntries).where(inArray(kbEntries.id, ids)) : []).map((row) => [row.id, row]),
    );
    if (review) {
      await importForReview(tx, ctx, contents, existing, result, now);
      return finish(result, existing);
    }
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
    let stale: KbEntryRow[] = [];
    if (options.replace) {
      stale = await tx
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
    return finish(result, existing, stale);
  }).catch((error: unknown) => {
    if (error instanceof Rollback) return error.result;
    throw error;
  });
}

const CONTENT_FIELDS = ['question', 'alternates', 'answer', 'categoryCode', 'subcategoryCode', 'unitId', 'keywords', 'effectiveFrom', 'expiresOn'] as const;

function previewOf(result: ImportResult, contents: Map<string, KbContent>, existing: Map<string, KbEntryRow>, archived: KbEntryRow[]): ImportPreviewItem[] {
  const changed = (id: string) => {
    const now = contentOf(existing.get(id)!);
    const next = contents.get(id)!;
    return CONTENT_FIELDS.filter((f) => JSON.stringify(now[f]) !== JSON.stringify(next[f]));
  };
  return [
    ...result.created.map((id) => ({ id, question: contents.get(id)!.question, change: 'create' as const, fields: [] })),
    ...result.updated.map((id) => ({ id, question: contents.get(id)!.question, change: 'update' as const, fields: changed(id) })),
    ...archived.map((row) => ({ id: row.id, question: row.live?.question ?? row.question, change: 'archive' as const, fields: [] })),
  ];
}

/** New or changed entries become working copies 待审核; the live content stays until a second editor approves. */
async function importForReview(tx: Tx, ctx: DomainContext, contents: Map<string, KbContent>, existing: Map<string, KbEntryRow>, result: ImportResult, now: Date) {
  const editor = requireEditor(ctx, '导入知识条目');
  for (const [id, content] of contents) {
    const row = existing.get(id);
    if (!row) {
      const [created] = await tx
        .insert(kbEntries)
        .values({ id, ...content, status: 'in_review', version: 1, live: null, liveVersion: null, submittedBy: editor.id, submittedAt: now, createdAt: now, updatedAt: now, updatedBy: editor.id })
        .returning();
      await saveVersion(tx, created!, content, 'imported', editor.id, now, '接口导入，待审核');
      result.created.push(id);
      continue;
    }
    const liveSame = row.status === 'published' && sameContent(row.live, content) && sameContent(contentOf(row), content);
    const pendingSame = row.status === 'in_review' && sameContent(contentOf(row), content);
    if (liveSame || pendingSame) {
      result.unchanged++;
      continue;
    }
    const [updated] = await tx
      .update(kbEntries)
      .set({ ...content, status: 'in_review', version: row.version + 1, submittedBy: editor.id, submittedAt: now, updatedAt: now, updatedBy: editor.id })
      .where(and(eq(kbEntries.id, id), eq(kbEntries.version, row.version)))
      .returning();
    if (!updated) throw conflict(`条目 ${id} 已被他人修改，请刷新后重新导入`);
    await saveVersion(tx, updated, content, 'imported', editor.id, now, '接口导入，待审核');
    result.updated.push(id);
  }
}

function lineContent(ctx: DomainContext, line: EntryLine): KbContent | string {
  const content = buildContent(ctx, { ...line, unitId: line.unit ?? null });
  return 'field' in content ? `${content.field === 'unitId' ? 'unit' : content.field}: ${content.message}` : content;
}
