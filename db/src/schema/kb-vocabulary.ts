import { jsonb, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';

/** Words citizens use for the same thing; the first term is the one entries use. */
export const kbSynonymGroups = pgTable('kb_synonym_groups', {
  id: serial('id').primaryKey(),
  terms: jsonb('terms').$type<string[]>().notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  updatedBy: text('updated_by'),
});

/** Filler words (请问, 一下, 咋整 …) dropped from questions before searching. */
export const kbStopWords = pgTable('kb_stop_words', {
  word: text('word').primaryKey(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
