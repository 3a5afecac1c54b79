import { type KbIndex, type KnowledgeEntry, KnowledgeCorpus, latestSoftmax, searchKnowledge, type SearchResult, termSetsOf, type Vocabulary } from '@hotline/knowledge';

/**
 * Search over knowledge that is not live: a draft in place of its entry, or
 * the live entries under a vocabulary not yet saved. The same reranker and
 * confidence decision as citizens' search (searchKnowledge), with every
 * effective entry a candidate instead of those the search server retrieves:
 * the search server holds only what is published, and an entry it would not
 * retrieve shares none of the question's telling terms, so it scores at the
 * bottom here too.
 */
export class KnowledgeSandbox {
  readonly corpus: KnowledgeCorpus;
  readonly #index: KbIndex;

  constructor(vocabulary: Vocabulary, entries: readonly KnowledgeEntry[], today: string) {
    this.corpus = new KnowledgeCorpus(vocabulary, entries, undefined, latestSoftmax());
    const ids = entries.filter((e) => effectiveOn(e, today)).map((e) => ({ id: e.id }));
    // searchKnowledge asks its index for candidates only: here, all of them.
    const memory: Pick<KbIndex, 'uid' | 'multiSearch'> = {
      uid: 'sandbox',
      multiSearch: async () => ({ results: [{ hits: ids }] }),
    };
    this.#index = memory as KbIndex;
  }

  search(question: string, options: { limit: number; today: string }): Promise<SearchResult> {
    return searchKnowledge(this.#index, this.corpus, question, { limit: options.limit, today: options.today });
  }

  /**
   * The words of a question (as the vocabulary splits it, synonyms made
   * canonical) and whether each is one an entry is asked by: the word
   * itself, or a character pair in it, is among the terms of the entry's
   * question, alternates and keywords.
   */
  matched(question: string, entryId: string): { text: string; hit: boolean }[] {
    const asked = this.corpus.features(entryId)?.asked;
    const words = this.corpus.vocabulary.words(question);
    return words.map((w) => {
      if (!asked) return { text: w, hit: false };
      const sets = termSetsOf(this.corpus.vocabulary, [w]);
      const hit = asked.words.has(w) || [...sets.chars].some((t) => [...t].length === 2 && asked.chars.has(t));
      return { text: w, hit };
    });
  }
}

export function effectiveOn(e: Pick<KnowledgeEntry, 'effectiveFrom' | 'expiresOn'>, today: string): boolean {
  return (!e.effectiveFrom || e.effectiveFrom <= today) && (!e.expiresOn || e.expiresOn > today);
}
