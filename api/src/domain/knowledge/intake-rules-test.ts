import type { IntakeRuleKind } from '@hotline/db/enums';
import { createIntakeChain, matchedRuleWords, type PreparedRule, prepareRules } from '@hotline/knowledge';
import { draftMissing } from '@hotline/knowledge/chains/place';
import { z } from 'zod';
import type { DomainContext } from '../context.ts';
import { intakeCatalog } from './ask.ts';
import { requireEditor } from './internal.ts';
import type { KnowledgeService } from './knowledge-service.ts';
import { IntakeRuleInput } from './schemas.ts';
import { checkIntakeRules } from './vocabulary.ts';

export const IntakeRulesTestInput = z.object({
  /** A citizen's message, as the public intake draft takes it. */
  text: z.string({ error: '请填写市民的留言' }).trim().min(2, '留言至少 2 个字').max(5000, '留言不能超过 5000 个字'),
  /** The rules as being edited (not saved); absent: the stored ones. */
  rules: z.array(IntakeRuleInput).max(5000).optional(),
});
export type IntakeRulesTestInput = z.infer<typeof IntakeRulesTestInput>;

export interface FiredRule {
  id: string;
  kind: IntakeRuleKind;
  target: string;
  weight: number;
  /** The words of the message it matched on (by characters or by sound). */
  words: string[];
}

/**
 * 试一试 for the intake rules: the draft the intake chain makes of a citizen's
 * message (the same chain as POST /api/intake/draft: rules, knowledge-base
 * evidence, the statistical model and, when configured, the language model)
 * under the given rules, unsaved, or the stored ones; and the rules that
 * counted, with the words each matched. Nothing is written.
 */
export async function testIntakeRules(ctx: DomainContext, kb: KnowledgeService, input: IntakeRulesTestInput) {
  requireEditor(ctx, '试用受理规则');
  if (input.rules) checkIntakeRules(ctx, input.rules);
  const snapshot = await kb.snapshot();
  // The stored rules as the filing path holds them (active only); given ones the same way.
  const rules: readonly PreparedRule[] = input.rules ? prepareRules(input.rules.filter((r) => r.active)) : snapshot.rules;
  const catalog = intakeCatalog(ctx);
  const deps = { rules, vocabulary: snapshot.vocabulary, catalog };
  const draft = await createIntakeChain({
    ...deps,
    llm: kb.llm,
    knowledge: async (text) => {
      const result = await kb.search(text, { limit: 3, now: ctx.now() });
      return result.hits.map((h) => ({ entryId: h.id, categoryCode: h.category, subcategoryCode: h.subcategory, score: h.score }));
    },
  }).invoke(input.text);

  // The evidence also names knowledge entries (kb:…), the model and the language model: only rule ids are rules.
  const byId = new Map(rules.map((r) => [r.id, r]));
  const { emergency, urgency, category, type } = draft.evidence;
  const firedIds = [...new Set([...emergency, ...urgency, ...category, ...type])].filter((id) => byId.has(id));
  const words = matchedRuleWords(deps, input.text, firedIds);
  const fired: FiredRule[] = firedIds.map((id) => {
    const r = byId.get(id)!;
    return { id, kind: r.kind, target: r.target, weight: r.weight, words: words.get(id) ?? [] };
  });

  const parentOf = new Map(catalog.categories.map((c) => [c.code, c.parentCode]));
  const parent = draft.category ? (parentOf.get(draft.category) ?? null) : null;
  const missing = draftMissing(draft);
  return {
    /** Which rules: the ones sent with the request, or the stored ones. */
    using: input.rules ? ('given' as const) : ('stored' as const),
    draft: {
      type: draft.type,
      category: parent ?? draft.category,
      subcategory: parent ? draft.category : null,
      urgency: draft.urgency,
      emergency: draft.emergency,
      emergencyAdvice: draft.emergencyAdvice,
      missing,
      source: draft.source,
    },
    fired,
    evidence: draft.evidence,
  };
}
