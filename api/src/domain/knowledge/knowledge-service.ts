import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { type Db, kbIntakeRules, kbLearnedQuestions, kbStopWords, kbSynonymGroups } from '@hotline/db';
import {
  KbIndex,
  KnowledgeCorpus,
  kbTrainingMaterial,
  type SoftmaxParts,
  trainedSoftmax,
  type KnowledgeEntry,
  type LabelledQuestion,
  type MeiliConnection,
  normalizeText,
  type PreparedRule,
  prepareRules,
  searchKnowledge,
  type SearchResult,
  toDocument,
  Vocabulary,
} from '@hotline/knowledge';
import { asc, desc, eq } from 'drizzle-orm';
import { localDayOf } from '../calendar/local-time.ts';
import { DomainError } from '../errors.ts';
import { bumpKnowledgeGeneration, readKnowledgeGeneration } from './generation.ts';
import { liveEntries } from './internal.ts';

/** The editors' data the chains run on, held in memory between changes. */
export interface KnowledgeSnapshot {
  vocabulary: Vocabulary;
  corpus: KnowledgeCorpus;
  rules: PreparedRule[];
  /** Recent search results; they belong to this snapshot and go with it when the knowledge changes. */
  results: Map<string, SearchResult>;
  /** The knowledge generation read before the data (generation.ts): the data is at least this recent. */
  generation: number;
}

export async function loadVocabulary(db: Db): Promise<Vocabulary> {
  const [groups, stops] = await Promise.all([
    db.select().from(kbSynonymGroups).orderBy(asc(kbSynonymGroups.id)),
    db.select().from(kbStopWords).orderBy(asc(kbStopWords.word)),
  ]);
  return new Vocabulary({ synonymGroups: groups.map((g) => g.terms), stopWords: stops.map((s) => s.word) });
}

export const UNAVAILABLE_MESSAGE = '知识库搜索暂时不可用，请稍后再试';

/**
 * The knowledge base at run time: the Meilisearch index (or none, when no
 * search server is configured), the cached vocabulary, corpus statistics and
 * intake rules, and the optional language model.
 *
 * Several instances share one database and one index, each with this cache.
 * Every use of the snapshot first reads the stored knowledge generation (one
 * primary-key read, shared by the searches that arrive while it runs) and
 * reloads when it is higher than the snapshot's. The generation is bumped
 * when an edit commits and again when the index has taken it in, so: once an
 * edit is in the index (its outbox message delivered, or the editing
 * instance's immediate sync done), every search that starts afterwards, on
 * any instance, runs on a snapshot and a result cache made after that point.
 */
export class KnowledgeService {
  readonly db: Db;
  readonly index: KbIndex | null;
  readonly llm: BaseChatModel | undefined;
  readonly #ttlMs: number;
  readonly #cacheSize: number;
  #snapshot: Promise<KnowledgeSnapshot> | undefined;
  #loadedAt = 0;
  /** The generation #snapshot is known to be at least at. */
  #generation = 0;
  /** The generation read under way, and the one queued behind it (see #latestGeneration). */
  #reading: Promise<number> | undefined;
  #queued: Promise<number> | undefined;

  /**
   * Whether other processes may change the knowledge in this database
   * (PostgreSQL behind several instances). With the embedded PGlite only this
   * process can, and its own edits invalidate the cache directly, so the
   * per-search generation read is skipped: on PGlite it would queue every
   * search behind the one connection (bench:search fell from 364 to 105 req/s).
   */
  readonly #shared: boolean;

  constructor(options: {
    db: Db;
    meili: MeiliConnection | null;
    llm?: BaseChatModel | undefined;
    ttlMs?: number;
    cacheSize?: number;
    sharedDatabase?: boolean;
  }) {
    this.db = options.db;
    this.#shared = options.sharedDatabase ?? true;
    this.index = options.meili ? new KbIndex(options.meili) : null;
    this.llm = options.llm;
    this.#ttlMs = options.ttlMs ?? 60_000;
    this.#cacheSize = options.cacheSize ?? 2_000;
  }

