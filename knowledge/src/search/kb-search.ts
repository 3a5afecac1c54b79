import type { KnowledgeEntry } from '../entry.ts';
import { normalizeKeepingSpaces, normalizeText } from '../text/normalize.ts';
import { type ConfidenceFeatures, featureVector, LEARNT, LEARNT_BASE, probabilityRight, UNLEARNT } from './confidence.ts';
import { type EntryFeatures, type KnowledgeCorpus, type TermSets, termSetsOf } from './corpus.ts';
import { dayNumber } from './documents.ts';
import { asksAmount, asksChoice, asksElsewhere } from './question-focus.ts';
import type { KbIndex, SearchRequestError } from './kb-index.ts';
import { NO_EVIDENCE, type Posterior } from './entry-classifier.ts';
import type { SoftmaxOpinion } from './entry-softmax.ts';

export interface SearchOptions {
  limit: number;
  /** Also return the confidence model's features (for fitting it: npm run fit:kb-confidence). */
  explain?: boolean;
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
  /** Whether the best hit is a confident answer to the question: `confidence` reaches the office's line. */
  confident: boolean;
  /** Calibrated probability (0..1) that the best hit is the entry the question asks for. */
  confidence: number;
  /** The features `confidence` was computed from, when asked for (`explain`). */
  features?: ConfidenceFeatures;
  /** Whether the first hit's confidence came from the model for learnt entries (`explain`; confidence.ts UNLEARNT). */
  learnt?: boolean;
  /** The question as compared: normalised, synonyms canonical, fillers removed. */
  canonical: string;
}

export { CONFIDENCE } from './confidence.ts';

/** When a question is answered whatever the model says: see `ownWords` in searchKnowledge. */
export const OWN_WORDS = { minScore: 0.85, minCovered: 0.95 } as const;

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

/**
 * How the entry classifier (entry-classifier.ts) joins the ranking: an
 * entry's score is (1 − share) × the reranker's coverage + share × the
 * classifier's probability, and the classifier's first `candidates` entries
 * are scored even when the search server did not retrieve them. Chosen on
 * DEV (see the README). Where the entry-softmax model knows the entry, its
 * probability stands for the classifier's (DEV top-1 91.9 → 93.2 %; a share
 * of 0.6–0.9 gave 94.0–94.4 %, but leans harder on a model that learnt from
 * the writers of DEV's own files, so the share stays).
 */
export const BLEND = { share: 0.5, candidates: 5 } as const;

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
  return Math.max(textScore(q, f), WEIGHTS.pinyin * coverage(q.pinyin, f.asked.pinyin, null));
}

function textScore(q: QueryWeights, f: EntryFeatures): number {
  const a = f.asked;
  const text =
    WEIGHTS.chars * coverage(q.chars, a.chars, f.answerChars) +
    WEIGHTS.words * coverage(q.words, a.words, f.answerWords) +
    WEIGHTS.unigrams * coverage(q.unigrams, a.unigrams, null);
  return text;
}

/**
 * What the calibrated confidence looks at (knowledge/src/search/confidence.ts):
 * the scores, how much of the question the first entry's ways of asking
 * cover (versus only its answer), the share of the question the knowledge
 * base has never seen, the question's length, and near ties.
 */
const phrasingsOf = new WeakMap<EntryFeatures, Set<string>[]>();

/**
 * The largest share (by weight) of one of the entry's ways of asking — its
 * question or one alternate — whose character bigrams the question contains:
 * a citizen who says one of them nearly word for word, whatever else the
 * sentence holds, asks for this entry. Each phrasing's bigrams are computed
 * once per entry per snapshot.
 */
function phrasingCover(corpus: KnowledgeCorpus, query: Set<string>, f: EntryFeatures | undefined): number {
  if (!f) return 0;
  let phrasings = phrasingsOf.get(f);
  if (!phrasings) {
    phrasings = [f.entry.question, ...f.entry.alternates].map((p) => termSetsOf(corpus.vocabulary, [p]).chars).filter((c) => c.size > 0);
    phrasingsOf.set(f, phrasings);
  }
  let best = 0;
  for (const phrasing of phrasings) {
    let have = 0;
    let all = 0;
    for (const t of phrasing) {
      const w = corpus.idf('chars', t);
      all += w;
      if (query.has(t)) have += w;
    }
    if (all > 0 && have / all > best) best = have / all;
  }
  return best;
}

