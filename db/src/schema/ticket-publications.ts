import { index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { tickets } from './tickets.ts';

/**
 * A case put on the echo wall (回音壁) or the public mailbox list by a
 * person's decision: the texts stored here are what the public reads,
 * fixed when published, so a later change of the redaction code can never
 * reveal anything about an old case. Taking a case down keeps the row.
 */
export const ticketPublications = pgTable(
  'ticket_publications',
  {
    ticketId: text('ticket_id')
      .primaryKey()
      .references(() => tickets.id),
    title: text('title').notNull(),
    content: text('content').notNull(),
    reply: text('reply').notNull(),
    /** Why a case outside the default (not satisfied, not resolved) was published anyway. */
    reason: text('reason'),
    publishedAt: timestamp('published_at', { withTimezone: true }).notNull(),
    publishedBy: text('published_by').notNull(),
    unpublishedAt: timestamp('unpublished_at', { withTimezone: true }),
    unpublishedBy: text('unpublished_by'),
    unpublishReason: text('unpublish_reason'),
  },
  (t) => [index('ticket_publications_published_idx').on(t.publishedAt)],
);
