import { mkdtempSync, rmSync } from 'node:fs';
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
