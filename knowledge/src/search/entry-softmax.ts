import type { KnowledgeEntry } from '../entry.ts';
import { seededRandom } from '../model/linear.ts';
import { normalizeText } from '../text/normalize.ts';
import { LEARNT, type LabelledQuestion, sameTopic } from './entry-classifier.ts';

/** What the model needs of an entry: its id and how it is asked for. */
export type PhrasedEntry = Pick<KnowledgeEntry, 'id' | 'question' | 'alternates' | 'keywords'>;

/**
 * A second, discriminatively trained opinion of which entry a question asks
 * for: softmax regression over the question's characters and character
 * pairs (each question's vector of unit length), one class per entry and one
 * for questions no entry answers. Where the naive Bayes classifier
 * (entry-classifier.ts) counts and must average its evidence over a long
 * question's terms, this model learns weights that tell entries apart, and
 * its probability of the search's first hit is what the answer gate lacked
 * (on DEV: right entry first 92.6 % alone, README). Training takes seconds,
 * not milliseconds: the server trains it once on a worker thread and keeps
 * it on disk by a digest of what it learnt from (entry-softmax-training.ts).
 */
export const SOFTMAX = { epochs: 8, step: 0.2, l2: 1e-4, seed: 12345 } as const;

/**
 * The text the model reads: the question as typed, normalised. Not as the
 * search compares it (synonyms canonical, fillers and the editors' stop words
 * removed): on DEV that costs confident-right 77.8 → 73.4 %, and both forms
 * side by side 74.7 %; a question's own wording, how it asks above all, says
 * more than the vocabulary keeps. So the vocabulary speaks to the other half
 * of the ranking and to the gate's other features, not to this model.
 */
export function softmaxText(text: string): string {
  return normalizeText(text);
}

/** One training example: a text and its class (an entry's id, or null for none). */
export interface SoftmaxExample {
  text: string;
  label: string | null;
}

/** A trained model as plain arrays: what a worker hands back and what the disk cache holds. */
export interface SoftmaxParts {
  /** Class ids; the last is the none class (null). */
  classes: (string | null)[];
  /** Per entry class: the phrasings it learnt them by (phrasingKey); "" for the none class. */
  phrasings: string[];
  features: string[];
  /** features.length × classes.length, row per feature. */
  weights: Float32Array;
  bias: Float32Array;
}

/** An entry's own phrasings as one key: the model knows an entry only as it was phrased when trained. */
export function phrasingKey(entry: Pick<KnowledgeEntry, 'question' | 'alternates' | 'keywords'>): string {
  return [entry.question, ...entry.alternates, '', ...entry.keywords].join('\u0001');
}

/** The characters and character pairs of a normalised text, each weighing 1/√n (unit length). */
function termsOf(text: string): string[] {
  const chars = [...softmaxText(text)];
  const out = new Set<string>();
  for (let i = 0; i < chars.length; i++) {
    out.add(chars[i]!);
    if (i + 1 < chars.length) out.add(chars[i]! + chars[i + 1]!);
  }
  return [...out];
}

/**
 * What the model learns from, as the naive Bayes classifier does: each
 * entry's question, alternates and keywords; the labelled questions of
 * entries still asking what they were labelled against; and the questions no
 * entry answers, while most labelled entries are there.
 */
export function softmaxExamples(entries: readonly PhrasedEntry[], questions: readonly LabelledQuestion[]): SoftmaxExample[] {
  const byId = new Map(entries.map((e) => [e.id, e]));
  const out: SoftmaxExample[] = [];
  for (const e of entries) {
    for (const text of [e.question, ...e.alternates]) out.push({ text, label: e.id });
    if (e.keywords.length) out.push({ text: e.keywords.join(' '), label: e.id });
  }
  const labelledIds = new Set<string>();
  const present = new Set<string>();
  for (const q of questions) {
    if (q.expected === null) continue;
    labelledIds.add(q.expected);
    const entry = byId.get(q.expected);
    if (!entry || (q.about !== undefined && !sameTopic(q.about, entry.question))) continue;
    out.push({ text: q.q, label: entry.id });
    present.add(entry.id);
  }
  const unanswerable = questions.filter((q) => q.expected === null);
  if (labelledIds.size > 0 && present.size >= 0.8 * labelledIds.size && unanswerable.length >= LEARNT.none) {
    for (const q of unanswerable) out.push({ text: q.q, label: null });
  }
  return out;
}

/**
 * Trains by stochastic gradient descent with per-weight step sizes
 * (Adagrad), the L2 penalty applied to the rows an example touches. Settings
 * chosen on DEV (README): 8 epochs at step 0.2, L2 1e-4 (1e-6 overfits to
 * 88.0 % top-1, 1e-3 91.8 %, 5e-3 90.5 %).
 */
