/**
 * Gradient-boosted regression trees on top of a logistic model's log-odds:
 * the confidence gate's correction for what a linear model of the search's
 * features cannot express (a high score means little when the classifier
 * names another entry; a long question with a small lead is unlike a short
 * one with the same lead). Small trees, fitted by `npm run fit:kb-confidence`
 * and stored in confidence-model.ts as data.
 *
 * Split search runs on each feature's quantile bins, as histogram boosting
 * does; a split is stored as the raw feature value it cuts at, so scoring a
 * search needs no bins.
 */

/** A tree: a leaf's value, or a split sending x[feature] < below to `low`, the rest to `high`. */
export type Tree = number | { feature: number; below: number; low: Tree; high: Tree };

export interface BoostedTrees {
  /** Each tree's output is scaled by this before it is added to the log-odds. */
  rate: number;
  trees: Tree[];
}

export function treeValue(tree: Tree, x: readonly number[]): number {
  let node = tree;
  while (typeof node !== 'number') node = x[node.feature]! < node.below ? node.low : node.high;
  return node;
}

/** What the trees add to the log-odds of a search with features x. */
export function boostedValue(model: BoostedTrees, x: readonly number[]): number {
  let sum = 0;
  for (const tree of model.trees) sum += treeValue(tree, x);
  return model.rate * sum;
}

export interface BoostOptions {
  trees?: number;
  depth?: number;
  rate?: number;
  /** L2 on leaf values. */
  lambda?: number;
  /** Least summed hessian (about: weighted rows) on either side of a split. */
  minWeight?: number;
  bins?: number;
  sampleWeights?: readonly number[];
}

/**
 * Fits trees for logistic loss, starting from the log-odds `initial` (the
 * linear model's) for each row: each tree takes a Newton step on what is left.
 */
export function fitBoostedTrees(
  rows: readonly number[][],
  labels: readonly number[],
  initial: readonly number[],
  options: BoostOptions = {},
): BoostedTrees {
  const { trees: count = 200, depth = 2, rate = 0.05, lambda = 1, minWeight = 5, bins = 32 } = options;
  const n = rows.length;
  const d = rows[0]?.length ?? 0;
  const weights = options.sampleWeights ?? rows.map(() => 1);
  // Cut points per feature: distinct inner quantiles of its values.
  const cuts = Array.from({ length: d }, (_, j) => {
    const sorted = rows.map((r) => r[j]!).sort((a, b) => a - b);
    const points = new Set<number>();
    for (let q = 1; q < bins; q++) points.add(sorted[Math.min(n - 1, Math.floor((q / bins) * n))]!);
    return [...points].sort((a, b) => a - b);
  });
  // binOf[i][j]: how many of feature j's cut points are ≤ the row's value; x < cuts[j][k] ⇔ bin ≤ k.
  const binOf = rows.map((r) => r.map((v, j) => upperBound(cuts[j]!, v)));
  const score = [...initial];
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  const fitted: Tree[] = [];
  for (let t = 0; t < count; t++) {
    for (let i = 0; i < n; i++) {
      const p = 1 / (1 + Math.exp(-score[i]!));
      g[i] = (p - labels[i]!) * weights[i]!;
      h[i] = p * (1 - p) * weights[i]!;
    }
    const tree = grow(
      Array.from({ length: n }, (_, i) => i),
      0,
    );
    fitted.push(tree);
    for (let i = 0; i < n; i++) score[i]! += rate * treeValue(tree, rows[i]!);
  }
  return { rate, trees: fitted };

  function grow(rowsHere: number[], level: number): Tree {
    let G = 0;
    let H = 0;
    for (const i of rowsHere) {
      G += g[i]!;
      H += h[i]!;
    }
    const leaf = round(-G / (H + lambda));
    if (level === depth || rowsHere.length < 2) return leaf;
    const base = (G * G) / (H + lambda);
    let best = { gain: 0, feature: -1, bin: -1 };
    for (let j = 0; j < d; j++) {
      const gb = new Float64Array(cuts[j]!.length + 1);
      const hb = new Float64Array(cuts[j]!.length + 1);
      for (const i of rowsHere) {
        const b = binOf[i]![j]!;
        gb[b] = gb[b]! + g[i]!;
        hb[b] = hb[b]! + h[i]!;
      }
      let gl = 0;
      let hl = 0;
      for (let k = 0; k < cuts[j]!.length; k++) {
        gl += gb[k]!;
        hl += hb[k]!;
        const gr = G - gl;
        const hr = H - hl;
        if (hl < minWeight || hr < minWeight) continue;
        const gain = (gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda) - base;
        if (gain > best.gain) best = { gain, feature: j, bin: k };
      }
    }
    if (best.feature < 0) return leaf;
    const { feature, bin } = best;
    const low = rowsHere.filter((i) => binOf[i]![feature]! <= bin);
    const high = rowsHere.filter((i) => binOf[i]![feature]! > bin);
    return { feature, below: cuts[feature]![bin]!, low: grow(low, level + 1), high: grow(high, level + 1) };
  }
}

/** How many of the sorted values are ≤ v. */
function upperBound(sorted: readonly number[], v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const round = (v: number) => Math.round(v * 1e5) / 1e5;
