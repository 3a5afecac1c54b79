import type { DomainContext } from '../context.ts';
import { getTicketByNo, requireRole } from './internal.ts';
import { transition } from './transition.ts';
import { ACTION_ROLES } from './action-roles.ts';

/** 催办: a reminder to the unit; counted on the ticket. */
export async function urgeTicket(ctx: DomainContext, ticketNo: string, input: { note?: string | undefined } = {}) {
  requireRole(ctx.actor, ACTION_ROLES.urge, '催办');
  const ticket = await getTicketByNo(ctx.db, ticketNo);
  return transition(ctx, {
    ticket,
    action: 'urge',
    patch: { urgeCount: ticket.urgeCount + 1 },
    event: { note: input.note, public: false, data: { urgeCount: ticket.urgeCount + 1 } },
  });
}

/** 督办: puts the ticket on the supervisors' list. */
export async function superviseTicket(ctx: DomainContext, ticketNo: string, input: { note?: string | undefined } = {}) {
  requireRole(ctx.actor, ACTION_ROLES.supervise, '督办');
  const ticket = await getTicketByNo(ctx.db, ticketNo);
  return transition(ctx, {
    ticket,
    action: 'supervise',
    patch: { supervised: true },
    event: { note: input.note, public: false },
  });
}
