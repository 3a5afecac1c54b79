import type { KnowledgeEntry } from '../entry.ts';
import { termsOf } from '../text/grams.ts';
import type { Vocabulary } from '../text/vocabulary.ts';

/**
 * Term statistics over the live entries, for weighting the reranker: a
 * bigram that appears in many entries (办理, 申请) says little about which
 * one a citizen means; a rare one (补办, 停水) says a lot.
 */
export class KnowledgeCorpus {
  readonly vocabulary: Vocabulary;
  readonly size: number;
  readonly #df = new Map<string, number>();

  constructor(vocabulary: Vocabulary, entries: readonly KnowledgeEntry[]) {
    this.vocabulary = vocabulary;
    this.size = entries.length;
    for (const entry of entries) {
      const terms = new Set<string>();
      for (const text of [entry.question, ...entry.alternates, ...entry.keywords]) {
        for (const t of termsOf(vocabulary.canonicalize(text))) terms.add(t);
      }
      for (const t of terms) this.#df.set(t, (this.#df.get(t) ?? 0) + 1);
    }
  }

  /** Inverse document frequency; a term no entry uses weighs most. */
  idf(term: string): number {
    const df = this.#df.get(term) ?? 0;
    return Math.log((this.size + 1) / (df + 0.5));
  }
}
