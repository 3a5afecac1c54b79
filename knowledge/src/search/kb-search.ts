import type { SearchResponse } from 'meilisearch';
import { termsOf } from '../text/grams.ts';
import { normalizeText } from '../text/normalize.ts';
import { pinyinTerms } from '../text/pinyin.ts';
import type { EntryFeatures, KnowledgeCorpus } from './corpus.ts';
import { dayNumber } from './documents.ts';
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
  /** The phrasing (question, alternate or keyword) that matched best. */
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
  /** … and lead the next entry by this much, unless it scores at least `sure`. */
  minLead: 0.03,
  sure: 0.7,
} as const;

/** How the score is made of its parts; tuned on the evaluation set. */
export const WEIGHTS = { phrasing: 0.45, query: 0.45, meili: 0.1, pinyin: 0.9 } as const;

const CANDIDATES = 15;
/** How many of the question's most telling terms are searched for … */
const QUERY_TERMS = 8;
/** … and how many of them on their own as well. */
const SINGLE_TERMS = 5;

interface QueryTerms {
  chars: Set<string>;
  pinyin: Set<string>;
}

/** Σ idf of the terms of `part` found in `whole`, over Σ idf of `part`. */
function covered(terms: Set<string>, idf: (t: string) => number, has: (t: string) => number): number {
  let num = 0;
  let den = 0;
  for (const t of terms) {
    const w = idf(t);
    den += w;
    num += w * has(t);
  }
  return den === 0 ? 0 : num / den;
}

/**
 * How well an entry answers the question, from 0 to 1:
 * - phrasing: how much of its best-matching way of asking the question covers
 *   (so a long, chatty question still matches a short phrasing);
 * - query: how much of the question the entry explains, terms found only in
 *   its answer counting half (words the knowledge base has never seen, like
 *   婚假 for a question it cannot answer, pull this down);
 * - both also in pinyin, for homophone typos, slightly discounted;
 * - a little of Meilisearch's own ranking score.
 */
export function scoreEntry(corpus: KnowledgeCorpus, q: QueryTerms, f: EntryFeatures, meiliScore: number) {
  const idf = (t: string) => corpus.idf(t);
  const idfPy = (t: string) => corpus.idfPinyin(t);
  let phrasing = 0;
  let matched = f.phrasings[0]?.text ?? '';
  for (const p of f.phrasings) {
    const chars = covered(p.chars, idf, (t) => (q.chars.has(t) ? 1 : 0));
    const pinyin = WEIGHTS.pinyin * covered(p.pinyin, idfPy, (t) => (q.pinyin.has(t) ? 1 : 0));
    const value = Math.max(chars, pinyin);
    if (value > phrasing) {
      phrasing = value;
      matched = p.text;
    }
  }
  const query = Math.max(
    covered(q.chars, idf, (t) => (f.chars.has(t) ? 1 : f.answerChars.has(t) ? 0.5 : 0)),
    WEIGHTS.pinyin * covered(q.pinyin, idfPy, (t) => (f.pinyin.has(t) ? 1 : 0)),
  );
  const score = WEIGHTS.phrasing * phrasing + WEIGHTS.query * query + WEIGHTS.meili * meiliScore;
  return { score: Math.min(1, score), matched, parts: { phrasing, query, meili: meiliScore } };
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
export async function searchKnowledge(index: KbIndex, corpus: KnowledgeCorpus, question: string, options: SearchOptions): Promise<SearchResult> {
  const canonical = corpus.vocabulary.canonicalize(question);
  const text = canonical || normalizeText(question);
  if (!text) return { hits: [], confident: false, canonical };

  const q: QueryTerms = { chars: new Set(termsOf(text)), pinyin: new Set(pinyinTerms(text)) };
  const charTerms = tellingTerms(q.chars, (t) => corpus.knows(t), (t) => corpus.idf(t));
  const pinyinQuery = tellingTerms(q.pinyin, (t) => corpus.knowsPinyin(t), (t) => corpus.idfPinyin(t)).map((t) => t.replace('_', ''));

  const today = dayNumber(options.today);
  const filters = [`effective_day <= ${today}`, `expires_day > ${today}`];
  if (options.category) {
    const escaped = options.category.replace(/["\\]/g, '');
    filters.push(`(category = "${escaped}" OR subcategory = "${escaped}")`);
  }
  // The query's language is fixed: detection mistakes short Chinese queries for Japanese and tokenizes them differently.
  // Only ids come back: building whole documents costs Meilisearch far more
  // than finding them, and the entries' content is in the corpus snapshot.
  const common = {
    indexUid: index.uid,
    filter: filters.join(' AND '),
    limit: CANDIDATES,
    showRankingScore: true,
    attributesToRetrieve: ['id'],
    locales: ['cmn'],
  } as const;
  // The telling terms, rarest first, with the `last` strategy: entries with
  // all of them first, then the least telling ones are dropped. Because that
  // never drops the rarest term, and one rare but off-topic word (打工 in
  // 刚来示范市打工居住证咋办) would hide every entry without it, the most
  // telling terms are also looked up one by one. All in one request.
  const queries = [
    ...(charTerms.length ? [{ ...common, q: charTerms.join(' '), matchingStrategy: 'last', attributesToSearchOn: ['grams'] }] : []),
    ...(pinyinQuery.length ? [{ ...common, q: pinyinQuery.join(' '), matchingStrategy: 'last', attributesToSearchOn: ['py'] }] : []),
    ...charTerms.slice(0, SINGLE_TERMS).map((term) => ({ ...common, q: term, attributesToSearchOn: ['grams'] })),
    ...pinyinQuery.slice(0, SINGLE_TERMS).map((term) => ({ ...common, q: term, attributesToSearchOn: ['py'] })),
  ];
  if (queries.length === 0) return { hits: [], confident: false, canonical };
  let results: SearchResponse<{ id: string }>[];
  try {
    ({ results } = (await index.client.multiSearch({ queries } as never)) as { results: SearchResponse<{ id: string }>[] });
  } catch (error) {
    // An index without a single document knows no searchable fields yet: nothing to find.
    if ((error as { cause?: { code?: string } }).cause?.code === 'invalid_search_attributes_to_search_on') return { hits: [], confident: false, canonical };
    throw error;
  }

  const candidates = new Map<string, { features: EntryFeatures; meili: number }>();
  for (const result of results) {
    for (const hit of result.hits) {
      // An id the snapshot lacks was published or withdrawn a moment ago on
      // another instance; it is answered from once this instance reloads.
      const features = corpus.features(hit.id);
      if (!features) continue;
      const meili = (hit as { _rankingScore?: number })._rankingScore ?? 0;
      const seen = candidates.get(hit.id);
      if (!seen || seen.meili < meili) candidates.set(hit.id, { features, meili });
    }
  }

  const scored: ScoredHit[] = [...candidates.values()].map(({ features, meili }) => {
    const { score, matched } = scoreEntry(corpus, q, features, meili);
    const entry = features.entry;
    return {
      id: entry.id,
      question: entry.question,
      answer: entry.answer,
      category: entry.categoryCode,
      subcategory: entry.subcategoryCode,
      unit: entry.unitId,
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
