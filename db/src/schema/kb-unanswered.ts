import { index, integer, jsonb, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Questions the knowledge base could not answer confidently, and answers
 * citizens marked "not helpful", grouped by their normalised text.
 */
export const kbUnanswered = pgTable(
  'kb_unanswered',
  {
    id: serial('id').primaryKey(),
    normalizedText: text('normalized_text').notNull().unique(),
    /** The latest wording as asked, with phone and ID numbers masked. */
    sampleText: text('sample_text').notNull(),
    reason: text('reason').$type<'no_confident_answer' | 'not_helpful'>().notNull(),
    /** For "not helpful": the entry that was shown. */
    entryId: text('entry_id'),
    count: integer('count').notNull().default(1),
    channels: jsonb('channels').$type<string[]>().notNull().default([]),
    status: text('status').$type<'open' | 'resolved' | 'dismissed'>().notNull().default('open'),
    resolvedEntryId: text('resolved_entry_id'),
    resolvedBy: text('resolved_by'),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    /** Why an editor dismissed it (无需条目, 重复, 非咨询 …). */
    dismissReason: text('dismiss_reason'),
    firstAskedAt: timestamp('first_asked_at', { withTimezone: true }).notNull(),
    lastAskedAt: timestamp('last_asked_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('kb_unanswered_status_idx').on(t.status, t.lastAskedAt)],
);
