import { normalizeText } from '../text/normalize.ts';
import type { SparseVector } from './linear.ts';

/**
 * Street addresses and estate names (人民路88号, 幸福小区5号楼): where, not
 * what. Left in, the model learns that 小区 and 号楼 mean housing matters.
 */
const ADDRESS_LIKE =
  /[\p{Script=Han}\d]{2,12}?(?:路|街|大道|巷|胡同|弄)\d+(?:号|弄)(?:\d+(?:号楼|栋|幢|单元|室))*|[\p{Script=Han}]{2,6}(?:小区|花园|家园|新村|大厦|公寓)(?:\d+(?:号楼|栋|幢|单元|室))*|\d+(?:号楼|栋|幢|单元|室)/gu;

/**
 * What the model sees of a message: character 1–3-grams of the normalised
 * text without addresses (simplified, lower case, no punctuation), with the start and end
 * marked, plus the punctuation the normaliser drops but which says something
 * about the request (a question mark, an exclamation). Character n-grams
 * need no segmenter and still see typos, dialect words and mixed English.
 */
export function messageFeatures(raw: string): string[] {
  const chars = [...normalizeText(raw.replace(ADDRESS_LIKE, ' '))];
  const padded = ['^', ...chars, '$'];
  const out = new Set<string>(chars);
  for (let i = 0; i + 1 < padded.length; i++) {
    out.add(padded[i]! + padded[i + 1]!);
    if (i + 2 < padded.length) out.add(padded[i]! + padded[i + 1]! + padded[i + 2]!);
  }
  if (/[?？]/.test(raw)) out.add('#question');
  if (/[!！]/.test(raw)) out.add('#exclaim');
  out.add(chars.length < 15 ? '#short' : chars.length < 60 ? '#medium' : '#long');
  return [...out];
}

/** Feature names to indexes, fixed when trained; unseen features are ignored. */
export class FeatureSpace {
  private readonly index = new Map<string, number>();

  /** Keeps features seen in at least `minCount` training texts. */
  static fit(featureLists: readonly (readonly string[])[], minCount = 2): FeatureSpace {
    const counts = new Map<string, number>();
    for (const list of featureLists) for (const f of list) counts.set(f, (counts.get(f) ?? 0) + 1);
    const space = new FeatureSpace();
    for (const [f, c] of counts) if (c >= minCount) space.index.set(f, space.index.size);
    return space;
  }

  get size(): number {
    return this.index.size;
  }

  /** Binary features scaled to unit length, so long rants and terse titles weigh alike. */
  vector(raw: string): SparseVector {
    return this.vectorOf(messageFeatures(raw));
  }

  vectorOf(features: readonly string[]): SparseVector {
    const found: number[] = [];
    for (const f of features) {
      const i = this.index.get(f);
      if (i !== undefined) found.push(i);
    }
    const value = new Float32Array(found.length).fill(found.length ? 1 / Math.sqrt(found.length) : 0);
    return { index: Int32Array.from(found), value };
  }
}
