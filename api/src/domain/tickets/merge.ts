import { ticketDuplicateLinks } from '@hotline/db';
import type { DomainContext } from '../context.ts';
import { validationError } from '../errors.ts';
import { getTicketByNo, requireRole } from './internal.ts';
import { transition } from './transition.ts';
import { ACTION_ROLES } from './action-roles.ts';
import { clusterIds } from './link-duplicates.ts';

/**
 * 合并: a duplicate of a ticket already in hand stops here and points to
 * the surviving ticket, whose progress the citizen can follow instead.
 */
export async function mergeTicket(ctx: DomainContext, ticketNo: string, input: { intoTicketNo: string; note?: string | undefined }) {
  requireRole(ctx.actor, ACTION_ROLES.merge, '合并工单');
  if (input.intoTicketNo === ticketNo) throw validationError('不能与自身合并', 'intoTicketNo');
  const ticket = await getTicketByNo(ctx.db, ticketNo);
  const target = await getTicketByNo(ctx.db, input.intoTicketNo);
  if ((['rejected', 'merged'] as const).some((s) => s === target.status)) {
    throw validationError(`工单 ${target.ticketNo} 已${target.status === 'merged' ? '被合并' : '不予受理'}，不能作为合并目标`, 'intoTicketNo');
  }
  return transition(ctx, {
    ticket,
    action: 'merge',
    to: 'merged',
    patch: { mergedIntoId: target.id, closedAt: ctx.now() },
    event: { note: input.note, public: true, data: { intoTicketNo: target.ticketNo } },
    // The merged ticket counts once among the target's reporters (duplicates.ts reporterCounts), link found or not.
    alsoWrite: async (tx) => {
      const clusterId = (await clusterIds(tx, [target.id])).get(target.id)!;
      await tx
        .insert(ticketDuplicateLinks)
        .values({ ticketId: ticket.id, duplicateOfId: target.id, clusterId, score: 1, place: 'merge', createdAt: ctx.now() })
        .onConflictDoNothing();
    },
  });
}
