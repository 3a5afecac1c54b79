import { integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import type { KbEntryStatus } from '../enums.ts';
import type { KbContent } from './kb-entries.ts';
import { kbEntries } from './kb-entries.ts';

/** Every saved version of an entry's content; any of them can be restored. */
export const kbEntryVersions = pgTable(
  'kb_entry_versions',
  {
    entryId: text('entry_id')
      .notNull()
      .references(() => kbEntries.id),
    version: integer('version').notNull(),
    content: jsonb('content').$type<KbContent>().notNull(),
    status: text('status').$type<KbEntryStatus>().notNull(),
    /** What happened: created, edited, submitted, approved, imported, restored, archived … */
    action: text('action').notNull(),
    note: text('note'),
    savedBy: text('saved_by'),
    savedAt: timestamp('saved_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.entryId, t.version] })],
);
