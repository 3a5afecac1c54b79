import { type Queryable, outbox, type Tx, ticketEvents, tickets } from '@hotline/db';
import { and, eq, type Placeholder, type SQL, sql } from 'drizzle-orm';
import type { Actor, DomainContext } from '../context.ts';
import { conflict } from '../errors.ts';
import { runStatement, StatementShapes } from '../compiled-statement.ts';
import type { PreparedTake, TakenRow } from '../rate-limits/rate-limiter.ts';
import { assertTransition, type TicketAction, type TicketStatus } from './state-machine.ts';

export type TicketRow = typeof tickets.$inferSelect;
export type TicketInsert = typeof tickets.$inferInsert;
export type TicketEventRow = typeof ticketEvents.$inferSelect;

export interface EventSpec {
  /** Free text: a staff remark, a reply, a reason. Shown to the citizen only for public events whose action carries citizen-facing text. */
  note?: string | null;
  public: boolean;
  data?: Record<string, unknown>;
}

export interface TransitionSpec {
  ticket: TicketRow;
  action: TicketAction;
  /** Target status; omitted = the status stays (urge, progress note …). */
  to?: TicketStatus;
  patch?: Partial<Omit<TicketInsert, 'id' | 'status' | 'version'>>;
  /** Extra conditions the row must still meet, checked atomically with the status. */
  guard?: SQL;
  conflictMessage?: string;
  event: EventSpec;
  /** Further writes that belong to the same change (a dispatch row, say). */
  alsoWrite?: (tx: Tx, updated: TicketRow) => Promise<void>;
}

export interface TransitionResult {
  ticket: TicketRow;
  event: TicketEventRow;
}

function actorColumns(actor: Actor) {
  switch (actor.kind) {
    case 'staff':
      return { actorKind: 'staff' as const, actorId: actor.id, actorName: actor.displayName, unitId: actor.unitId };
    case 'citizen':
      return { actorKind: 'citizen' as const, actorId: actor.channelUserId, actorName: '诉求人', unitId: null };
    case 'system':
      return { actorKind: 'system' as const, actorId: actor.job, actorName: '系统', unitId: null };
  }
}

/** What the event row and the outbox message need to know of the ticket. */
type TicketIdentity = Pick<TicketRow, 'id' | 'ticketNo' | 'status' | 'channel' | 'channelUserId'>;

/** The event statements' compiled text, by shape: see compiled-statement.ts. */
const eventStatements = new StatementShapes();

/** The same keys, each set to a placeholder named `prefix` + key. */
function placeholders(prefix: string, keys: string[]): Record<string, Placeholder> {
  return Object.fromEntries(keys.map((key) => [key, sql.placeholder(prefix + key)]));
}

