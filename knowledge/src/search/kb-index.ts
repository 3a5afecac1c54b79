import http from 'node:http';
import { Meilisearch, type Settings } from 'meilisearch';
import type { Vocabulary } from '../text/vocabulary.ts';
import type { KbDocument } from './documents.ts';

export interface MeiliConnection {
  url: string;
  apiKey: string;
  /** Index uid; several deployments (or tests) can share a server with different uids. */
  indexUid: string;
}

const TASK_TIMEOUT_MS = 30_000;

/** Settings tuned for colloquial Chinese questions; see kb-search.ts for how queries use them. */
export function indexSettings(vocabulary: Vocabulary): Settings {
  return {
    searchableAttributes: ['question', 'alternates', 'canon', 'keywords', 'grams', 'py', 'answer_text'],
    displayedAttributes: ['id', 'question', 'alternates', 'keywords', 'answer', 'category', 'subcategory', 'unit', 'canon', 'version', 'hash'],
    filterableAttributes: ['category', 'subcategory', 'effective_day', 'expires_day', 'gram_terms', 'py_terms'],
    localizedAttributes: [{ attributePatterns: ['*'], locales: ['cmn'] }],
    // Synonyms are applied by our canonicalisation, to the indexed phrasings
    // and to every question alike. Meilisearch's own query-time expansion of
    // the editors' few hundred groups made each query ten times slower
    // (≈17 ms instead of ≈1 ms here) and adds nothing to the canonical fields.
    synonyms: {},
    stopWords: [...vocabulary.data.stopWords],
    // Chinese words are short: typo tolerance by word length would only add noise.
    typoTolerance: { enabled: true, minWordSizeForTypos: { oneTypo: 5, twoTypos: 9 } },
    pagination: { maxTotalHits: 200 },
  };
}

export class SearchRequestError extends Error {
  override name = 'SearchRequestError';
  readonly code: string | undefined;
  constructor(message: string, code?: string) {
    super(message);
    this.code = code;
  }
}

/** The search index of live knowledge entries on a Meilisearch server. */
export class KbIndex {
  readonly client: Meilisearch;
  readonly uid: string;
  readonly #url: URL;
  readonly #apiKey: string;
  // Searches are the hot path: a keep-alive node:http agent costs a third
  // of the CPU of fetch per request. Everything else goes through the
  // official client.
  readonly #agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

  constructor(connection: MeiliConnection) {
    this.#url = new URL(connection.url);
    this.#apiKey = connection.apiKey;
    this.client = new Meilisearch({
      host: connection.url,
      apiKey: connection.apiKey,
      timeout: 5_000,
      // Uncompressed answers: a gzip-encoded, chunked response stalls for
      // ≈40 ms on each request (delayed ACK against its last small chunk),
      // turning a 3 ms search into 45 ms; the search server is on a near network anyway.
      requestInit: { headers: { 'Accept-Encoding': 'identity' } },
    });
    this.uid = connection.indexUid;
  }

  /** POST /multi-search; the ids and ranking scores of each query's hits. */
  multiSearch(queries: object[], timeoutMs = 3_000): Promise<{ results: { hits: { id: string }[] }[] }> {
    const body = JSON.stringify({ queries });
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          protocol: this.#url.protocol,
          host: this.#url.hostname,
          port: this.#url.port,
          path: `${this.#url.pathname.replace(/\/$/, '')}/multi-search`,
          method: 'POST',
          agent: this.#url.protocol === 'http:' ? this.#agent : undefined,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            authorization: `Bearer ${this.#apiKey}`,
            'accept-encoding': 'identity',
          },
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let json: { results?: { hits: { id: string }[] }[]; message?: string; code?: string };
            try {
              json = JSON.parse(text);
            } catch {
              reject(new SearchRequestError(`search server answered ${res.statusCode} with no JSON`));
              return;
            }
            if (res.statusCode !== 200 || !json.results) reject(new SearchRequestError(json.message ?? `search failed (${res.statusCode})`, json.code));
            else resolve({ results: json.results });
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new SearchRequestError('search server timed out')));
      req.on('error', reject);
      req.end(body);
    });
  }

  index(uid = this.uid) {
    return this.client.index<KbDocument>(uid);
  }

  async ensure(vocabulary: Vocabulary): Promise<void> {
    const exists = await this.client.getIndex(this.uid).then(
      () => true,
      () => false,
    );
    if (!exists) await this.client.createIndex(this.uid, { primaryKey: 'id' }).waitTask({ timeout: TASK_TIMEOUT_MS });
    await this.applySettings(vocabulary);
  }

  async applySettings(vocabulary: Vocabulary, uid = this.uid): Promise<void> {
    const task = await this.index(uid).updateSettings(indexSettings(vocabulary)).waitTask({ timeout: TASK_TIMEOUT_MS });
    if (task.status !== 'succeeded') throw new Error(`settings update ${task.status}: ${JSON.stringify(task.error)}`);
  }

  async upsert(documents: KbDocument[]): Promise<void> {
    if (documents.length === 0) return;
    const task = await this.index().addDocuments(documents, { primaryKey: 'id' }).waitTask({ timeout: TASK_TIMEOUT_MS });
    if (task.status !== 'succeeded') throw new Error(`document update ${task.status}: ${JSON.stringify(task.error)}`);
  }

  async remove(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const task = await this.index().deleteDocuments(ids).waitTask({ timeout: TASK_TIMEOUT_MS });
    if (task.status !== 'succeeded') throw new Error(`document deletion ${task.status}: ${JSON.stringify(task.error)}`);
  }

  /** id → hash of every document in the index. */
  async fingerprints(): Promise<Map<string, string>> {
    const result = new Map<string, string>();
    const limit = 1000;
    for (let offset = 0; ; offset += limit) {
      const page = await this.index().getDocuments({ fields: ['id', 'hash'], limit, offset });
      for (const doc of page.results) result.set(doc.id, doc.hash);
      if (page.results.length < limit) return result;
    }
  }

  /**
   * Builds a fresh index beside the live one and swaps them, so searches
   * never see a half-built index; the old one is then deleted.
   */
  async rebuild(vocabulary: Vocabulary, documents: KbDocument[]): Promise<void> {
    const fresh = `${this.uid}_rebuild_${Date.now()}`;
    await this.client.createIndex(fresh, { primaryKey: 'id' }).waitTask({ timeout: TASK_TIMEOUT_MS });
    try {
      await this.applySettings(vocabulary, fresh);
      for (let i = 0; i < documents.length; i += 500) {
        const task = await this.index(fresh)
          .addDocuments(documents.slice(i, i + 500), { primaryKey: 'id' })
          .waitTask({ timeout: TASK_TIMEOUT_MS });
        if (task.status !== 'succeeded') throw new Error(`rebuild ${task.status}: ${JSON.stringify(task.error)}`);
      }
      const exists = await this.client.getIndex(this.uid).then(
        () => true,
        () => false,
      );
      if (!exists) await this.client.createIndex(this.uid, { primaryKey: 'id' }).waitTask({ timeout: TASK_TIMEOUT_MS });
      const swap = await this.client.swapIndexes([{ indexes: [this.uid, fresh], rename: false }]).waitTask({ timeout: TASK_TIMEOUT_MS });
      if (swap.status !== 'succeeded') throw new Error(`swap ${swap.status}: ${JSON.stringify(swap.error)}`);
    } finally {
      await this.client.deleteIndex(fresh).waitTask({ timeout: TASK_TIMEOUT_MS }).catch(() => undefined);
    }
  }
}
