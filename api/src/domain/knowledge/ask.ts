import { type Answer, createAnswerChain, suggestionHits, createIntakeChain, type IntakeCatalog, type IntakeDraft } from '@hotline/knowledge';
import type { DomainContext } from '../context.ts';
import type { KnowledgeService } from './knowledge-service.ts';
import { logSearch } from './analytics.ts';
import { recordUnanswered } from './unanswered.ts';

/** GET /api/kb/search: published, effective entries, best first. */
export async function searchEntries(ctx: DomainContext, kb: KnowledgeService, query: { q: string; limit: number; category?: string | undefined; suggest?: '0' | '1' | undefined }) {
  const result = await kb.search(query.q, { limit: query.limit, category: query.category, now: ctx.now() });
  const hits = query.suggest === '1' ? suggestionHits(result.hits) : result.hits;
  return {
    hits: hits.map((h) => ({ id: h.id, question: h.question, answer: h.answer, category: h.category, subcategory: h.subcategory, score: h.score })),
    confident: result.confident,
  };
}

/**
 * The one entry point every channel answers a citizen through. A question
 * without a confident answer goes to the editors' unanswered queue.
 */
export async function answerQuestion(ctx: DomainContext, kb: KnowledgeService, input: { question: string; channel: string }): Promise<Answer> {
  const { rules } = await kb.snapshot();
  const chain = createAnswerChain({
    rules,
    llm: kb.llm,
    search: (question) => kb.search(question, { limit: 5, now: ctx.now() }),
  });
  const answer = await chain.invoke(input);
  if (!answer.confident && answer.searchAvailable) {
    await recordUnanswered(ctx.db, { question: input.question, channel: input.channel, reason: 'no_confident_answer', at: ctx.now() });
  }
  if (answer.searchAvailable) {
    // For the editors' search analytics: the question (normalised, masked) and what it got.
    const entryId = (answer.confident ? answer.sources[0]?.id : answer.related[0]?.id) ?? null;
    const categoryCode = entryId ? ((await kb.snapshot()).corpus.features(entryId)?.entry.categoryCode ?? null) : null;
    await logSearch(ctx.db, { at: ctx.now(), kind: 'ask', channel: input.channel, question: input.question, entryId, categoryCode, confident: answer.confident });
  }
  return answer;
}

export function intakeCatalog(ctx: DomainContext): IntakeCatalog {
  const { catalog } = ctx.rules;
  const streets = [...catalog.streets.values()];
  return {
    districts: [...catalog.districts.values()].map((d) => ({
      code: d.code,
      name: d.name,
      streets: streets.filter((s) => s.districtCode === d.code).map((s) => ({ code: s.code, name: s.name })),
    })),
    categories: [...catalog.categories.values()].filter((c) => c.active).map((c) => ({ code: c.code, name: c.name, parentCode: c.parentCode })),
  };
}

/** The intake chain: a draft ticket from free text, emergencies flagged first. */
export async function draftTicket(ctx: DomainContext, kb: KnowledgeService, input: { text: string; channel: string }): Promise<IntakeDraft> {
  const { rules, vocabulary } = await kb.snapshot();
  const chain = createIntakeChain({
    rules,
    vocabulary,
    catalog: intakeCatalog(ctx),
    llm: kb.llm,
    knowledge: async (text) => {
      const result = await kb.search(text, { limit: 3, now: ctx.now() });
      return result.hits.map((h) => ({ entryId: h.id, categoryCode: h.category, subcategoryCode: h.subcategory, score: h.score }));
    },
  });
  return chain.invoke(input.text);
}
