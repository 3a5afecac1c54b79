import type { KnowledgeEntry } from '../entry.ts';
import { termsOf } from '../text/grams.ts';
import { pinyinTerms } from '../text/pinyin.ts';
import { givesAmount, speaksOfElsewhere } from './question-focus.ts';
import type { Vocabulary } from '../text/vocabulary.ts';
import { markdownToText } from './documents.ts';
import { EntryClassifier, type LabelledQuestion, sameTopic } from './entry-classifier.ts';
import { kbTrainingMaterial } from './kb-training.ts';
import { EntrySoftmax, type SoftmaxParts } from './entry-softmax.ts';

/** The terms a text is compared by: character bigrams, words, single characters and pinyin bigrams. */
export interface TermSets {
  chars: Set<string>;
  words: Set<string>;
  unigrams: Set<string>;
  pinyin: Set<string>;
}

export function termSetsOf(vocabulary: Vocabulary, texts: readonly string[]): TermSets {
  const sets: TermSets = { chars: new Set(), words: new Set(), unigrams: new Set(), pinyin: new Set() };
  for (const text of texts) {
    const words = vocabulary.words(text);
    const canon = words.join('');
    for (const t of termsOf(canon)) sets.chars.add(t);
    for (const w of words) sets.words.add(w);
    for (const ch of canon) sets.unigrams.add(ch);
    for (const t of pinyinTerms(canon)) sets.pinyin.add(t);
  }
  return sets;
}

/** What the reranker knows about an entry, computed once per snapshot. */
export interface EntryFeatures {
  id: string;
  entry: KnowledgeEntry;
  /** Terms of the ways of asking for it: question, alternates and keywords. */
  asked: TermSets;
  /** Terms of its answer (they count for less). */
  answerChars: Set<string>;
  answerWords: Set<string>;
  /** What a near-miss may ask that the entry does not say (question-focus.ts). */
  givesAmount: boolean;
  speaksOfElsewhere: boolean;
}

export function featuresOf(vocabulary: Vocabulary, entry: KnowledgeEntry): EntryFeatures {
  const answer = termSetsOf(vocabulary, [markdownToText(entry.answer)]);
  return {
    id: entry.id,
    entry,
    asked: termSetsOf(vocabulary, [entry.question, ...entry.alternates, ...entry.keywords]),
    answerChars: answer.chars,
    answerWords: answer.words,
    givesAmount: givesAmount(entry),
    speaksOfElsewhere: speaksOfElsewhere(entry),
  };
}

type Kind = keyof TermSets;

/**
 * The live entries as the reranker sees them, with term statistics: a term
 * that appears in many entries (办理, 申请) says little about which one a
 * citizen means; a rare one (补办, 停水) says a lot.
 */
export class KnowledgeCorpus {
  readonly vocabulary: Vocabulary;
  readonly size: number;
  readonly #features = new Map<string, EntryFeatures>();
  readonly #df: Record<Kind, Map<string, number>> = { chars: new Map(), words: new Map(), unigrams: new Map(), pinyin: new Map() };
  readonly #answerChars = new Set<string>();
  /** Which entry a question asks for, learnt from the entries' phrasings and the labelled questions. */
  readonly classifier: EntryClassifier;
  /** Per entry, the character bigrams of the labelled questions it answers, and of its near-misses. */
  readonly #askedBy = new Map<string, Set<string>[]>();
  readonly #nearMisses = new Map<string, Set<string>[]>();

  /** The discriminative model's view of these entries, when one was trained (entry-softmax.ts). */
  readonly softmax: EntrySoftmax | null;

  /**
   * `questions`: labelled citizen questions to learn from (default: the training split that ships
   * with the code); `softmax`: a trained entry-softmax model (trained on other entries, it serves
   * those phrased as it learnt them).
   */
  constructor(vocabulary: Vocabulary, entries: readonly KnowledgeEntry[], questions: readonly LabelledQuestion[] = kbTrainingMaterial(), softmax: SoftmaxParts | null = null) {
    this.vocabulary = vocabulary;
    this.softmax = softmax ? new EntrySoftmax(softmax, entries) : null;
    this.size = entries.length;
    // Each labelled question segmented once, for the classifier and for likeness().
    const termsOfQuestion = new Map(questions.map((q) => [q, termSetsOf(vocabulary, [q.q])]));
    this.classifier = new EntryClassifier(vocabulary, entries, questions, (q) => termsOfQuestion.get(q)!);
    for (const entry of entries) {
      const f = featuresOf(vocabulary, entry);
      this.#features.set(entry.id, f);
      for (const kind of Object.keys(this.#df) as Kind[]) {
        const df = this.#df[kind];
        for (const t of f.asked[kind]) df.set(t, (df.get(t) ?? 0) + 1);
      }
      for (const t of f.answerChars) this.#answerChars.add(t);
    }
    const byId = new Map(entries.map((e) => [e.id, e]));
    for (const q of questions) {
      const id = q.expected ?? q.near;
      const entry = id === undefined ? undefined : byId.get(id);
      // A question labelled against another entry under the same id (an imported knowledge base) says nothing of this one.
      if (!entry || (q.about !== undefined && !sameTopic(q.about, entry.question))) continue;
      const into = q.expected ? this.#askedBy : this.#nearMisses;
      const list = into.get(entry.id) ?? [];
      list.push(termsOfQuestion.get(q)!.chars);
      into.set(entry.id, list);
    }
  }

  /**
   * How like the labelled questions about an entry a question is (its
   * character bigrams, as a set): the largest Jaccard overlap with one the
   * entry answers, and with one of its near-misses. The confidence gate
   * learns from both: a question closer to a known near-miss than to any
   * question the entry answers asks, most likely, what its answer does not say.
   */
  likeness(id: string, bigrams: ReadonlySet<string>): { asked: number; nearMiss: number } {
    const best = (list: Set<string>[] | undefined) => {
      let top = 0;
      for (const other of list ?? []) {
        let shared = 0;
        for (const t of bigrams) if (other.has(t)) shared++;
        const union = bigrams.size + other.size - shared;
        if (union > 0 && shared / union > top) top = shared / union;
      }
      return top;
    };
    return { asked: best(this.#askedBy.get(id)), nearMiss: best(this.#nearMisses.get(id)) };
  }

  features(id: string): EntryFeatures | undefined {
    return this.#features.get(id);
  }

  all(): IterableIterator<EntryFeatures> {
    return this.#features.values();
  }

  readonly #idf: Record<Kind, Map<string, number>> = { chars: new Map(), words: new Map(), unigrams: new Map(), pinyin: new Map() };

  /** Inverse document frequency among the entries' ways of asking; a term none uses weighs most. */
  idf(kind: Kind, term: string): number {
    let value = this.#idf[kind].get(term);
    if (value === undefined) {
      value = Math.log((this.size + 1) / ((this.#df[kind].get(term) ?? 0) + 0.5));
      // Bounded: questions bring endless unseen terms.
      if (this.#idf[kind].size < 200_000) this.#idf[kind].set(term, value);
    }
    return value;
  }

  /** Whether any entry is asked for, or answered, with this character bigram. */
  knows(term: string): boolean {
    return this.#df.chars.has(term) || this.#answerChars.has(term);
  }

  knowsPinyin(term: string): boolean {
    return this.#df.pinyin.has(term);
  }
}