async function recordEvent(
  tx: Queryable,
  ctx: DomainContext,
  ticket: TicketIdentity,
  action: TicketAction,
  fromStatus: TicketStatus | null,
  event: EventSpec,
  at: Date,
  /** A new ticket, inserted first in the same statement. */
  newTicket?: TicketInsert,
  /** Filing limits counted in the same statement (settled before this returns: RATE_LIMITED throws). */
  take?: PreparedTake,
): Promise<TicketEventRow> {
  const values = {
    ticketId: ticket.id,
    action,
    fromStatus,
    toStatus: ticket.status,
    ...actorColumns(ctx.actor),
    note: event.note ?? null,
    public: event.public,
    data: event.data ?? null,
    createdAt: at,
  };
  if (!event.public && !newTicket) {
    // Only the id comes back: reading whole rows back costs more than the insert.
    const [row] = await tx.insert(ticketEvents).values(values).returning({ id: ticketEvents.id });
    return { id: row!.id, ...values };
  }
  // One statement, one round trip: the new ticket, the event and, for a public event, the outbox
  // message that tells the citizen on the channel they filed from. The message carries the event's id.
  // Sibling writes of one statement all happen; the foreign key from the event to a ticket
  // inserted in the same statement is checked at the end of the statement, when the ticket is there.
  const ticketKeys = newTicket ? Object.keys(newTicket).filter((key) => newTicket[key as keyof TicketInsert] !== undefined) : [];
  const eventKeys = Object.keys(values);
  const statement = eventStatements.get(`${event.public ? 'public' : 'internal'}|${take?.size ?? 0}|${ticketKeys.join(',')}`, () => {
    const ctes: SQL[] = [];
    // getSQL(): a query builder put into sql`` directly is parenthesised as a subquery.
    if (newTicket) ctes.push(sql`t as (${tx.insert(tickets).values(placeholders('t.', ticketKeys) as unknown as TicketInsert).getSQL()})`);
    const insertEvent = tx
      .insert(ticketEvents)
      .values(placeholders('e.', eventKeys) as unknown as typeof ticketEvents.$inferInsert)
      .returning({ id: ticketEvents.id });
    ctes.push(sql`e as (${insertEvent.getSQL()})`);
    if (event.public) {
      // available_at keeps its default: the database's clock decides when a message is due.
      ctes.push(sql`o as (insert into ${outbox} (topic, payload, created_at)
        select 'ticket.public_event', ${sql.placeholder('o.payload')}::jsonb || jsonb_build_object('eventId', e.id), ${sql.placeholder('o.createdAt')}::timestamptz from e)`);
    }
    if (take) {
      ctes.push(sql`r as (${take.upsert(tx, 'r.')})`);
      return sql`with ${sql.join(ctes, sql`, `)} select (select id from e) as id, (select json_agg(json_build_object('key', r.key, 'count', r.count)) from r) as limits`;
    }
    return sql`with ${sql.join(ctes, sql`, `)} select id from e`;
  });
  const bound: Record<string, unknown> = {};
  for (const key of ticketKeys) bound[`t.${key}`] = newTicket![key as keyof TicketInsert];
  for (const key of eventKeys) bound[`e.${key}`] = values[key as keyof typeof values];
  if (event.public) {
    const payload = {
      ticketId: ticket.id,
      ticketNo: ticket.ticketNo,
      action,
      status: ticket.status,
      channel: ticket.channel,
      channelUserId: ticket.channelUserId,
    };
    bound['o.payload'] = JSON.stringify(payload);
    bound['o.createdAt'] = at.toISOString();
  }
  if (take) Object.assign(bound, take.values('r.'));
  type Row = { id: number | string | bigint; limits?: TakenRow[] | string | null };
  const [row] = (await runStatement(tx, statement, bound)) as Row[];
  if (take) take.settle(typeof row!.limits === 'string' ? (JSON.parse(row!.limits) as TakenRow[]) : (row!.limits ?? []));
  return { id: Number(row!.id), ...values };
}

/**
 * The only code that writes a ticket's status after creation. One
 * transaction: a conditional update (`WHERE status = <status read>` plus any
 * guard) and the event row. If another change got there first the update
 * matches no row and the caller gets a CONFLICT error: exactly one of two
 * racing changes wins.
 */
export async function transition(ctx: DomainContext, spec: TransitionSpec): Promise<TransitionResult> {
  const from = spec.ticket.status;
  const to = spec.to ?? from;
  assertTransition(spec.action, from, to);
  const at = ctx.now();
  return ctx.db.transaction(async (tx) => {
    const [updated] = await tx
      .update(tickets)
      .set({ ...spec.patch, status: to, version: sql`${tickets.version} + 1`, updatedAt: at })
      .where(and(eq(tickets.id, spec.ticket.id), eq(tickets.status, from), spec.guard))
      .returning();
    if (!updated) {
      throw conflict(spec.conflictMessage ?? '工单已被他人更新，请刷新后重试', { action: spec.action, status: from });
    }
    const event = await recordEvent(tx, ctx, updated, spec.action, from, spec.event, at);
    await spec.alsoWrite?.(tx, updated);
    return { ticket: updated, event };
  });
}

export type SubmittedTicket = Pick<TicketRow, 'id' | 'ticketNo' | 'status' | 'channel' | 'channelUserId' | 'acceptDueAt' | 'createdAt'>;

/** Creation: the first status (`submitted`) and its event, in the caller's transaction. */
export async function insertSubmittedTicket(
  tx: Tx,
  ctx: DomainContext,
  values: Omit<TicketInsert, 'status' | 'version'> & { id: string; createdAt: Date },
  event: EventSpec,
  take?: PreparedTake,
): Promise<{ ticket: SubmittedTicket; event: TicketEventRow }> {
  assertTransition('submit', null, 'submitted');
  const ticket: SubmittedTicket = {
    id: values.id,
    ticketNo: values.ticketNo,
    status: 'submitted',
    channel: values.channel,
    channelUserId: values.channelUserId ?? null,
    acceptDueAt: values.acceptDueAt ?? null,
    createdAt: values.createdAt,
  };
  // The ticket, its event and its outbox message in one statement: the intake path's round trips are its cost.
  const row = await recordEvent(tx, ctx, ticket, 'submit', null, event, values.createdAt, { ...values, status: 'submitted', version: 1 }, take);
  return { ticket, event: row };
}
