import { bigint, integer, pgTable, timestamp } from 'drizzle-orm/pg-core';

/**
 * One row (id 1): a number bumped whenever what a knowledge-base search
 * answers may change — in the same transaction as every published edit,
 * vocabulary or intake-rule change, and again once the search index has
 * taken such a change in. Every API instance compares it with the number
 * its cached corpus and search results were made at, so none answers from a
 * cache older than the last change (api/src/domain/knowledge/generation.ts).
 * No row yet reads as generation 0.
 */
export const kbGeneration = pgTable('kb_generation', {
  id: integer('id').primaryKey(),
  generation: bigint('generation', { mode: 'number' }).notNull(),
  changedAt: timestamp('changed_at', { withTimezone: true }).notNull().defaultNow(),
});
