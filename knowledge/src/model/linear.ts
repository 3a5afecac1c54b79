/**
 * A small multinomial logistic regression over sparse binary features,
 * written here rather than taken from npm: a few hundred lines of maths we
 * can read, no native code, no network, and it trains on a few thousand
 * messages in well under a second.
 *
 * Classes may be grouped (second-level categories under their first level):
 * a grouped model normalises only among the classes of one group, so it
 * learns p(subcategory | category) and is trained and asked within a group.
 */

/** A sparse feature vector: feature indexes and their values (already scaled). */
export interface SparseVector {
  index: Int32Array;
  value: Float32Array;
}

export interface LinearOptions {
  epochs: number;
  /** Adagrad's base step. */
  rate: number;
  /** L2 penalty per update on the weights an example touches. */
  l2: number;
  seed: number;
}

export const LINEAR_DEFAULTS: LinearOptions = { epochs: 6, rate: 0.5, l2: 1e-5, seed: 12345 };

/** A trained model's arrays as they are (no copy), for handing it from a worker thread to another. */
export interface LinearModelParts {
  classes: string[];
  groups: number[][];
  features: number;
  weights: Float32Array;
  bias: Float32Array;
}

/** Deterministic pseudo-random numbers (mulberry32): the same data trains the same model. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class LinearModel {
  readonly classes: readonly string[];
  /** Class indexes per group; one group holding every class when ungrouped. */
  readonly groups: readonly (readonly number[])[];
  private readonly groupOf: Int32Array;
  private readonly features: number;
  private readonly weights: Float32Array;
  private readonly bias: Float32Array;

  constructor(classes: readonly string[], features: number, groups?: readonly (readonly number[])[], weights?: Float32Array, bias?: Float32Array) {
    this.classes = classes;
    this.features = features;
    this.groups = groups ?? [classes.map((_, i) => i)];
    this.groupOf = new Int32Array(classes.length).fill(-1);
    this.groups.forEach((g, gi) => g.forEach((c) => (this.groupOf[c] = gi)));
    this.weights = weights ?? new Float32Array(features * classes.length);
    this.bias = bias ?? new Float32Array(classes.length);
  }

  /** Trains on examples (vector, class index); several passes in a seeded order. */
  static train(classes: readonly string[], features: number, examples: readonly { x: SparseVector; y: number }[], options: Partial<LinearOptions> = {}, groups?: readonly (readonly number[])[]): LinearModel {
    const o = { ...LINEAR_DEFAULTS, ...options };
    const model = new LinearModel(classes, features, groups);
    const K = classes.length;
    const squared = new Float32Array(features * K).fill(1e-6);
    const biasSquared = new Float32Array(K).fill(1e-6);
    const order = examples.map((_, i) => i);
    const random = seededRandom(o.seed);
    const buffer = new Float64Array(Math.max(...model.groups.map((g) => g.length)));
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      for (const n of order) {
        const { x, y } = examples[n]!;
        const group = model.groups[model.groupOf[y]!]!;
        const p = model.groupProbabilities(x, group, buffer);
        for (let g = 0; g < group.length; g++) {
          const k = group[g]!;
          const gradient = p[g]! - (k === y ? 1 : 0);
          // An example the model already gets right with room to spare teaches nothing: skipping it keeps training fast.
          if (Math.abs(gradient) < 0.01) continue;
          biasSquared[k]! += gradient * gradient;
          model.bias[k]! -= (o.rate * gradient) / Math.sqrt(biasSquared[k]!);
          for (let f = 0; f < x.index.length; f++) {
            const at = x.index[f]! * K + k;
            const step = gradient * x.value[f]! + o.l2 * model.weights[at]!;
            squared[at]! += step * step;
            model.weights[at]! -= (o.rate * step) / Math.sqrt(squared[at]!);
          }
        }
      }
    }
    return model;
  }

  /** Softmax over the classes of one group (into `into` when given: training reuses one buffer). */
  private groupProbabilities(x: SparseVector, group: readonly number[], into?: Float64Array): Float64Array {
    const K = this.classes.length;
    const scores = into ?? new Float64Array(group.length);
    let max = -Infinity;
    for (let g = 0; g < group.length; g++) {
      const k = group[g]!;
      let s = this.bias[k]!;
      for (let f = 0; f < x.index.length; f++) s += this.weights[x.index[f]! * K + k]! * x.value[f]!;
      scores[g] = s;
      if (s > max) max = s;
    }
    let sum = 0;
    for (let g = 0; g < group.length; g++) sum += scores[g] = Math.exp(scores[g]! - max);
    for (let g = 0; g < group.length; g++) scores[g]! /= sum;
    return scores;
  }

  /** Probabilities of every class (grouped models: within `groupOfClass`'s group, others 0). */
  probabilities(x: SparseVector, groupOfClass?: string): Map<string, number> {
    let group = this.groups[0]!;
    if (groupOfClass !== undefined) {
      const k = this.classes.indexOf(groupOfClass);
      group = k >= 0 ? this.groups[this.groupOf[k]!]! : [];
    }
    const p = group.length ? this.groupProbabilities(x, group) : new Float64Array(0);
    return new Map(group.map((k, g) => [this.classes[k]!, p[g]!]));
  }

  parts(): LinearModelParts {
    return { classes: [...this.classes], groups: this.groups.map((g) => [...g]), features: this.features, weights: this.weights, bias: this.bias };
  }

  static fromParts(p: LinearModelParts): LinearModel {
    return new LinearModel(p.classes, p.features, p.groups, p.weights, p.bias);
  }
}