  /**
   * The cached knowledge, reloaded when the stored generation has moved past
   * it (an edit on any instance), after a local invalidate(), and after
   * `ttlMs` in any case.
   */
  async snapshot(): Promise<KnowledgeSnapshot> {
    const generation = this.#shared ? await this.#latestGeneration() : 0;
    if (!this.#snapshot || Date.now() - this.#loadedAt > this.#ttlMs || this.#generation < generation) {
      this.#loadedAt = Date.now();
      // The load reads the generation after this caller's read, so it is at least this one.
      this.#generation = generation;
      const loading = this.#load();
      loading.then(
        (loaded) => {
          if (this.#snapshot === loading) this.#generation = Math.max(this.#generation, loaded.generation);
        },
        () => {
          if (this.#snapshot === loading) this.#snapshot = undefined;
        },
      );
      this.#snapshot = loading;
    }
    return this.#snapshot;
  }

  /**
   * The stored generation as of a read that began after this call: a read
   * already under way may have begun before an edit this caller must see,
   * so callers arriving meanwhile share the next read instead. At most two
   * reads per instance are in flight, however many searches. When the
   * database cannot be read, the cache is used as it is (0: no reload).
   */
  #latestGeneration(): Promise<number> {
    const read = () => {
      const reading: Promise<number> = readKnowledgeGeneration(this.db)
        .catch(() => 0)
        .finally(() => {
          if (this.#reading === reading) this.#reading = undefined;
        });
      this.#reading = reading;
      return reading;
    };
    if (!this.#reading) return read();
    this.#queued ??= this.#reading.then(() => {
      this.#queued = undefined;
      return read();
    });
    return this.#queued;
  }

  /** The index changed (written by this instance): every instance's cached results go. */
  async #indexChanged(): Promise<void> {
    await bumpKnowledgeGeneration(this.db, new Date());
  }

  /**
   * The intake rules and vocabulary for the filing path, which every new
   * ticket takes (its urgency): the cached snapshot as it is, without the
   * per-search generation read. A rule edited on another instance applies
   * here within ttlMs; one edited here at once (invalidate()).
   */
  intakeRules(): Promise<Pick<KnowledgeSnapshot, 'rules' | 'vocabulary'>> {
    return this.#snapshot && Date.now() - this.#loadedAt <= this.#ttlMs ? this.#snapshot : this.snapshot();
  }

  invalidate(): void {
    this.#snapshot = undefined;
  }

