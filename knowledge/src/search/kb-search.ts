import type { SearchResponse } from 'meilisearch';
import { bagOf, termsOf } from '../text/grams.ts';
import { normalizeText } from '../text/normalize.ts';
import type { KnowledgeCorpus } from './corpus.ts';
import { dayNumber, type KbDocument } from './documents.ts';
import type { KbIndex } from './kb-index.ts';

export interface SearchOptions {
  limit: number;
  /** First- or second-level category code. */
  category?: string | undefined;
  /** YYYY-MM-DD (Beijing) for effective and expiry dates. */
  today: string;
}

export interface ScoredHit {
  id: string;
  question: string;
  answer: string;
  category: string;
  subcategory: string | null;
  unit: string | null;
  /** 0..1: how well the entry matches the question. */
  score: number;
  /** The phrasing (question or alternate) that matched best. */
  matched: string;
}

export interface SearchResult {
  hits: ScoredHit[];
  /** Whether the best hit is a confident answer to the question. */
  confident: boolean;
  /** The question as compared: normalised, synonyms canonical, fillers removed. */
  canonical: string;
}

/** Where the confidence line lies; tuned on the evaluation set (npm run eval:kb). */
export const CONFIDENCE = {
  /** The best hit's score must reach this … */
  minScore: 0.5,
  /** … and, when two different entries compete, lead the next one by this much, or score at least `sure`. */
  minLead: 0.04,
  sure: 0.75,
} as const;

const CANDIDATES = 30;

function weightedCosine(corpus: KnowledgeCorpus, query: Map<string, number>, text: Map<string, number>): number {
  let dot = 0;
  let qNorm = 0;
  let tNorm = 0;
  for (const [term, count] of query) {
    const w = corpus.idf(term) * Math.min(count, 2);
    qNorm += w * w;
    const other = text.get(term);
    if (other) dot += w * corpus.idf(term) * Math.min(other, 2);
  }
  for (const [term, count] of text) {
    const w = corpus.idf(term) * Math.min(count, 2);
    tNorm += w * w;
  }
  return qNorm === 0 || tNorm === 0 ? 0 : dot / Math.sqrt(qNorm * tNorm);
}

/** How much of the question a phrasing covers, weighted by how telling each term is. */
function coverage(corpus: KnowledgeCorpus, query: Map<string, number>, text: Map<string, number>): number {
  let covered = 0;
  let total = 0;
  for (const term of query.keys()) {
    const w = corpus.idf(term);
    total += w;
    if (text.has(term)) covered += w;
  }
  return total === 0 ? 0 : covered / total;
}

/**
 * Scores one candidate: the best match among its question and alternates
 * (weighted cosine of character bigrams, plus how much of the question it
 * covers), keywords the question contains, and Meilisearch's own ranking.
 */
function scoreCandidate(corpus: KnowledgeCorpus, queryBag: Map<string, number>, canonicalQuery: string, doc: KbDocument, meiliScore: number) {
  const vocabulary = corpus.vocabulary;
  let best = 0;
  let matched = doc.question;
  for (const phrasing of [doc.question, ...doc.alternates]) {
    const canon = vocabulary.canonicalize(phrasing);
    const bag = bagOf(termsOf(canon));
    const s = 0.6 * weightedCosine(corpus, queryBag, bag) + 0.4 * coverage(corpus, queryBag, bag);
    const exact = canon.length > 0 && (canon === canonicalQuery || (canonicalQuery.length >= 4 && canon.includes(canonicalQuery)));
    const value = exact ? Math.max(s, 0.95) : s;
    if (value > best) {
      best = value;
      matched = phrasing;
    }
  }
  const keywords = doc.keywords.map((k) => vocabulary.canonicalize(k)).filter((k) => k.length >= 2);
  const keywordHits = keywords.filter((k) => canonicalQuery.includes(k)).length;
  const keywordScore = keywords.length === 0 ? 0 : Math.min(1, keywordHits / Math.min(2, keywords.length));
  const score = Math.min(1, 0.8 * best + 0.1 * keywordScore + 0.1 * meiliScore);
  return { score, matched };
}

/**
 * Retrieve and rerank: two Meilisearch queries in one request (the
 * canonical question against the text fields, and its bigrams against the
 * bigram field, both lenient so partial matches come back), then our own
 * scoring of the candidates and a confidence decision.
 */
export async function searchKnowledge(index: KbIndex, corpus: KnowledgeCorpus, question: string, options: SearchOptions): Promise<SearchResult> {
  const canonical = corpus.vocabulary.canonicalize(question);
  const fallback = normalizeText(question);
  const text = canonical || fallback;
  if (!text) return { hits: [], confident: false, canonical };

  const today = dayNumber(options.today);
  const filters = [`effective_day <= ${today}`, `expires_day > ${today}`];
  if (options.category) {
    const escaped = options.category.replace(/["\\]/g, '');
    filters.push(`(category = "${escaped}" OR subcategory = "${escaped}")`);
  }
  const filter = filters.join(' AND ');
  const grams = termsOf(text);
  const common = { indexUid: index.uid, filter, limit: CANDIDATES, showRankingScore: true } as const;
  let results: SearchResponse<KbDocument>[];
  try {
    ({ results } = (await index.client.multiSearch<{ queries: never[] }, KbDocument>({
      queries: [
        { ...common, q: text, matchingStrategy: 'last', attributesToSearchOn: ['question', 'alternates', 'canon', 'keywords', 'answer_text'] },
        { ...common, q: grams.join(' '), matchingStrategy: 'frequency', attributesToSearchOn: ['grams'] },
      ] as never[],
    })) as { results: SearchResponse<KbDocument>[] });
  } catch (error) {
    // An index without a single document knows no searchable fields yet: nothing to find.
    if ((error as { cause?: { code?: string } }).cause?.code === 'invalid_search_attributes_to_search_on') return { hits: [], confident: false, canonical };
    throw error;
  }

  const candidates = new Map<string, { doc: KbDocument; meili: number }>();
  for (const result of results) {
    for (const hit of result.hits) {
      const meili = (hit as { _rankingScore?: number })._rankingScore ?? 0;
      const seen = candidates.get(hit.id);
      if (!seen || seen.meili < meili) candidates.set(hit.id, { doc: hit as KbDocument, meili });
    }
  }

  const queryBag = bagOf(termsOf(text));
  const scored: ScoredHit[] = [...candidates.values()].map(({ doc, meili }) => {
    const { score, matched } = scoreCandidate(corpus, queryBag, text, doc, meili);
    return {
      id: doc.id,
      question: doc.question,
      answer: doc.answer,
      category: doc.category,
      subcategory: doc.subcategory,
      unit: doc.unit,
      score: Math.round(score * 1000) / 1000,
      matched,
    };
  });
  scored.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
  const [first, second] = scored;
  const confident =
    !!first && first.score >= CONFIDENCE.minScore && (!second || first.score >= CONFIDENCE.sure || first.score - second.score >= CONFIDENCE.minLead);
  return { hits: scored.slice(0, options.limit), confident, canonical };
}
