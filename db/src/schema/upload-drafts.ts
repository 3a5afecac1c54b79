import { index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { bytea } from './attachments.ts';

/**
 * Photos uploaded before their ticket exists (the portal's review step, a
 * chat photo sent before the description). Already re-encoded; moved into
 * `attachments` when a ticket names them, deleted after a day otherwise.
 * The id is a random 128-bit token: whoever holds it may attach the photo.
 */
export const uploadDrafts = pgTable(
  'upload_drafts',
  {
    id: text('id').primaryKey(),
    mimeType: text('mime_type').notNull(),
    width: integer('width').notNull(),
    height: integer('height').notNull(),
    byteSize: integer('byte_size').notNull(),
    sha256: text('sha256').notNull(),
    content: bytea('content').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('upload_drafts_created_idx').on(t.createdAt)],
);
