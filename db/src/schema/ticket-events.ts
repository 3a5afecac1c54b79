import { bigint, boolean, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { ActorKind, TicketStatus } from '../enums.ts';
import { tickets } from './tickets.ts';

/**
 * Append-only history of a ticket. Every state-machine call writes exactly one
 * row here in the same transaction as the ticket update. Public rows form the
 * citizen's timeline.
 */
export const ticketEvents = pgTable(
  'ticket_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    ticketId: text('ticket_id')
      .notNull()
      .references(() => tickets.id),
    action: text('action').notNull(),
    fromStatus: text('from_status').$type<TicketStatus>(),
    toStatus: text('to_status').$type<TicketStatus>().notNull(),
    actorKind: text('actor_kind').$type<ActorKind>().notNull(),
    actorId: text('actor_id'),
    actorName: text('actor_name'),
    unitId: text('unit_id'),
    note: text('note'),
    public: boolean('public').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('ticket_events_ticket_idx').on(t.ticketId, t.id), index('ticket_events_action_idx').on(t.action, t.createdAt)],
);
