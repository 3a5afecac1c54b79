import { bigint, index, pgTable, primaryKey, real, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { tickets } from './tickets.ts';

const tz = { withTimezone: true } as const;

/**
 * Likely duplicates found by the duplicate finder (api/src/domain/tickets/duplicates.ts):
 * a ticket points to earlier tickets of the last 30 days that look like the same
 * matter (text, place, category). Written after filing by the outbox worker, so
 * filing does not wait for it; a ticket's `clusterId` is the earliest ticket of its
 * group (its own id when it has no earlier duplicate), which the 待派单 queue groups by.
 */
export const ticketDuplicateLinks = pgTable(
  'ticket_duplicate_links',
  {
    ticketId: text('ticket_id')
      .notNull()
      .references(() => tickets.id),
    duplicateOfId: text('duplicate_of_id')
      .notNull()
      .references(() => tickets.id),
    clusterId: text('cluster_id').notNull(),
    /** Text similarity 0…1 after the place words are taken out. */
    score: real('score').notNull(),
    /** How the place matched: nearby (coordinates), street, district, none. */
    place: text('place').notNull(),
    createdAt: timestamp('created_at', tz).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.ticketId, t.duplicateOfId] }),
    index('ticket_duplicate_links_of_idx').on(t.duplicateOfId),
    index('ticket_duplicate_links_cluster_idx').on(t.clusterId),
  ],
);

/**
 * 关注人: a citizen who follows an existing ticket instead of filing again. Counted
 * in the ticket's reporters (and once in the metrics: a follower files no ticket).
 * `followerKey` is `<channel>:<channelUserId>` for chats and `phone:<number>` for the
 * portal and the phone line: the same person follows a ticket once.
 */
export const ticketFollowers = pgTable(
  'ticket_followers',
  {
    id: text('id').primaryKey(),
    ticketId: text('ticket_id')
      .notNull()
      .references(() => tickets.id),
    followerKey: text('follower_key').notNull(),
    channel: text('channel').notNull(),
    channelUserId: text('channel_user_id'),
    /** Personal data: shown masked outside the staff who handle the ticket. */
    phone: text('phone'),
    createdAt: timestamp('created_at', tz).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('ticket_followers_ticket_key_idx').on(t.ticketId, t.followerKey)],
);

/** One status message per follower and public event: a repeated outbox delivery sends nothing twice. */
export const followerNotifications = pgTable(
  'follower_notifications',
  {
    eventId: bigint('event_id', { mode: 'number' }).notNull(),
    followerId: text('follower_id').notNull(),
    outcome: text('outcome').$type<'sent' | 'undeliverable'>().notNull(),
    note: text('note'),
    createdAt: timestamp('created_at', tz).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.followerId] })],
);