export function trainSoftmax(entries: readonly PhrasedEntry[], examples: readonly SoftmaxExample[]): SoftmaxParts {
  const classes: (string | null)[] = [...entries.map((e) => e.id), null];
  const phrasings = [...entries.map(phrasingKey), ''];
  const classOf = new Map(classes.map((c, k) => [c, k]));
  const featureOf = new Map<string, number>();
  const rows = examples.flatMap((ex) => {
    const label = classOf.get(ex.label);
    if (label === undefined) return [];
    const terms = termsOf(ex.text);
    if (terms.length === 0) return [];
    const idx = Int32Array.from(terms, (t) => {
      let f = featureOf.get(t);
      if (f === undefined) featureOf.set(t, (f = featureOf.size));
      return f;
    });
    return [{ idx, value: 1 / Math.sqrt(terms.length), label }];
  });
  const K = classes.length;
  const F = featureOf.size;
  const w = new Float32Array(F * K);
  const b = new Float32Array(K);
  const gw = new Float32Array(F * K).fill(1e-8);
  const gb = new Float32Array(K).fill(1e-8);
  const z = new Float64Array(K);
  const next = seededRandom(SOFTMAX.seed);
  const order = rows.map((_, i) => i);
  const { step, l2 } = SOFTMAX;
  for (let epoch = 0; epoch < SOFTMAX.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const r of order) {
      const { idx, value, label } = rows[r]!;
      for (let k = 0; k < K; k++) z[k] = b[k]!;
      for (const f of idx) {
        const row = f * K;
        for (let k = 0; k < K; k++) z[k]! += value * w[row + k]!;
      }
      let max = -Infinity;
      for (let k = 0; k < K; k++) if (z[k]! > max) max = z[k]!;
      let sum = 0;
      for (let k = 0; k < K; k++) sum += z[k] = Math.exp(z[k]! - max);
      for (let k = 0; k < K; k++) {
        const g = z[k]! / sum - (k === label ? 1 : 0);
        gb[k]! += g * g;
        b[k]! -= (step * g) / Math.sqrt(gb[k]!);
        z[k] = g;
      }
      for (const f of idx) {
        const row = f * K;
        for (let k = 0; k < K; k++) {
          const g = value * z[k]! + l2 * w[row + k]!;
          gw[row + k]! += g * g;
          w[row + k]! -= (step * g) / Math.sqrt(gw[row + k]!);
        }
      }
    }
  }
  return { classes, phrasings, features: [...featureOf.keys()], weights: w, bias: b };
}

/** What the model says of a question, over the entries it knows of those live now. */
export interface SoftmaxOpinion {
  /** P(entry) for an entry it knows; undefined for one it does not. */
  p(id: string): number | undefined;
  /** P(no entry answers it). */
  none: number;
  /** The class it thinks most probable: an entry's id, or null for none. */
  best: string | null;
  /** The probabilities of its first and second class. */
  first: number;
  second: number;
}

/**
 * A trained model serving one snapshot of the knowledge base: only the
 * entries live in it and phrased as when the model learnt them take part
 * (an entry edited since, added since or withdrawn does not).
 */
export class EntrySoftmax {
  readonly #parts: SoftmaxParts;
  readonly #featureOf: Map<string, number>;
  /** Classes taking part, by index into parts.classes. */
  readonly #active: Int32Array;
  readonly #known: Set<string>;
  readonly #classOf: Map<string, number>;
  readonly #noneActive: boolean;

  constructor(parts: SoftmaxParts, entries: readonly PhrasedEntry[]) {
    this.#parts = parts;
    let featureOf = FEATURE_INDEX.get(parts);
    if (!featureOf) FEATURE_INDEX.set(parts, (featureOf = new Map(parts.features.map((t, f) => [t, f]))));
    this.#featureOf = featureOf;
    const live = new Map(entries.map((e) => [e.id, phrasingKey(e)]));
    const active: number[] = [];
    parts.classes.forEach((c, k) => {
      if (c === null || live.get(c) === parts.phrasings[k]) active.push(k);
    });
    this.#active = Int32Array.from(active);
    this.#known = new Set(active.flatMap((k) => (parts.classes[k] === null ? [] : [parts.classes[k]!])));
    // Entries it knows only: an edited entry's old weights say nothing of it.
    this.#classOf = new Map(active.flatMap((k) => (parts.classes[k] === null ? [] : [[parts.classes[k]!, k] as const])));
    this.#noneActive = parts.classes[parts.classes.length - 1] === null;
  }

  /** Whether the model learnt this entry as it is phrased now. */
  knows(id: string): boolean {
    return this.#known.has(id);
  }

  opinion(question: string): SoftmaxOpinion {
    const { classes, weights, bias } = this.#parts;
    const K = classes.length;
    const featureOf = this.#featureOf;
    const sums = new Float64Array(K);
    let n = 0;
    for (const t of termsOf(question)) {
      const f = featureOf.get(t);
      if (f === undefined) continue;
      n++;
      // A feature's weights for every class lie side by side.
      const row = f * K;
      for (let k = 0; k < K; k++) sums[k]! += weights[row + k]!;
    }
    // Unit length over the terms it knows, as in training (an unseen term has no weight to add).
    const value = 1 / Math.sqrt(Math.max(1, n));
    const active = this.#active;
    let max = -Infinity;
    for (const k of active) {
      sums[k] = bias[k]! + value * sums[k]!;
      if (sums[k]! > max) max = sums[k]!;
    }
    let sum = 0;
    for (const k of active) sum += sums[k] = Math.exp(sums[k]! - max);
    let best = -1;
    let first = 0;
    let second = 0;
    for (const k of active) {
      const pk = (sums[k]! /= sum);
      if (pk > first) {
        second = first;
        first = pk;
        best = k;
      } else if (pk > second) second = pk;
    }
    const none = K - 1;
    const classOf = this.#classOf;
    return {
      p: (id) => {
        const k = classOf.get(id);
        return k === undefined ? undefined : sums[k];
      },
      none: this.#noneActive ? sums[none]! : 0,
      best: best < 0 ? null : classes[best]!,
      first,
      second,
    };
  }
}

/** Each trained model's feature index, built once however many snapshots it serves. */
const FEATURE_INDEX = new WeakMap<SoftmaxParts, Map<string, number>>();
