import { boolean, index, integer, jsonb, pgTable, serial, text, timestamp, unique } from 'drizzle-orm/pg-core';

/**
 * 回归问题: how citizens ask, and the entry that must answer. Editors keep
 * the list (seeded from the project's evaluation questions); every run
 * searches them all and is compared with the one before.
 */
export const kbRegressionQuestions = pgTable(
  'kb_regression_questions',
  {
    id: serial('id').primaryKey(),
    question: text('question').notNull(),
    expectedEntryId: text('expected_entry_id').notNull(),
    /** Where it came from: an evaluation file (kb-train, kb-dev, kb-queries) or an editor. */
    source: text('source').notNull(),
    active: boolean('active').notNull().default(true),
    createdBy: text('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('kb_regression_questions_pair').on(t.question, t.expectedEntryId)],
);

/** One question's outcome in a run: the expected entry's place among the first three (null: not there), the first entry, confident or not. */
export interface KbRegressionOutcome {
  id: number;
  rank: number | null;
  top: string | null;
  confident: boolean;
}

/** A run of the regression questions against live search. */
export const kbRegressionRuns = pgTable(
  'kb_regression_runs',
  {
    id: serial('id').primaryKey(),
    /** manual, publish or vocabulary. */
    trigger: text('trigger').notNull(),
    startedBy: text('started_by'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }).notNull(),
    total: integer('total').notNull(),
    top1: integer('top1').notNull(),
    top3: integer('top3').notNull(),
    confident: integer('confident').notNull(),
    results: jsonb('results').$type<KbRegressionOutcome[]>().notNull(),
  },
  (t) => [index('kb_regression_runs_started_idx').on(t.startedAt)],
);

/**
 * What citizens asked and how it went, for the editors' search analytics:
 * one row per question answered (ask) and per 解决了/没解决 vote. The
 * question is stored normalised with phone and ID numbers masked, and
 * nothing else about who asked.
 */
export const kbSearchLog = pgTable(
  'kb_search_log',
  {
    id: serial('id').primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    /** ask, helpful or not_helpful. */
    kind: text('kind').notNull(),
    channel: text('channel').notNull(),
    question: text('question').notNull(),
    /** The first entry found (ask) or the entry voted on. */
    entryId: text('entry_id'),
    categoryCode: text('category_code'),
    confident: boolean('confident').notNull().default(false),
  },
  (t) => [index('kb_search_log_at_idx').on(t.at)],
);
