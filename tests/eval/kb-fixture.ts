import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPglite } from '@hotline/db';
import { type EmbeddedMeili, startEmbeddedMeili } from '@hotline/knowledge';
import type { DomainContext } from '../../api/src/domain/context.ts';
import { KnowledgeService } from '../../api/src/domain/knowledge/knowledge-service.ts';
import { KB_TOPICS } from '../../api/src/domain/knowledge/outbox.ts';
import { OutboxWorker } from '../../api/src/domain/outbox/outbox-worker.ts';
import { loadRules } from '../../api/src/domain/settings/rules.ts';
import { seedKnowledge } from '../../api/src/seed/knowledge.ts';
import { seedReferenceData } from '../../api/src/seed/seed.ts';
import { kbDevQuestions, kbSplitTrainQuestions } from '../../knowledge/src/search/kb-training.ts';

/** The knowledge base as `npm start` loads it, on an in-memory database and a Meilisearch of its own. */
export async function openKnowledgeFixture() {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-eval-'));
  const meili: EmbeddedMeili = await startEmbeddedMeili({ dir: join(dir, 'meili') });
  const database = await openPglite();
  await database.migrate();
  await seedReferenceData(database.db);
  const ctx: DomainContext = { db: database.db, actor: { kind: 'system', job: 'eval' }, now: () => new Date(), rules: await loadRules(database.db) };
  await seedKnowledge(ctx);
  const knowledge = new KnowledgeService({ db: database.db, meili: { url: meili.url, apiKey: meili.masterKey, indexUid: 'kb_eval' }, cacheSize: 0 });
  await knowledge.prepareIndex();
  await new OutboxWorker(database.db)
    .onBatch(KB_TOPICS.entryChanged, (m) => knowledge.syncEntries(m.map((x) => String(x.payload.entryId))))
    .onBatch(KB_TOPICS.vocabularyChanged, () => knowledge.syncVocabulary())
    .drain();
  return {
    ctx,
    knowledge,
    meili,
    database,
    async close() {
      await meili.stop();
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A labelled question: the entry it asks for (null: none answers it) and how it is phrased. */
export interface KbQuery {
  q: string;
  expected: string | null;
  style: string;
}

/**
 * The labelled question sets. TRAIN fits the confidence model (the first set
 * and kb-train), DEV chooses its thresholds, TEST is only reported.
 */
export const KB_SETS = {
  old: 'knowledge/eval/kb-queries.jsonl',
  train: 'knowledge/eval/splits/kb-train.jsonl',
  dev: 'knowledge/eval/splits/kb-dev.jsonl',
  test: 'knowledge/eval/splits/kb-test.jsonl',
} as const;

/**
 * A set's questions, or null when its file is not there (TEST may not be).
 * TRAIN and DEV also take their shares of the pooled `kb-more-*.jsonl` files
 * (knowledge/src/search/kb-training.ts).
 */
export function readKbQueries(set: keyof typeof KB_SETS): KbQuery[] | null {
  if (set === 'train') return kbSplitTrainQuestions();
  if (set === 'dev') return kbDevQuestions();
  const path = new URL(`../../${KB_SETS[set]}`, import.meta.url);
  if (!existsSync(path)) return null;
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as KbQuery);
}
