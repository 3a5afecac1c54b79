import type { DomainContext } from '../context.ts';
import { getTicketByNo, requireRole } from './internal.ts';
import { transition } from './transition.ts';

/** 催办: a reminder to the unit; counted on the ticket. */
export async function urgeTicket(ctx: DomainContext, ticketNo: string, input: { note?: string | undefined } = {}) {
  requireRole(ctx.actor, ['supervisor', 'dispatcher'], '催办');
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
  requireRole(ctx.actor, ['supervisor'], '督办');
  const ticket = await getTicketByNo(ctx.db, ticketNo);
  return transition(ctx, {
    ticket,
    action: 'supervise',
    patch: { supervised: true },
    event: { note: input.note, public: false },
  });
}
