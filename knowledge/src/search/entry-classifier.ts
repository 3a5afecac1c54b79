import type { KnowledgeEntry } from '../entry.ts';
import type { Vocabulary } from '../text/vocabulary.ts';
import { type TermSets, termSetsOf } from './corpus.ts';

/** A citizen's question labelled with the entry that answers it (null: none does). */
export interface LabelledQuestion {
  q: string;
  expected: string | null;
  /**
   * For a question no entry answers that is close to one (a near-miss: it
   * asks what that entry's answer does not say), that entry's id.
   */
  near?: string;
  /**
   * The question of the entry it was labelled against (or is a near-miss of). An entry under the
   * same id that now asks something else (a knowledge base imported with
   * `kb import --replace`) does not learn from it.
   */
  about?: string;
}

/**
 * How many labelled questions make an entry "learnt", and how many questions
 * no entry answers the none class needs: below these the classifier's
 * figures mean something else, and the confidence model for entries without
 * labelled questions applies (confidence.ts).
 */
export const LEARNT = { questions: 2, none: 20 } as const;

/** Whether two questions are about the same thing: half the bigrams of the shorter shared. */
export function sameTopic(a: string, b: string): boolean {
  const grams = (s: string) => {
    const chars = [...s.replace(/[\s\p{P}]/gu, '')];
    const out = new Set<string>();
    for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i]! + chars[i + 1]!);
    return out;
  };
  const x = grams(a);
  const y = grams(b);
  if (x.size === 0 || y.size === 0) return a === b;
  let shared = 0;
  for (const g of x) if (y.has(g)) shared++;
  return shared / Math.min(x.size, y.size) >= 0.5;
}

/**
 * Additive smoothing of the term counts, and how sharp the posterior is: the
 * naive model's log-likelihoods add up over every term of a question, so a
 * long question would otherwise be "certain" of whatever it ranks first.
 * The score per term is multiplied by SHARPNESS (chosen on DEV, see the README).
 */
export const CLASSIFIER = { alpha: 0.2, sharpness: 4 } as const;

/** The terms the classifier sees of a text: character bigrams and words, apart. */
function classifierTerms(sets: TermSets): string[] {
  const out: string[] = [];
  for (const t of sets.chars) out.push(`c${t}`);
  for (const t of sets.words) if (t.length > 1) out.push(`w${t}`);
  return out;
}

/**
 * Which entry a question asks for, learnt from how citizens ask: each entry's
 * own question and alternates (what the editors keep) and the labelled
 * questions of the training split. A multinomial naive Bayes model over the
 * question's character bigrams and words: trained by counting, so a snapshot
 * of the knowledge base builds it in milliseconds whenever an entry changes,
 * and it ranks by the words that tell entries apart even when a citizen
 * wraps them in a long story (which dilutes the reranker's coverage).
 */
export class EntryClassifier {
  readonly #ids: string[];
  readonly #indexOf: Map<string, number>;
  /** The class of questions no entry answers. */
  readonly #none: number;
  /** Per class: how many labelled questions it learnt from. */
  readonly #labelled: Int32Array;
  /** Per term: the entries that have it and log θ(term|entry) − log θ(unseen|entry). */
  readonly #delta = new Map<string, { k: Int32Array; d: Float32Array }>();
  /** log θ(unseen|entry): what a term the entry never had costs it. */
  readonly #unseen: Float32Array;
  /** log θ(term) over all entries pooled: how common a term is in any question. */
  readonly #background = new Map<string, number>();

