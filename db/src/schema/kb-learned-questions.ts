import { bigint, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { staffAccounts } from './staff-accounts.ts';
import { tickets } from './tickets.ts';

/**
 * 学入的问法: a citizen's words labelled by staff with the knowledge entry
 * that answers them: an operator answered a ticket directly from an entry
 * (直接答复 with the entry chosen). The answer chain's entry classifier
 * learns from them beside the shipped training questions, from the nightly
 * retraining on (or `npm run admin -- retrain-intake`).
 */
export const kbLearnedQuestions = pgTable(
  'kb_learned_questions',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    question: text('question').notNull(),
    entryId: text('entry_id').notNull(),
    /** direct_answer. */
    source: text('source').notNull(),
    ticketId: text('ticket_id').references(() => tickets.id),
    createdBy: text('created_by').references(() => staffAccounts.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('kb_learned_questions_time_idx').on(t.createdAt)],
);
