import type { DomainContext } from '../context.ts';
import { getTicketByNo, requireRole } from './internal.ts';
import { transition } from './transition.ts';
import { ACTION_ROLES } from './action-roles.ts';

/** 不予受理: the reason is shown to the citizen. */
export async function rejectTicket(ctx: DomainContext, ticketNo: string, input: { reason: string }) {
  requireRole(ctx.actor, ACTION_ROLES.reject, '作不予受理处理');
  const ticket = await getTicketByNo(ctx.db, ticketNo);
  const now = ctx.now();
  return transition(ctx, {
    ticket,
    action: 'reject',
    to: 'rejected',
    patch: { rejectReason: input.reason, closedAt: now },
    event: { note: input.reason, public: true },
  });
}