  /** `termsOfQuestion`: the labelled questions' term sets, when the caller has them already. */
  constructor(
    vocabulary: Vocabulary,
    entries: readonly KnowledgeEntry[],
    questions: readonly LabelledQuestion[],
    termsOfQuestion: (q: LabelledQuestion) => TermSets = (q) => termSetsOf(vocabulary, [q.q]),
  ) {
    // One more class after the entries: the questions no entry answers.
    this.#ids = [...entries.map((e) => e.id), NONE];
    const indexOf = new Map(this.#ids.map((id, k) => [id, k]));
    this.#indexOf = indexOf;
    this.#none = entries.length;
    const counts = new Map<string, Map<number, number>>();
    const totals = new Float64Array(entries.length + 1);
    const add = (k: number, text: string | TermSets) => {
      const sets = typeof text === 'string' ? termSetsOf(vocabulary, [text]) : text;
      for (const t of classifierTerms(sets)) {
        let row = counts.get(t);
        if (!row) counts.set(t, (row = new Map()));
        row.set(k, (row.get(k) ?? 0) + 1);
        totals[k]! += 1;
      }
    };
    entries.forEach((e, k) => {
      for (const text of [e.question, ...e.alternates]) add(k, text);
      if (e.keywords.length) add(k, e.keywords.join(' '));
    });
    const labelled = new Int32Array(entries.length + 1);
    const unanswerable = questions.filter((q) => q.expected === null);
    for (const q of questions) {
      if (q.expected === null) continue;
      const k = indexOf.get(q.expected);
      if (k === undefined || (q.about !== undefined && !sameTopic(q.about, entries[k]!.question))) continue;
      add(k, termsOfQuestion(q));
      labelled[k]!++;
    }
    // What no entry of the shipped set answers may be what an imported set is
    // about: the none class learns only while most labelled entries are there.
    const labelledIds = new Set(questions.flatMap((q) => (q.expected === null ? [] : [q.expected])));
    const present = labelled.filter((n, k) => k < entries.length && n > 0).length;
    if (labelledIds.size > 0 && present >= 0.8 * labelledIds.size) {
      for (const q of unanswerable) add(this.#none, termsOfQuestion(q));
      labelled[this.#none] = unanswerable.length;
    }
    this.#labelled = labelled;
    const { alpha } = CLASSIFIER;
    const V = counts.size;
    this.#unseen = Float32Array.from(totals, (n) => Math.log(alpha / (n + alpha * V)));
    const all = totals.reduce((a, b) => a + b, 0);
    for (const [t, row] of counts) {
      let n = 0;
      for (const c of row.values()) n += c;
      this.#background.set(t, Math.log((n + alpha) / (all + alpha * V)));
      const k = new Int32Array(row.size);
      const d = new Float32Array(row.size);
      let i = 0;
      for (const [entry, n] of row) {
        k[i] = entry;
        d[i] = Math.log((n + alpha) / alpha);
        i++;
      }
      this.#delta.set(t, { k, d });
    }
  }

  /** How many entries it knows. */
  get size(): number {
    return this.#none;
  }

  /**
   * Whether the classifier learnt this entry from citizens' labelled
   * questions (not only from its own phrasings) and knows what no entry
   * answers: its figures then mean what they meant when the confidence
   * model was fitted.
   */
  learnt(id: string): boolean {
    const k = this.#indexOf.get(id);
    return k !== undefined && k !== this.#none && this.#labelled[k]! >= LEARNT.questions && this.#labelled[this.#none]! >= LEARNT.none;
  }

  /**
   * P(entry | question) from the question's term sets: the entries with the
   * highest probabilities first (at most `limit`), and any entry's
   * probability by id. Empty when the question has no term any entry was
   * ever asked with.
   *
   * `fit` is how much better the entry explains the question's known terms
   * than all entries pooled do (mean log-likelihood ratio per term): a
   * question no entry answers is explained about as well by any of them.
   */
  rank(sets: TermSets, limit = 10): Posterior {
    const K = this.#ids.length;
    const raw = new Float64Array(K);
    let known = 0;
    let background = 0;
    const count = (t: string) => {
      const row = this.#delta.get(t);
      if (!row) return;
      known++;
      background += this.#background.get(t)!;
      for (let i = 0; i < row.k.length; i++) raw[row.k[i]!]! += row.d[i]!;
    };
    for (const t of sets.chars) count(`c${t}`);
    for (const t of sets.words) if (t.length > 1) count(`w${t}`);
    if (known === 0 || K === 0) return EMPTY;
    let max = -Infinity;
    for (let k = 0; k < K; k++) {
      raw[k]! += known * this.#unseen[k]!;
      if (raw[k]! > max) max = raw[k]!;
    }
    const scale = CLASSIFIER.sharpness / known;
    const weight = new Float64Array(K);
    let sum = 0;
    for (let k = 0; k < K; k++) sum += weight[k] = Math.exp((raw[k]! - max) * scale);
    // The first `limit` by insertion: limit is small, K a few hundred.
    const top: number[] = [];
    for (let k = 0; k < K; k++) {
      if (k === this.#none) continue;
      if (top.length === limit && weight[k]! <= weight[top[limit - 1]!]!) continue;
      let at = top.length;
      while (at > 0 && weight[top[at - 1]!]! < weight[k]!) at--;
      top.splice(at, 0, k);
      if (top.length > limit) top.pop();
    }
    const of = (id: string) => (id === NONE ? undefined : this.#indexOf.get(id));
    // The two best entries' summed log-likelihoods: evidence counts every term, where p is per term.
    let best = -Infinity;
    let second = -Infinity;
    for (let k = 0; k < K; k++) {
      if (k === this.#none) continue;
      if (raw[k]! > best) {
        second = best;
        best = raw[k]!;
      } else if (raw[k]! > second) second = raw[k]!;
    }
    const clip = (x: number) => Math.max(NO_EVIDENCE, Math.min(-NO_EVIDENCE, Number.isFinite(x) ? x : 0));
    return {
      top: top.map((k) => this.#ids[k]!),
      p: (id) => {
        const k = of(id);
        return k === undefined ? 0 : weight[k]! / sum;
      },
      fit: (id) => {
        const k = of(id);
        return k === undefined ? 0 : (raw[k]! - background) / known;
      },
      evidence: (id) => {
        const k = of(id);
        return k === undefined ? NO_EVIDENCE : clip(raw[k]! - (raw[k]! >= best ? second : best));
      },
      noneEvidence: this.#labelled[this.#none]! > 0 ? clip(raw[this.#none]! - best) : NO_EVIDENCE,
      none: weight[this.#none]! / sum,
    };
  }
}

/** What EntryClassifier.rank knows of a question. */
export interface Posterior {
  /** Entry ids, most probable first. */
  top: readonly string[];
  p(id: string): number;
  fit(id: string): number;
  /**
   * How much better the entry explains the whole question than the best other entry does (summed
   * log-likelihood ratio, clipped): a long question's many terms add up to more evidence.
   */
  evidence(id: string): number;
  /** The same for the class of questions no entry answers against the best entry. */
  noneEvidence: number;
  /** P(no entry answers it), learnt from the labelled questions none answers. */
  none: number;
}

const NONE = '\u0000none';
/** Evidence against, at its clip: summed log-likelihood ratios beyond ±30 say nothing more. */
export const NO_EVIDENCE = -30;
const EMPTY: Posterior = { top: [], p: () => 0, fit: () => 0, evidence: () => NO_EVIDENCE, noneEvidence: NO_EVIDENCE, none: 1 };
