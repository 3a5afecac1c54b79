import { date, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { KbEntryStatus } from '../enums.ts';

/** The content an editor writes; versioned as a whole. */
export interface KbContent {
  question: string;
  alternates: string[];
  answer: string;
  categoryCode: string;
  subcategoryCode: string | null;
  unitId: string | null;
  keywords: string[];
  effectiveFrom: string | null;
  expiresOn: string | null;
}

/**
 * 知识条目. The columns hold the editors' working copy; `live` holds the
 * content citizens are answered from (set when a second editor approves),
 * so editing a published entry never takes its answer offline before the
 * new wording is approved.
 */
export const kbEntries = pgTable(
  'kb_entries',
  {
    id: text('id').primaryKey(),
    question: text('question').notNull(),
    alternates: jsonb('alternates').$type<string[]>().notNull().default([]),
    answer: text('answer').notNull(),
    categoryCode: text('category_code').notNull(),
    subcategoryCode: text('subcategory_code'),
    unitId: text('unit_id'),
    keywords: jsonb('keywords').$type<string[]>().notNull().default([]),
    effectiveFrom: date('effective_from', { mode: 'string' }),
    expiresOn: date('expires_on', { mode: 'string' }),
    status: text('status').$type<KbEntryStatus>().notNull(),
    version: integer('version').notNull().default(1),
    live: jsonb('live').$type<KbContent>(),
    liveVersion: integer('live_version'),
    submittedBy: text('submitted_by'),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    reviewedBy: text('reviewed_by'),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
    helpfulCount: integer('helpful_count').notNull().default(0),
    notHelpfulCount: integer('not_helpful_count').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    updatedBy: text('updated_by'),
  },
  (t) => [index('kb_entries_status_idx').on(t.status), index('kb_entries_category_idx').on(t.categoryCode)],
);
