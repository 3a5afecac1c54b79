import { normalizeText } from '../text/normalize.ts';
import { type EntryFeatures, type KnowledgeCorpus, type TermSets, termSetsOf } from './corpus.ts';
import { dayNumber } from './documents.ts';
import type { KbIndex, SearchRequestError } from './kb-index.ts';

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
  minScore: 0.4,
  /** … and lead the next entry by this much, unless it scores at least `sure`. */
  minLead: 0.05,
  sure: 0.5,
} as const;

/**
 * Which hits are shown as suggestions while a citizen types: a score of at
 * least `minScore` and close to the best (`ofTop` of its score). Chosen on
 * knowledge/eval/kb-queries.jsonl: 85% of the suggestions shown are the
 * right entry (59% with the score alone at 0.3), the right entry is among
 * them for 57% of answerable questions, and 7 of 48 unanswerable questions
 * get any suggestion at all.
 */
export const SUGGESTION = { minScore: 0.35, ofTop: 0.8 } as const;

export function suggestionHits<T extends { score: number }>(hits: readonly T[]): T[] {
  const top = hits[0]?.score ?? 0;
  return hits.filter((h) => h.score >= SUGGESTION.minScore && h.score >= top * SUGGESTION.ofTop);
}

/**
 * How much each kind of term counts, and how much a term found only in an
 * entry's answer counts; tuned on the evaluation set, where the results
 * change little around these values (see the README).
 */
export const WEIGHTS = { chars: 0.55, words: 0.15, unigrams: 0.3, answer: 0.5, pinyin: 0.9 } as const;

const CANDIDATES = 20;
/** How many of the question's most telling terms are searched for … */
const QUERY_TERMS = 10;
/** How many entries the filter query may bring at most. */
const POOL = 300;

/** A question's terms of one kind with their weights, computed once per search. */
interface Weighted {
  terms: string[];
  weights: number[];
  total: number;
}

export interface QueryWeights {
  chars: Weighted;
  words: Weighted;
  unigrams: Weighted;
  pinyin: Weighted;
}

export function weigh(corpus: KnowledgeCorpus, q: TermSets): QueryWeights {
  const one = (kind: keyof TermSets): Weighted => {
    const terms = [...q[kind]];
    const weights = terms.map((t) => corpus.idf(kind, t));
    return { terms, weights, total: weights.reduce((a, b) => a + b, 0) };
  };
  return { chars: one('chars'), words: one('words'), unigrams: one('unigrams'), pinyin: one('pinyin') };
}

/** Σ weight of the question's terms the entry has (answer-only terms at a discount), over Σ weight of all. */
function coverage(q: Weighted, asked: Set<string>, answer: Set<string> | null): number {
  if (q.total === 0) return 0;
  let num = 0;
  for (let i = 0; i < q.terms.length; i++) {
    const t = q.terms[i]!;
    if (asked.has(t)) num += q.weights[i]!;
    else if (answer?.has(t)) num += q.weights[i]! * WEIGHTS.answer;
  }
  return num / q.total;
}

/**
 * How well an entry answers the question, from 0 to 1: how much of the
 * question — by character bigrams, words and single characters, each term
 * weighted by how telling it is — the entry's ways of asking contain (its
 * answer counting for less). Words the knowledge base has never seen, such
 * as 婚假 in a question it cannot answer, pull the score down. The same in
 * pinyin, slightly discounted, catches homophone typos (身份正, 公基金).
 */
export function scoreEntry(q: QueryWeights, f: EntryFeatures): number {
  const a = f.asked;
  const text =
    WEIGHTS.chars * coverage(q.chars, a.chars, f.answerChars) +
    WEIGHTS.words * coverage(q.words, a.words, f.answerWords) +
    WEIGHTS.unigrams * coverage(q.unigrams, a.unigrams, null);
  return Math.max(text, WEIGHTS.pinyin * coverage(q.pinyin, a.pinyin, null));
}

/** The question's most telling terms that the knowledge base knows, rarest first. */
function tellingTerms(terms: Set<string>, knows: (t: string) => boolean, idf: (t: string) => number): string[] {
  return [...terms]
    .filter(knows)
    .sort((a, b) => idf(b) - idf(a))
    .slice(0, QUERY_TERMS);
}

/**
 * Retrieve and rerank: Meilisearch finds the entries that share the
 * question's most telling character bigrams and pinyin bigrams (synonyms,
 * stop words and the Chinese tokenizer applied on its side), then the
 * candidates are scored with the corpus statistics and a confidence
 * decision is taken.
 */
