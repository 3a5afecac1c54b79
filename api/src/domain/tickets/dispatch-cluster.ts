import { ticketDuplicateLinks, tickets } from '@hotline/db';
import { asc, eq, inArray } from 'drizzle-orm';
import type { DomainContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { CHANNEL_LABELS } from '../labels.ts';
import { ACTION_ROLES } from './action-roles.ts';
import { dispatchTicket } from './dispatch.ts';
import { assertCanView, getTicketByNo, requireRole } from './internal.ts';
import { clusterIds } from './link-duplicates.ts';
import type { DispatchInput } from './schemas.ts';
import { STATUS_LABELS } from './state-machine.ts';

export interface ClusterMember {
  ticketNo: string;
  title: string;
  status: string;
  statusLabel: string;
  channel: string;
  channelLabel: string;
  createdAt: string;
}

/**
 * A ticket's cluster (the tickets the duplicate linking put together: the
 * earliest one and every ticket linked into its group), oldest first, the
 * ticket itself included. A ticket with no duplicates is a cluster of one.
 */
export async function ticketCluster(ctx: DomainContext, ticketNo: string): Promise<{ clusterId: string; members: ClusterMember[] }> {
  const ticket = await getTicketByNo(ctx.db, ticketNo);
  assertCanView(ctx.actor, ticket);
  const clusterId = (await clusterIds(ctx.db, [ticket.id])).get(ticket.id)!;
  const linked = await ctx.db.select({ id: ticketDuplicateLinks.ticketId }).from(ticketDuplicateLinks).where(eq(ticketDuplicateLinks.clusterId, clusterId));
  const ids = [...new Set([clusterId, ticket.id, ...linked.map((l) => l.id)])];
  const rows = await ctx.db
    .select({ ticketNo: tickets.ticketNo, title: tickets.title, status: tickets.status, channel: tickets.channel, createdAt: tickets.createdAt })
    .from(tickets)
    .where(inArray(tickets.id, ids))
    .orderBy(asc(tickets.createdAt));
  return {
    clusterId,
    members: rows.map((r) => ({
      ticketNo: r.ticketNo,
      title: r.title,
      status: r.status,
      statusLabel: STATUS_LABELS[r.status],
      channel: r.channel,
      channelLabel: CHANNEL_LABELS[r.channel],
      createdAt: r.createdAt.toISOString(),
    })),
  };
}

export interface ClusterDispatchResult {
  ticketNo: string;
  /** Each member's own outcome: dispatched, or why not (taken by someone else meanwhile, say). */
  members: { ticketNo: string; dispatched: boolean; error?: string }[];
}

/**
 * 一并派单: dispatches a ticket and every member of its cluster still waiting
 * for dispatch (accepted) to the same lead and co-units, each through the
 * state machine with its own dispatch event (the note names the ticket it
 * went with). The ticket itself must dispatch; a member that fails (changed
 * meanwhile) fails alone and is reported.
 */
export async function dispatchCluster(ctx: DomainContext, ticketNo: string, input: DispatchInput): Promise<ClusterDispatchResult> {
  requireRole(ctx.actor, ACTION_ROLES.dispatch, '派单');
  const { members } = await ticketCluster(ctx, ticketNo);
  const { ticket } = await dispatchTicket(ctx, ticketNo, input);
  const same = { leadUnitId: ticket.leadUnitId!, coUnitIds: ticket.coUnitIds, category: ticket.subcategoryCode ?? ticket.categoryCode ?? undefined };
  const results: ClusterDispatchResult['members'] = [];
  for (const member of members) {
    if (member.ticketNo === ticketNo || member.status !== 'accepted') continue;
    try {
      await dispatchTicket(ctx, member.ticketNo, { ...same, note: `同一问题，随工单 ${ticketNo} 一并派单${input.note ? `：${input.note}` : ''}` });
      results.push({ ticketNo: member.ticketNo, dispatched: true });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      results.push({ ticketNo: member.ticketNo, dispatched: false, error: error.message });
    }
  }
  return { ticketNo, members: results };
}
