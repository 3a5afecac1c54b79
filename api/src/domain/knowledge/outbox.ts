import { outbox, type Queryable } from '@hotline/db';
import { bumpKnowledgeGeneration } from './generation.ts';

export const KB_TOPICS = { entryChanged: 'kb.entry_changed', vocabularyChanged: 'kb.vocabulary_changed' } as const;

/**
 * Written in the same transaction as the change, so the index follows every
 * committed edit; the knowledge generation is bumped with it, so every
 * instance drops its cached corpus and results once the change commits.
 */
export async function enqueueEntryChanged(tx: Queryable, entryIds: string[], at: Date): Promise<void> {
  if (entryIds.length === 0) return;
  await bumpKnowledgeGeneration(tx, at);
  await tx.insert(outbox).values(entryIds.map((entryId) => ({ topic: KB_TOPICS.entryChanged, payload: { entryId }, createdAt: at })));
}

export async function enqueueVocabularyChanged(tx: Queryable, at: Date): Promise<void> {
  await bumpKnowledgeGeneration(tx, at);
  await tx.insert(outbox).values({ topic: KB_TOPICS.vocabularyChanged, payload: {}, createdAt: at });
}