/** The Meilisearch requests that retrieve candidates for a question (one multi-search). */
export function retrievalQueries(indexUid: string, corpus: KnowledgeCorpus, question: string, options: Omit<SearchOptions, 'limit'>) {
  const canonical = corpus.vocabulary.canonicalize(question);
  if (!canonical && !normalizeText(question)) return { canonical, q: null, queries: [] };
  // A question made only of fillers (请问一下) is compared as typed.
  const q: TermSets = termSetsOf(corpus.vocabulary, [canonical ? question : normalizeText(question)]);
  const charTerms = tellingTerms(q.chars, (t) => corpus.knows(t), (t) => corpus.idf('chars', t));
  const pinyinQuery = tellingTerms(q.pinyin, (t) => corpus.knowsPinyin(t), (t) => corpus.idf('pinyin', t)).map((t) => t.replace('_', ''));

  const today = dayNumber(options.today);
  const filters = [`effective_day <= ${today}`, `expires_day > ${today}`];
  if (options.category) {
    const escaped = options.category.replace(/["\\]/g, '');
    filters.push(`(category = "${escaped}" OR subcategory = "${escaped}")`);
  }
  // Only ids come back: building whole documents costs Meilisearch far more
  // than finding them, and the entries' content is in the corpus snapshot.
  const common = {
    indexUid,
    filter: filters.join(' AND '),
    limit: CANDIDATES,
    attributesToRetrieve: ['id'],
    // The query's language is fixed: detection mistakes short Chinese queries for Japanese and tokenizes them differently.
    locales: ['cmn'],
  } as const;
  // Two queries in one request. The telling terms, rarest first, as a
  // full-text search with the `last` strategy: entries with all of them
  // first, then the least telling ones are dropped. That never drops the
  // rarest term, and one rare but off-topic word (打工 in 刚来示范市打工居住证
  // 咋办) would hide every entry without it; so a second query takes every
  // entry that has any of the telling terms, by filter (cheap: no ranking).
  const quote = (t: string) => JSON.stringify(t);
  const any = [
    ...(charTerms.length ? [`gram_terms IN [${charTerms.map(quote).join(', ')}]`] : []),
    ...(pinyinQuery.length ? [`py_terms IN [${pinyinQuery.map(quote).join(', ')}]`] : []),
  ];
  const queries = [
    ...(charTerms.length ? [{ ...common, q: charTerms.join(' '), matchingStrategy: 'last', attributesToSearchOn: ['grams'] }] : []),
    ...(any.length ? [{ ...common, q: '', limit: POOL, filter: `${common.filter} AND (${any.join(' OR ')})` }] : []),
  ];
  return { canonical, q, queries };
}

export async function searchKnowledge(index: KbIndex, corpus: KnowledgeCorpus, question: string, options: SearchOptions): Promise<SearchResult> {
  const { canonical, q, queries } = retrievalQueries(index.uid, corpus, question, options);
  if (!q || queries.length === 0) return { hits: [], confident: false, canonical };
  const weights = weigh(corpus, q);
  let results: { hits: { id: string }[] }[];
  try {
    ({ results } = await index.multiSearch(queries));
  } catch (error) {
    // An index without a single document knows no searchable fields yet: nothing to find.
    if ((error as SearchRequestError).code === 'invalid_search_attributes_to_search_on') return { hits: [], confident: false, canonical };
    throw error;
  }

  const seen = new Set<string>();
  const ranked: { features: EntryFeatures; score: number }[] = [];
  for (const result of results) {
    for (const hit of result.hits) {
      if (seen.has(hit.id)) continue;
      seen.add(hit.id);
      // An id the snapshot lacks was published or withdrawn a moment ago on
      // another instance; it is answered from once this instance reloads.
      const features = corpus.features(hit.id);
      if (features) ranked.push({ features, score: Math.round(scoreEntry(weights, features) * 1000) / 1000 });
    }
  }
  ranked.sort((a, b) => b.score - a.score || a.features.id.localeCompare(b.features.id));
  const [first, second] = ranked;
  // A reply of a digit or a symbol (a menu choice typed into the wrong place) says
  // nothing to answer with confidence, however well some entry scores on it.
  const substantive = [...question].filter((ch) => /\p{L}/u.test(ch)).length >= 2;
  const confident =
    substantive && !!first && first.score >= CONFIDENCE.minScore && (!second || first.score >= CONFIDENCE.sure || first.score - second.score >= CONFIDENCE.minLead);
  const hits: ScoredHit[] = ranked.slice(0, options.limit).map(({ features: { entry }, score }) => ({
    id: entry.id,
    question: entry.question,
    answer: entry.answer,
    category: entry.categoryCode,
    subcategory: entry.subcategoryCode,
    unit: entry.unitId,
    score,
  }));
  return { hits, confident, canonical };
}
