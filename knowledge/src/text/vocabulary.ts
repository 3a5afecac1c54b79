import { normalizeMarkingBreaks, normalizeText } from './normalize.ts';
import { segment, teachWords } from './segmenter.ts';

export interface VocabularyData {
  /** Each group's first term is the canonical one the others mean. */
  synonymGroups: readonly (readonly string[])[];
  stopWords: readonly string[];
}

/**
 * Canonicalises text with the editors' synonym groups and stop words, word
 * by word: the text is segmented (jieba, taught the synonyms and stop
 * words it does not know), stop words are dropped and every synonym is replaced by its
 * canonical term. Working on words, not substrings, keeps 办理 whole in
 * 怎么办理 (怎么办 is a stop word) and 产假 in 产假期间 (假期 is a synonym).
 */
export class Vocabulary {
  readonly data: VocabularyData;
  readonly #canonical = new Map<string, string>();
  readonly #stop = new Set<string>();

  constructor(data: VocabularyData) {
    this.data = data;
    for (const word of data.stopWords) {
      const key = normalizeText(word);
      if (key) this.#stop.add(key);
    }
    for (const group of data.synonymGroups) {
      const canonical = normalizeText(group[0] ?? '');
      if (!canonical) continue;
      for (const term of group) {
        const key = normalizeText(term);
        if (!key) continue;
        // A term in a synonym group wins over the same term listed as a stop word.
        this.#stop.delete(key);
        this.#canonical.set(key, canonical);
      }
    }
    teachWords([...this.#stop, ...this.#canonical.keys()]);
  }

  /** The question's words, normalised, synonyms canonical, stop words removed. */
  words(raw: string): string[] {
    const text = normalizeText(raw);
    if (!text) return [];
    const out: string[] = [];
    for (const token of segment(text)) {
      const word = this.#canonicalWord(token);
      if (word !== null) out.push(word);
    }
    return out;
  }

  /** A segmented word as canonical text: null for a stop word, the canonical term for a synonym. */
  #canonicalWord(token: string): string | null {
    return this.#stop.has(token) ? null : (this.#canonical.get(token) ?? token);
  }

  /**
   * Like canonicalize, but keeps `mark` where the text's clauses met
   * (normalizeMarkingBreaks), so words of two clauses never join.
   */
  canonicalizeMarkingBreaks(raw: string, mark: string): string {
    const text = normalizeMarkingBreaks(raw, mark);
    if (!text) return '';
    let out = '';
    for (const token of segment(text)) {
      if (token === mark) {
        if (out && !out.endsWith(mark)) out += mark;
        continue;
      }
      out += this.#canonicalWord(token) ?? '';
    }
    return out.endsWith(mark) ? out.slice(0, -mark.length) : out;
  }

  /** Normalised text with synonyms made canonical and stop words removed. */
  canonicalize(raw: string): string {
    return this.words(raw).join('');
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
