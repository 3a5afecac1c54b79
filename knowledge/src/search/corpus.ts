import type { KnowledgeEntry } from '../entry.ts';
import { termsOf } from '../text/grams.ts';
import { pinyinTerms } from '../text/pinyin.ts';
import type { Vocabulary } from '../text/vocabulary.ts';
import { markdownToText } from './documents.ts';

/** One way of asking for an entry (its question or an alternate), as compared. */
export interface Phrasing {
  text: string;
  canon: string;
  chars: Set<string>;
  pinyin: Set<string>;
}

/** What the reranker knows about an entry, computed once per snapshot. */
export interface EntryFeatures {
  id: string;
  entry: KnowledgeEntry;
  phrasings: Phrasing[];
  chars: Set<string>;
  pinyin: Set<string>;
  answerChars: Set<string>;
}

export function phrasingOf(vocabulary: Vocabulary, text: string): Phrasing {
  const canon = vocabulary.canonicalize(text);
  return { text, canon, chars: new Set(termsOf(canon)), pinyin: new Set(pinyinTerms(canon)) };
}

export function featuresOf(vocabulary: Vocabulary, entry: KnowledgeEntry): EntryFeatures {
  const phrasings = [entry.question, ...entry.alternates].map((t) => phrasingOf(vocabulary, t)).filter((p) => p.canon);
  // Keywords belong to the entry's vocabulary but are no way of asking: a
  // question mentioning 物业 is not thereby the question of every entry tagged 物业.
  const keywords = entry.keywords.map((t) => phrasingOf(vocabulary, t));
  const chars = new Set<string>();
  const pinyin = new Set<string>();
  for (const p of [...phrasings, ...keywords]) {
    for (const t of p.chars) chars.add(t);
    for (const t of p.pinyin) pinyin.add(t);
  }
  return { id: entry.id, entry, phrasings, chars, pinyin, answerChars: new Set(termsOf(vocabulary.canonicalize(markdownToText(entry.answer)))) };
}

/**
 * The live entries as the reranker sees them, with term statistics: a
 * bigram that appears in many entries (办理, 申请) says little about which
 * one a citizen means; a rare one (补办, 停水) says a lot.
 */
export class KnowledgeCorpus {
  readonly vocabulary: Vocabulary;
  readonly size: number;
  readonly #features = new Map<string, EntryFeatures>();
  readonly #df = new Map<string, number>();
  readonly #dfPinyin = new Map<string, number>();
  readonly #dfAnswer = new Map<string, number>();

  constructor(vocabulary: Vocabulary, entries: readonly KnowledgeEntry[]) {
    this.vocabulary = vocabulary;
    this.size = entries.length;
    const count = (df: Map<string, number>, terms: Iterable<string>) => {
      for (const t of terms) df.set(t, (df.get(t) ?? 0) + 1);
    };
    for (const entry of entries) {
      const f = featuresOf(vocabulary, entry);
      this.#features.set(entry.id, f);
      count(this.#df, f.chars);
      count(this.#dfPinyin, f.pinyin);
      count(this.#dfAnswer, f.answerChars);
    }
  }

  features(id: string): EntryFeatures | undefined {
    return this.#features.get(id);
  }

  #idf(df: Map<string, number>, term: string): number {
    return Math.log((this.size + 1) / ((df.get(term) ?? 0) + 0.5));
  }

  /** Inverse document frequency of a bigram among the entries' phrasings; a term no entry uses weighs most. */
  idf(term: string): number {
    return this.#idf(this.#df, term);
  }

  idfPinyin(term: string): number {
    return this.#idf(this.#dfPinyin, term);
  }

  /** Whether any entry's phrasings, or failing that its answer, use the term. */
  knows(term: string): boolean {
    return this.#df.has(term) || this.#dfAnswer.has(term);
  }

  knowsPinyin(term: string): boolean {
    return this.#dfPinyin.has(term);
  }
}