interface Ranked {
  features: EntryFeatures;
  /** The blended score the ranking is by. */
  score: number;
  /** The reranker's coverage alone. */
  lexical: number;
  /** The classifier's probability. */
  p: number;
  /** The classifier's fit (EntryClassifier.rank). */
  fit: number;
}

function confidenceFeatures(
  corpus: KnowledgeCorpus,
  question: string,
  q: QueryWeights,
  ranked: readonly Ranked[],
  posterior: Posterior,
  softmax: SoftmaxOpinion | null,
): ConfidenceFeatures {
  const top = ranked[0]?.score ?? 0;
  const second = ranked[1]?.score ?? 0;
  const f = ranked[0]?.features;
  const askedChars = f ? coverage(q.chars, f.asked.chars, null) : 0;
  let unknown = 0;
  for (let i = 0; i < q.chars.terms.length; i++) if (!corpus.knows(q.chars.terms[i]!)) unknown += q.chars.weights[i]!;
  let ties = 0;
  for (let i = 1; i < ranked.length && ranked[i]!.score >= top - 0.05; i++) ties++;
  const query = new Set(q.chars.terms);
  const phrasing = phrasingCover(corpus, query, f);
  const letters = [...question].filter((ch) => /[\p{L}\p{N}]/u.test(ch)).length;
  const asked = normalizeKeepingSpaces(question);
  const like = f ? corpus.likeness(f.id, query) : { asked: 0, nearMiss: 0 };
  const opinion = f && corpus.softmax?.knows(f.id) ? softmax : null;
  const softP = f ? (opinion?.p(f.id) ?? 0) : 0;
  // How far the first hit is ahead of the model's best other class, or behind its best (log ratio).
  const margin = opinion ? Math.log(Math.max(1e-9, softP) / Math.max(1e-9, opinion.best === f!.id ? opinion.second : opinion.first)) : 0;
  return {
    top,
    lead: top - second,
    ratio: top > 0 ? second / top : 0,
    askedChars,
    answerOnly: f ? coverage(q.chars, f.asked.chars, f.answerChars) - askedChars : 0,
    words: f ? coverage(q.words, f.asked.words, null) : 0,
    unknown: q.chars.total > 0 ? unknown / q.chars.total : 1,
    length: Math.log(1 + letters),
    ties: Math.min(ties, 5),
    phrasing,
    phrasingLead: phrasing - phrasingCover(corpus, query, ranked[1]?.features),
    pinyinOnly: f && WEIGHTS.pinyin * coverage(q.pinyin, f.asked.pinyin, null) > textScore(q, f) ? 1 : 0,
    classifier: ranked[0]?.p ?? 0,
    classifierLead: (ranked[0]?.p ?? 0) - Math.max(0, ...ranked.slice(1).map((r) => r.p)),
    classifierFit: ranked[0]?.fit ?? 0,
    classifierNone: posterior.none,
    classifierEvidence: f ? posterior.evidence(f.id) : NO_EVIDENCE,
    noneEvidence: posterior.noneEvidence,
    amountNotGiven: f && asksAmount(asked) && !f.givesAmount ? 1 : 0,
    asksChoice: asksChoice(asked) ? 1 : 0,
    elsewhereNotSpoken: f && asksElsewhere(asked) && !f.speaksOfElsewhere ? 1 : 0,
    likeAsked: like.asked,
    likeNearMiss: like.nearMiss,
    softmax: softP,
    softmaxNone: opinion?.none ?? 0,
    softmaxAgrees: opinion && opinion.best === f!.id ? 1 : 0,
    softmaxMargin: Math.max(-10, Math.min(10, margin)),
  };
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

/** The filters of retrievalQueries, for an entry the search server did not bring. */
function searchable(entry: KnowledgeEntry, options: Omit<SearchOptions, 'limit'>): boolean {
  const today = dayNumber(options.today);
  const from = entry.effectiveFrom ? dayNumber(entry.effectiveFrom) : 0;
  const until = entry.expiresOn ? dayNumber(entry.expiresOn) : 99991231;
  if (!(from <= today && until > today)) return false;
  return !options.category || entry.categoryCode === options.category || entry.subcategoryCode === options.category;
}

export async function searchKnowledge(index: KbIndex, corpus: KnowledgeCorpus, question: string, options: SearchOptions): Promise<SearchResult> {
  const { canonical, q, queries } = retrievalQueries(index.uid, corpus, question, options);
  if (!q || queries.length === 0) return { hits: [], confident: false, confidence: 0, canonical };
  const weights = weigh(corpus, q);
  let results: { hits: { id: string }[] }[];
  try {
    ({ results } = await index.multiSearch(queries));
  } catch (error) {
    // An index without a single document knows no searchable fields yet: nothing to find.
    if ((error as SearchRequestError).code === 'invalid_search_attributes_to_search_on') return { hits: [], confident: false, confidence: 0, canonical };
    throw error;
  }

  const posterior = corpus.classifier.rank(q, BLEND.candidates);
  const opinion = corpus.softmax?.opinion(question) ?? null;
  const seen = new Set<string>();
  const ranked: Ranked[] = [];
  const consider = (id: string) => {
    if (seen.has(id)) return;
    seen.add(id);
    // An id the snapshot lacks was published or withdrawn a moment ago on
    // another instance; it is answered from once this instance reloads.
    const features = corpus.features(id);
    if (!features) return;
    const lexical = scoreEntry(weights, features);
    const p = posterior.p(id);
    const fit = posterior.fit(id);
    // The entry-softmax model's probability where it knows the entry and the classifier learnt it
    // from citizens' questions (on DEV top-1 91.9 → 93.2 %), else the classifier's: for entries known
    // by their own phrasings alone it ranks better but leaves the gate less sure (README).
    const which = (corpus.classifier.learnt(id) ? opinion?.p(id) : undefined) ?? p;
    ranked.push({ features, lexical, p, fit, score: Math.round(((1 - BLEND.share) * lexical + BLEND.share * which) * 1000) / 1000 });
  };
  for (const result of results) for (const hit of result.hits) consider(hit.id);
  // Entries the classifier is surest of, though they share few of the question's rarest terms,
  // under the filters the search server applied to its own.
  if (seen.size > 0) {
    for (const id of posterior.top) {
      const entry = corpus.features(id)?.entry;
      if (entry && searchable(entry, options)) consider(id);
    }
  }
  ranked.sort((a, b) => b.score - a.score || a.features.id.localeCompare(b.features.id));
  // A reply of a digit or a symbol (a menu choice typed into the wrong place) says
  // nothing to answer with confidence, however well some entry scores on it.
  const substantive = [...question].filter((ch) => /\p{L}/u.test(ch)).length >= 2;
  const features = confidenceFeatures(corpus, question, weights, ranked, posterior, opinion);
  const first = ranked[0]?.features.id;
  const learnt = first !== undefined && corpus.classifier.learnt(first);
  const gate = !learnt ? UNLEARNT : corpus.softmax?.knows(first!) ? LEARNT : LEARNT_BASE;
  const confidence = ranked.length > 0 && substantive ? Math.round(probabilityRight(featureVector(features), gate.model) * 1000) / 1000 : 0;
  // A question made only of one entry's own terms (公积金怎么提取), which the entry
  // matches nearly in full, is answered from it even when a sibling entry
  // matches almost as well: the citizen gets the closest answer and the others
  // as suggestions, not a list alone.
  const ownWords = substantive && (ranked[0]?.lexical ?? 0) >= OWN_WORDS.minScore && features.words >= OWN_WORDS.minCovered;
  const confident = confidence > 0 && (confidence >= gate.threshold || ownWords);
  const hits: ScoredHit[] = ranked.slice(0, options.limit).map(({ features: { entry }, score }) => ({
    id: entry.id,
    question: entry.question,
    answer: entry.answer,
    category: entry.categoryCode,
    subcategory: entry.subcategoryCode,
    unit: entry.unitId,
    score,
  }));
  return { hits, confident, confidence, canonical, ...(options.explain ? { features, learnt } : {}) };
}
