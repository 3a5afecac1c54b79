import { kbEntries, kbIntakeRules, kbStopWords, kbSynonymGroups } from '@hotline/db';
import { readContentFiles } from '@hotline/knowledge';
import { sql } from 'drizzle-orm';
import type { DomainContext } from '../domain/context.ts';
import { importEntries } from '../domain/knowledge/import-entries.ts';
import { IntakeRuleInput, VocabularyInput } from '../domain/knowledge/schemas.ts';
import { putIntakeRules, putVocabulary } from '../domain/knowledge/vocabulary.ts';

const count = async (ctx: DomainContext, table: typeof kbEntries | typeof kbSynonymGroups | typeof kbStopWords | typeof kbIntakeRules) =>
  Number((await ctx.db.select({ n: sql<number>`count(*)::int` }).from(table))[0]?.n ?? 0);

/**
 * On first start, loads 示范市's knowledge content from knowledge/content/:
 * entries (published), synonym groups, stop words and intake rules. Each
 * part is loaded only while its table is empty, so editors' later changes
 * are never overwritten.
 */
export async function seedKnowledge(ctx: DomainContext, dir?: string): Promise<{ entries: number; synonymGroups: number; stopWords: number; intakeRules: number }> {
  const content = readContentFiles(dir);
  const result = { entries: 0, synonymGroups: 0, stopWords: 0, intakeRules: 0 };
  if ((await count(ctx, kbSynonymGroups)) === 0 && (await count(ctx, kbStopWords)) === 0 && (content.synonymGroups.length || content.stopWords.length)) {
    const vocabulary = VocabularyInput.parse({ synonymGroups: content.synonymGroups, stopWords: content.stopWords });
    const done = await putVocabulary(ctx, vocabulary);
    result.synonymGroups = done.synonymGroups;
    result.stopWords = done.stopWords;
  }
  if ((await count(ctx, kbIntakeRules)) === 0 && content.intakeRules.length) {
    const rules = content.intakeRules.map((r) => IntakeRuleInput.parse(r));
    result.intakeRules = (await putIntakeRules(ctx, rules)).rules;
  }
  if ((await count(ctx, kbEntries)) === 0 && content.entries.trim()) {
    const imported = await importEntries(ctx, content.entries, { replace: false });
    result.entries = imported.created.length;
  }
  return result;
}
