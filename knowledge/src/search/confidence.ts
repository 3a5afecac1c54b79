/**
 * Calibrated confidence for direct answers: the probability that a search's
 * first hit is the entry the citizen means, from what the search knows at
 * answer time, by a small logistic model.
 *
 * The model is fitted on TRAIN (knowledge/eval/kb-queries.jsonl and
 * knowledge/eval/splits/kb-train.jsonl) and the thresholds are chosen on DEV
 * (kb-dev.jsonl) by `npm run fit:kb-confidence`, which rewrites
 * confidence-model.ts. The office sets one thing, how sure it wants to be
 * (`CONFIDENCE.targetPrecision`: the share of direct answers that should be
 * right); the threshold on the probability follows from DEV.
 */
import { type BoostedTrees, boostedValue } from './boosted-trees.ts';
import { CONFIDENCE_MODEL, CONFIDENCE_MODEL_BASE, CONFIDENCE_MODEL_UNLEARNT } from './confidence-model.ts';

/** How sure the office wants to be of a direct answer: the share of them that should be right. */
export const CONFIDENCE = { targetPrecision: 0.97 } as const;

/** What the search knows about its result; names in the order of the model's coefficients. */
export const CONFIDENCE_FEATURES = [
  'top',
  'lead',
  'ratio',
  'askedChars',
  'answerOnly',
  'words',
  'unknown',
  'length',
  'ties',
  'phrasing',
  'phrasingLead',
  'pinyinOnly',
  'classifier',
  'classifierLead',
  'classifierFit',
  'classifierNone',
  'amountNotGiven',
  'asksChoice',
  'elsewhereNotSpoken',
  'likeAsked',
  'likeNearMiss',
  'classifierEvidence',
  'noneEvidence',
  // Last: the entry-softmax model's, which CONFIDENCE_MODEL_BASE (no such model, or one that does
  // not know the first hit) leaves out by having fewer weights.
  'softmax',
  'softmaxNone',
  'softmaxAgrees',
  'softmaxMargin',
] as const;

/** How many of CONFIDENCE_FEATURES come before the entry-softmax model's. */
export const BASE_FEATURES = CONFIDENCE_FEATURES.indexOf('softmax');

export type ConfidenceFeatures = Record<(typeof CONFIDENCE_FEATURES)[number], number>;

export interface ConfidenceModel {
  /** Feature means and standard deviations on TRAIN: the model sees standardised values. */
  mean: number[];
  scale: number[];
  weights: number[];
  bias: number;
  /**
   * Small trees added to the linear log-odds, fitted on what the linear
   * model gets wrong on TRAIN (boosted-trees.ts): on DEV they lift
   * confident-right at the same refusal floor by seven to ten points (README).
   */
  boost?: BoostedTrees;
  /**
   * Platt scaling fitted on DEV: the fit weighs unanswerable questions up
   * (they teach what sets them apart), which skews its raw probability; this
   * maps the raw log-odds z to slope·z + intercept, so that the probability
   * is again the share of first hits that are right. Order is kept.
   */
  calibration?: { slope: number; intercept: number };
  /** Target precision → threshold on the probability, chosen on DEV. */
  thresholds: { precision: number; threshold: number }[];
}

