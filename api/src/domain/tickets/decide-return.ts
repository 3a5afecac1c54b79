import { ticketDispatches } from '@hotline/db';
import { and, eq, isNull } from 'drizzle-orm';
import type { DomainContext } from '../context.ts';
import { forbidden } from '../errors.ts';
import { getTicketByNo, requireRole } from './internal.ts';
import { transition } from './transition.ts';
import { ACTION_ROLES } from './action-roles.ts';

/**
 * 批准退单: the ticket goes back to `accepted` for a new dispatch and the
 * dispatch counts as not accurate. After `returnLimit` returns a supervisor
 * must decide, so a ticket cannot bounce between units for ever.
 */
export async function approveReturn(ctx: DomainContext, ticketNo: string, input: { note?: string | undefined } = {}) {
  const ticket = await getTicketByNo(ctx.db, ticketNo);
  const { returnLimit } = ctx.rules.settings.workflow;
  const staff = requireRole(ctx.actor, ACTION_ROLES.approve_return, '审批退单');
  if (staff.role === 'dispatcher' && ticket.returnCount >= returnLimit) {
    throw forbidden(`该工单已退单 ${ticket.returnCount} 次，需由督办员决定`);
  }
  const now = ctx.now();
  return transition(ctx, {
    ticket,
    action: 'approve_return',
    to: 'accepted',
    patch: {
      leadUnitId: null,
      coUnitIds: [],
      dueAt: null,
      signDueAt: null,
      contactDueAt: null,
      onSiteDueAt: null,
      signedAt: null,
      returnCount: ticket.returnCount + 1,
      returnRequestedAt: null,
      extensionRequestedAt: null,
      extensionRequestedDueAt: null,
      extensionReason: null,
    },
    event: { note: input.note, public: false, data: { returnedBy: ticket.leadUnitId, reason: ticket.returnReason } },
    alsoWrite: async (tx) => {
      await tx
        .update(ticketDispatches)
        .set({ returnedAt: now, returnReason: ticket.returnReason })
        .where(and(eq(ticketDispatches.ticketId, ticket.id), isNull(ticketDispatches.returnedAt)));
    },
  });
}

/** 驳回退单: the unit keeps the ticket, in the state it was in before the request. */
export async function denyReturn(ctx: DomainContext, ticketNo: string, input: { reason: string }) {
  requireRole(ctx.actor, ACTION_ROLES.deny_return, '审批退单');
  const ticket = await getTicketByNo(ctx.db, ticketNo);
  return transition(ctx, {
    ticket,
    action: 'deny_return',
    to: ticket.signedAt ? 'in_progress' : 'dispatched',
    patch: { returnRequestedAt: null },
    event: { note: input.reason, public: false },
  });
}
