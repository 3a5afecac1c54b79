import { kbIntakeRules, kbStopWords, kbSynonymGroups } from '@hotline/db';
import { asc } from 'drizzle-orm';
import type { DomainContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { actorName, requireEditor, requireEditorOrSystem } from './internal.ts';
import { bumpKnowledgeGeneration } from './generation.ts';
import { enqueueVocabularyChanged } from './outbox.ts';
import type { IntakeRuleInput, VocabularyInput } from './schemas.ts';

export async function getVocabulary(ctx: DomainContext) {
  requireEditor(ctx, '查看同义词和停用词');
  const [groups, stops] = await Promise.all([
    ctx.db.select().from(kbSynonymGroups).orderBy(asc(kbSynonymGroups.id)),
    ctx.db.select().from(kbStopWords).orderBy(asc(kbStopWords.word)),
  ]);
  return { synonymGroups: groups.map((g) => g.terms), stopWords: stops.map((s) => s.word) };
}

/** Replaces the synonym groups and stop words; the index gets the new settings through the outbox. */
export async function putVocabulary(ctx: DomainContext, input: VocabularyInput) {
  requireEditorOrSystem(ctx, '维护同义词和停用词');
  const editor = { id: actorName(ctx) };
  const now = ctx.now();
  const stopWords = [...new Set(input.stopWords)];
  await ctx.db.transaction(async (tx) => {
    await tx.delete(kbSynonymGroups);
    if (input.synonymGroups.length) {
      await tx.insert(kbSynonymGroups).values(input.synonymGroups.map((terms) => ({ terms: [...new Set(terms)], updatedAt: now, updatedBy: editor.id })));
    }
    await tx.delete(kbStopWords);
    if (stopWords.length) await tx.insert(kbStopWords).values(stopWords.map((word) => ({ word, updatedAt: now })));
    await enqueueVocabularyChanged(tx, now);
  });
  return { synonymGroups: input.synonymGroups.length, stopWords: stopWords.length };
}

export async function getIntakeRules(ctx: DomainContext) {
  requireEditor(ctx, '查看受理规则');
  return ctx.db.select().from(kbIntakeRules).orderBy(asc(kbIntakeRules.kind), asc(kbIntakeRules.id));
}

/** What a rule list must hold beyond its schema (unique ids, existing categories): saved or tried (试一试) alike. */
export function checkIntakeRules(ctx: DomainContext, rules: IntakeRuleInput[]): void {
  const ids = new Set<string>();
  rules.forEach((rule, i) => {
    if (ids.has(rule.id)) throw new DomainError('VALIDATION', `规则编号 ${rule.id} 重复`, [{ path: `rules.${i}.id`, message: '编号重复' }]);
    ids.add(rule.id);
    if (rule.kind === 'category' && !ctx.rules.catalog.categories.has(rule.target)) {
      throw new DomainError('VALIDATION', `规则 ${rule.id} 的分类「${rule.target}」不存在`, [{ path: `rules.${i}.target`, message: '分类不存在' }]);
    }
  });
}

/** Replaces the intake chain's rules (categories must exist; emergency targets are 110/119/120). */
export async function putIntakeRules(ctx: DomainContext, rules: IntakeRuleInput[]) {
  requireEditorOrSystem(ctx, '维护受理规则');
  const editor = { id: actorName(ctx) };
  checkIntakeRules(ctx, rules);
  const now = ctx.now();
  await ctx.db.transaction(async (tx) => {
    await tx.delete(kbIntakeRules);
    if (rules.length) {
      await tx.insert(kbIntakeRules).values(
        rules.map((r) => ({ ...r, note: r.note ?? null, updatedAt: now, updatedBy: editor.id })),
      );
    }
    // Every instance's intake chain picks the new rules up on its next use.
    await bumpKnowledgeGeneration(tx, now);
  });
  return { rules: rules.length };
}
