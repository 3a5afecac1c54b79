import { normalizeText } from '../text/normalize.ts';
import type { SparseVector } from './linear.ts';

/**
 * Street addresses and estate names (人民路88号, 幸福小区5号楼): where, not
 * what. Left in, the model learns that 小区 and 号楼 mean housing matters.
 */
const ADDRESS_LIKE =
  /[\p{Script=Han}\d]{2,12}?(?:路|街|大道|巷|胡同|弄)\d+(?:号|弄)(?:\d+(?:号楼|栋|幢|单元|室))*|[\p{Script=Han}]{2,6}(?:小区|花园|家园|新村|大厦|公寓)(?:\d+(?:号楼|栋|幢|单元|室))*|\d+(?:号楼|栋|幢|单元|室)/gu;

/** Start and end of a message, as code points that no normalised text holds. */
const START = 0x02;
const END = 0x03;
/** The punctuation and length marks, as ids below every n-gram's. */
const QUESTION = -1;
const EXCLAIM = -2;
const LENGTH = [-3, -4, -5] as const;
/** Single characters keep their code point (below 2^21); longer n-grams are hashed into [2^21, 2^30), small integers V8 keeps unboxed. */
const GRAM_BASE = 1 << 21;
const GRAM_SPAN = (1 << 30) - GRAM_BASE;

/** FNV-1a over code points: two or three characters to one number; among the few hundred thousand n-grams seen, a clash is rare and harmless. */
function gramId(a: number, b: number, c = -1): number {
  let h = Math.imul(0x811c9dc5 ^ a, 0x01000193);
  h = Math.imul(h ^ b, 0x01000193);
  if (c >= 0) h = Math.imul(h ^ c, 0x01000193);
  return GRAM_BASE + ((h >>> 0) % GRAM_SPAN);
}

/**
 * What the model sees of a message: character 1–3-grams of the normalised
 * text without addresses (simplified, lower case, no punctuation), with the start and end
 * marked, plus the punctuation the normaliser drops but which says something
 * about the request (a question mark, an exclamation) and the length. Character n-grams
 * need no segmenter and still see typos, dialect words and mixed English.
 * Features are numbers, not strings: counting and looking up a few hundred
 * thousand of them at start-up is several times faster.
 */
export function messageFeatures(raw: string): number[] {
  const text = normalizeText(raw.replace(ADDRESS_LIKE, ' '));
  const points: number[] = [START];
  for (const ch of text) points.push(ch.codePointAt(0)!);
  points.push(END);
  const out = new Set<number>();
  for (let i = 1; i < points.length - 1; i++) out.add(points[i]!);
  for (let i = 0; i + 1 < points.length; i++) {
    out.add(gramId(points[i]!, points[i + 1]!));
    if (i + 2 < points.length) out.add(gramId(points[i]!, points[i + 1]!, points[i + 2]!));
  }
  if (/[?？]/.test(raw)) out.add(QUESTION);
  if (/[!！]/.test(raw)) out.add(EXCLAIM);
  const length = points.length - 2;
  out.add(length < 15 ? LENGTH[0] : length < 60 ? LENGTH[1] : LENGTH[2]);
  return [...out];
}

/** Feature ids to indexes, fixed when trained; unseen features are ignored. */
export class FeatureSpace {
  private readonly index = new Map<number, number>();

  /** Keeps features seen in at least `minCount` training texts. */
  static fit(featureLists: readonly (readonly number[])[], minCount = 2): FeatureSpace {
    const counts = new Map<number, number>();
    for (const list of featureLists) for (const f of list) counts.set(f, (counts.get(f) ?? 0) + 1);
    const space = new FeatureSpace();
    for (const [f, c] of counts) if (c >= minCount) space.index.set(f, space.index.size);
    return space;
  }

  get size(): number {
    return this.index.size;
  }

  /** The feature ids in index order: all a trained space is. */
  keys(): Int32Array {
    return Int32Array.from(this.index.keys());
  }

  static fromKeys(keys: Int32Array): FeatureSpace {
    const space = new FeatureSpace();
    for (const k of keys) space.index.set(k, space.index.size);
    return space;
  }

  /** Binary features scaled to unit length, so long rants and terse titles weigh alike. */
  vector(raw: string): SparseVector {
    return this.vectorOf(messageFeatures(raw));
  }

  vectorOf(features: readonly number[]): SparseVector {
    const found: number[] = [];
    for (const f of features) {
      const i = this.index.get(f);
      if (i !== undefined) found.push(i);
    }
    const value = new Float32Array(found.length).fill(found.length ? 1 / Math.sqrt(found.length) : 0);
    return { index: Int32Array.from(found), value };
  }
}
