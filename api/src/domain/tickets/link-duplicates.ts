import { type Queryable, ticketDuplicateLinks, tickets } from '@hotline/db';
import { eq, inArray } from 'drizzle-orm';
import type { DomainContext } from '../context.ts';
import { findDuplicates } from './duplicates.ts';

/** Earlier duplicates a new ticket is linked to (the best first decides its cluster). */
const LINKS_PER_TICKET = 5;

/**
 * The cluster each ticket belongs to: the cluster of the link it was given, or
 * itself when it has none (a ticket is the root of its own cluster).
 */
export async function clusterIds(db: Queryable, ticketIds: string[]): Promise<Map<string, string>> {
  const clusters = new Map<string, string>(ticketIds.map((id) => [id, id]));
  if (ticketIds.length === 0) return clusters;
  const rows = await db
    .select({ ticketId: ticketDuplicateLinks.ticketId, clusterId: ticketDuplicateLinks.clusterId })
    .from(ticketDuplicateLinks)
    .where(inArray(ticketDuplicateLinks.ticketId, ticketIds));
  for (const row of rows) clusters.set(row.ticketId, row.clusterId);
  return clusters;
}

/**
 * Links a newly filed ticket to its likely duplicates among the tickets filed
 * before it (last 30 days, any channel): run by the outbox worker for each
 * filing, so filing itself does not wait. Idempotent (a redelivered message
 * writes nothing new). The ticket joins the cluster of its best match.
 */
export async function linkDuplicates(ctx: DomainContext, ticketId: string): Promise<{ linked: number; clusterId: string }> {
  const [ticket] = await ctx.db.select().from(tickets).where(eq(tickets.id, ticketId)).limit(1);
  if (!ticket) return { linked: 0, clusterId: ticketId };
  const found = await findDuplicates(ctx, ticket, { before: ticket.createdAt, limit: LINKS_PER_TICKET });
  if (found.length === 0) return { linked: 0, clusterId: ticket.id };
  const clusterId = (await clusterIds(ctx.db, [found[0]!.id])).get(found[0]!.id)!;
  await ctx.db
    .insert(ticketDuplicateLinks)
    .values(found.map((d) => ({ ticketId: ticket.id, duplicateOfId: d.id, clusterId, score: d.textScore, place: d.place, createdAt: ctx.now() })))
    .onConflictDoNothing();
  return { linked: found.length, clusterId };
}

/** The outbox message of every filing (`ticket.public_event`, action submit) starts the linking. */
export function isFilingMessage(payload: Record<string, unknown>): payload is { ticketId: string; action: 'submit' } {
  return payload.action === 'submit' && typeof payload.ticketId === 'string';
}

/**
 * The outbox handler that links each filing to its duplicates, off the
 * filing's own path (it runs beside the chat notifications on
 * `ticket.public_event`); other events pass through untouched.
 */
export function createDuplicateLinker(deps: { db: DomainContext['db']; rules: { get(): Promise<DomainContext['rules']> }; now?: () => Date }) {
  return async (message: { payload: Record<string, unknown> }): Promise<void> => {
    if (!isFilingMessage(message.payload)) return;
    const ctx: DomainContext = { db: deps.db, actor: { kind: 'system', job: 'duplicates' }, now: deps.now ?? (() => new Date()), rules: await deps.rules.get() };
    await linkDuplicates(ctx, message.payload.ticketId);
  };
}