export function featureVector(f: ConfidenceFeatures): number[] {
  return CONFIDENCE_FEATURES.map((name) => f[name]);
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** P(first hit right) under a model. */
export function probabilityRight(x: readonly number[], model: ConfidenceModel = CONFIDENCE_MODEL): number {
  const z = logOdds(x, model);
  const c = model.calibration;
  return sigmoid(c ? c.slope * z + c.intercept : z);
}

/** The model's log-odds before calibration: linear part, plus the trees if it has them. */
export function logOdds(x: readonly number[], model: Omit<ConfidenceModel, 'thresholds'>): number {
  let z = model.bias;
  for (let i = 0; i < model.weights.length; i++) z += model.weights[i]! * ((x[i]! - model.mean[i]!) / model.scale[i]!);
  return model.boost ? z + boostedValue(model.boost, x) : z;
}

/** Platt scaling: a one-feature logistic fit (fitLogistic) of the labels on the raw log-odds, as slope and intercept. */
export function fitCalibration(rawProbabilities: readonly number[], right: readonly boolean[]): { slope: number; intercept: number } {
  const clamp = (p: number) => Math.min(1 - 1e-6, Math.max(1e-6, p));
  const z = rawProbabilities.map((p) => [Math.log(clamp(p) / (1 - clamp(p)))]);
  const fit = fitLogistic(z, right.map((r) => (r ? 1 : 0)), { l2: 0 });
  // fitLogistic works on the standardised feature: undo that.
  const slope = fit.weights[0]! / fit.scale[0]!;
  const round = (v: number) => Math.round(v * 1e5) / 1e5;
  return { slope: round(slope), intercept: round(fit.bias - slope * fit.mean[0]!) };
}

/**
 * The threshold for a target precision: that of the nearest target at least
 * as strict in the DEV table (an office asking for 0.96 gets 0.97's line).
 */
export function thresholdFor(targetPrecision: number, model: ConfidenceModel = CONFIDENCE_MODEL): number {
  const rows = [...model.thresholds].sort((a, b) => a.precision - b.precision);
  const row = rows.find((r) => r.precision >= targetPrecision - 1e-9) ?? rows[rows.length - 1];
  return row ? row.threshold : 1;
}

/** Cached: the setting is a constant. */
export const CONFIDENCE_THRESHOLD = thresholdFor(CONFIDENCE.targetPrecision);

/** The model and threshold for a first hit the entry classifier and the entry-softmax model learnt from citizens' questions. */
export const LEARNT = { model: CONFIDENCE_MODEL, threshold: CONFIDENCE_THRESHOLD } as const;

/**
 * For a first hit the entry classifier learnt but no entry-softmax model
 * knows (none trained yet, or the entry was edited since it was): the
 * features before the model's (BASE_FEATURES).
 */
export const LEARNT_BASE = { model: CONFIDENCE_MODEL_BASE, threshold: thresholdFor(CONFIDENCE.targetPrecision, CONFIDENCE_MODEL_BASE) } as const;

/**
 * For a first hit the entry classifier did not learn from citizens'
 * questions (an entry added since, or a knowledge base imported in place of
 * the shipped one), its probability, fit and none share are spread
 * differently: a model fitted on searches with such a classifier, and its
 * own threshold (EntryClassifier.learnt says which applies).
 */
export const UNLEARNT = {
  model: CONFIDENCE_MODEL_UNLEARNT,
  threshold: thresholdFor(CONFIDENCE.targetPrecision, CONFIDENCE_MODEL_UNLEARNT),
} as const;

/** Fits a logistic model by gradient descent with a little L2 (weights only), on standardised features. */
export function fitLogistic(
  rows: readonly number[][],
  labels: readonly number[],
  options: { l2?: number; iterations?: number; rate?: number; sampleWeights?: readonly number[] } = {},
): Omit<ConfidenceModel, 'thresholds'> {
  const { l2 = 0.01, iterations = 4000, rate = 0.5 } = options;
  const sw = options.sampleWeights ?? rows.map(() => 1);
  const total = sw.reduce((a, b) => a + b, 0);
  const n = rows.length;
  const d = rows[0]?.length ?? 0;
  const mean = Array.from({ length: d }, (_, j) => rows.reduce((s, r) => s + r[j]!, 0) / n);
  const scale = Array.from({ length: d }, (_, j) => Math.sqrt(rows.reduce((s, r) => s + (r[j]! - mean[j]!) ** 2, 0) / n) || 1);
  const xs = rows.map((r) => r.map((v, j) => (v - mean[j]!) / scale[j]!));
  const w = new Array<number>(d).fill(0);
  let b = 0;
  for (let it = 0; it < iterations; it++) {
    const gw = new Array<number>(d).fill(0);
    let gb = 0;
    for (let i = 0; i < n; i++) {
      const x = xs[i]!;
      let z = b;
      for (let j = 0; j < d; j++) z += w[j]! * x[j]!;
      const err = (sigmoid(z) - labels[i]!) * sw[i]!;
      gb += err;
      for (let j = 0; j < d; j++) gw[j]! += err * x[j]!;
    }
    b -= (rate * gb) / total;
    for (let j = 0; j < d; j++) w[j]! -= rate * (gw[j]! / total + l2 * w[j]!);
  }
  const round = (v: number) => Math.round(v * 1e5) / 1e5;
  return { mean: mean.map(round), scale: scale.map(round), weights: w.map(round), bias: round(b) };
}

/**
 * The lowest threshold that leaves at least `share` of the unanswerable
 * questions without a confident answer (their probabilities, from DEV).
 */
export function refusalThreshold(unanswerable: readonly number[], share: number): number {
  const sorted = [...unanswerable].sort((a, b) => b - a);
  const allowed = Math.floor((1 - share) * sorted.length + 1e-9);
  const blocking = sorted[allowed];
  return blocking === undefined ? 0 : Math.round((blocking + 0.001) * 1000) / 1000;
}

/**
 * The lowest threshold at which the share of right answers among the
 * confident ones still reaches the target. Probabilities and labels from DEV.
 */
export function chooseThreshold(probabilities: readonly number[], right: readonly boolean[], targetPrecision: number): number {
  const order = probabilities.map((p, i) => ({ p, ok: right[i]! })).sort((a, b) => b.p - a.p);
  let threshold = 1;
  let good = 0;
  for (let i = 0; i < order.length; i++) {
    if (order[i]!.ok) good++;
    const next = order[i + 1];
    // Only cut between distinct probabilities.
    if (next && next.p === order[i]!.p) continue;
    if (good / (i + 1) >= targetPrecision) threshold = order[i]!.p;
  }
  return threshold;
}
