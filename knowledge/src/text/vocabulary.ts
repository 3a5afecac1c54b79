import { normalizeText } from './normalize.ts';

export interface VocabularyData {
  /** Each group's first term is the canonical one the others mean. */
  synonymGroups: readonly (readonly string[])[];
  stopWords: readonly string[];
}

/** Sentence particles that never carry a question's topic. */
const PARTICLES = new Set(['吗', '呢', '吧', '啊', '呀', '哦', '嘛', '啦', '哈', '呐', '噢']);

interface Match {
  length: number;
  replacement: string;
}

/**
 * Canonicalises text with the editors' synonym groups and stop words: a
 * greedy longest-match scan that replaces every synonym with its canonical
 * term and drops stop words. Longest match first, so 的士 (a taxi) is read
 * as a word before 的 could be dropped as a filler.
 */
export class Vocabulary {
  readonly #byFirstChar = new Map<string, Map<string, string>>();
  readonly #maxLength: number;
  readonly data: VocabularyData;

  constructor(data: VocabularyData) {
    this.data = data;
    let max = 1;
    const add = (term: string, replacement: string) => {
      const key = normalizeText(term);
      if (!key) return;
      const first = key[0]!;
      let bucket = this.#byFirstChar.get(first);
      if (!bucket) this.#byFirstChar.set(first, (bucket = new Map()));
      // A term in a synonym group wins over the same term listed as a stop word.
      if (!bucket.has(key) || replacement !== '') bucket.set(key, replacement);
      max = Math.max(max, [...key].length);
    };
    for (const word of data.stopWords) {
      // A single character is dropped only if it cannot start or end a word
      // of the question (a final 吗 or 呢); 请 in 申请 or 的 in 目的 must stay.
      if ([...normalizeText(word)].length === 1 && !PARTICLES.has(normalizeText(word))) continue;
      add(word, '');
    }
    for (const group of data.synonymGroups) {
      const canonical = normalizeText(group[0] ?? '');
      if (!canonical) continue;
      for (const term of group) add(term, canonical);
    }
    this.#maxLength = max;
  }

  #matchAt(chars: string[], i: number): Match | undefined {
    const bucket = this.#byFirstChar.get(chars[i]!);
    if (!bucket) return undefined;
    for (let length = Math.min(this.#maxLength, chars.length - i); length >= 1; length--) {
      const candidate = chars.slice(i, i + length).join('');
      const replacement = bucket.get(candidate);
      if (replacement !== undefined) return { length, replacement };
    }
    return undefined;
  }

  /** Normalised text with synonyms made canonical and stop words removed. */
  canonicalize(raw: string): string {
    const chars = [...normalizeText(raw)];
    let out = '';
    for (let i = 0; i < chars.length; ) {
      const match = this.#matchAt(chars, i);
      if (match) {
        out += match.replacement;
        i += match.length;
      } else {
        out += chars[i];
        i += 1;
      }
    }
    return out;
  }

  /** Synonym groups as Meilisearch wants them: every term mapped to the others. */
  meiliSynonyms(): Record<string, string[]> {
    const result: Record<string, string[]> = {};
    for (const group of this.data.synonymGroups) {
      const terms = [...new Set(group.map((t) => normalizeText(t)).filter(Boolean))];
      for (const term of terms) result[term] = [...new Set([...(result[term] ?? []), ...terms.filter((t) => t !== term)])];
    }
    return result;
  }
}