  /**
   * The entry-softmax model for these entries and questions. The first
   * snapshot waits for it (from the disk cache, or trained at start-up);
   * later ones, after an edit, use the model they had (it knows the entries
   * not edited) while the new one trains on a worker, and reload once it is
   * there.
   */
  async #softmaxFor(entries: readonly KnowledgeEntry[], questions: readonly LabelledQuestion[]): Promise<SoftmaxParts | null> {
    const { ready, done } = trainedSoftmax(entries, questions);
    if (ready) return (this.#softmax = ready);
    if (!this.#softmax) return (this.#softmax = await done);
    void done.then((parts) => parts && this.invalidate());
    return this.#softmax;
  }

  #softmax: SoftmaxParts | null = null;

  async #load(): Promise<KnowledgeSnapshot> {
    // Read first: data committed after this read only makes the snapshot newer than it says.
    const generation = await readKnowledgeGeneration(this.db);
    const [vocabulary, entries, rules, learned] = await Promise.all([
      loadVocabulary(this.db),
      liveEntries(this.db),
      this.db.select().from(kbIntakeRules).where(eq(kbIntakeRules.active, true)),
      learnedQuestions(this.db),
    ]);
    const questions = [...kbTrainingMaterial(), ...learned];
    const corpus = new KnowledgeCorpus(vocabulary, entries, questions, await this.#softmaxFor(entries, questions));
    return { vocabulary, corpus, rules: prepareRules(rules), results: new Map(), generation };
  }

  /** Published, currently effective entries only. Throws UNAVAILABLE when the search server cannot be reached. */
  async search(question: string, options: { limit: number; category?: string | undefined; now: Date }): Promise<SearchResult> {
    if (!this.index) throw new DomainError('UNAVAILABLE', UNAVAILABLE_MESSAGE, { reason: 'no search server configured' });
    const { corpus, results } = await this.snapshot();
    const today = localDayOf(options.now);
    // The same question asked again (citizens ask the same few things all
    // day) is answered from memory until the knowledge changes.
    const key = `${today}|${options.category ?? ''}|${options.limit}|${normalizeText(question)}`;
    const cached = results.get(key);
    if (cached) return cached;
    let result: SearchResult;
    try {
      result = await searchKnowledge(this.index, corpus, question, { limit: options.limit, category: options.category, today });
    } catch (error) {
      throw new DomainError('UNAVAILABLE', UNAVAILABLE_MESSAGE, { reason: String((error as Error).message ?? error).slice(0, 200) });
    }
    if (this.#cacheSize > 0) {
      if (results.size >= this.#cacheSize) results.delete(results.keys().next().value!);
      results.set(key, result);
    }
    return result;
  }

  /**
   * Brings entries' documents in line with the database: live → upserted,
   * otherwise removed. Reads the current rows, not the message, so replays
   * and out-of-order deliveries converge on the same index.
   */
  async syncEntries(entryIds: string[]): Promise<void> {
    this.invalidate();
    if (!this.index || entryIds.length === 0) return;
    const { vocabulary } = await this.snapshot();
    const live = await liveEntries(this.db, [...new Set(entryIds)]);
    const liveIds = new Set(live.map((e) => e.id));
    await this.index.upsert(live.map((e) => toDocument(e, vocabulary)));
    await this.index.remove([...new Set(entryIds)].filter((id) => !liveIds.has(id)));
    await this.#indexChanged();
  }

  /** Creates the index and its settings if missing, and repairs any difference from the database. */
  async prepareIndex(): Promise<{ repaired: number }> {
    if (!this.index) return { repaired: 0 };
    const { vocabulary } = await this.snapshot();
    await this.index.ensure(vocabulary);
    const report = await this.reconcile();
    const repair = [...report.missing, ...report.stale, ...report.extra];
    await this.syncEntries(repair);
    return { repaired: repair.length };
  }

  /** After a vocabulary change: new settings and every document recomputed (their canonical forms changed). */
  async syncVocabulary(): Promise<void> {
    if (!this.index) return;
    this.invalidate();
    const { vocabulary } = await this.snapshot();
    await this.index.ensure(vocabulary);
    const entries = await liveEntries(this.db);
    await this.index.upsert(entries.map((e) => toDocument(e, vocabulary)));
    await this.#indexChanged();
  }

  /** Builds the index from scratch from the database and swaps it in. */
  async rebuild(): Promise<{ documents: number }> {
    if (!this.index) throw new DomainError('UNAVAILABLE', '未配置搜索服务');
    this.invalidate();
    const { vocabulary } = await this.snapshot();
    const entries = await liveEntries(this.db);
    await this.index.rebuild(vocabulary, entries.map((e) => toDocument(e, vocabulary)));
    await this.#indexChanged();
    return { documents: entries.length };
  }

  /** Differences between the database (source of truth) and the index. */
  async reconcile(): Promise<{ missing: string[]; extra: string[]; stale: string[]; inSync: boolean; documents: number }> {
    if (!this.index) throw new DomainError('UNAVAILABLE', '未配置搜索服务');
    const { vocabulary } = await this.snapshot();
    const expected = new Map((await liveEntries(this.db)).map((e) => [e.id, toDocument(e, vocabulary).hash]));
    let actual: Map<string, string>;
    try {
      actual = await this.index.fingerprints();
    } catch (error) {
      throw new DomainError('UNAVAILABLE', UNAVAILABLE_MESSAGE, { reason: String((error as Error).message).slice(0, 200) });
    }
    const missing = [...expected.keys()].filter((id) => !actual.has(id)).sort();
    const extra = [...actual.keys()].filter((id) => !expected.has(id)).sort();
    const stale = [...expected.entries()].filter(([id, hash]) => actual.has(id) && actual.get(id) !== hash).map(([id]) => id).sort();
    return { missing, extra, stale, inSync: missing.length + extra.length + stale.length === 0, documents: actual.size };
  }
}

/** How many of the office's labelled questions the classifier learns from (the latest). */
const LEARNED_LIMIT = 20_000;

/**
 * Citizens' words staff answered from an entry (kb_learned_questions): the
 * entry classifier learns from them beside the shipped training questions,
 * from the next reload of the snapshot (a knowledge edit, the nightly
 * retraining, `npm run admin -- retrain-intake`).
 */
async function learnedQuestions(db: Db): Promise<LabelledQuestion[]> {
  const rows = await db
    .select({ q: kbLearnedQuestions.question, expected: kbLearnedQuestions.entryId })
    .from(kbLearnedQuestions)
    .orderBy(desc(kbLearnedQuestions.createdAt))
    .limit(LEARNED_LIMIT);
  return rows;
}
