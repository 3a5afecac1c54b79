import type { DomainContext } from '../context.ts';
import { getTicketByNo, requireLeadUnit } from './internal.ts';
import { transition } from './transition.ts';

/** 签收: the lead unit takes the ticket into its hands. */
export async function signTicket(ctx: DomainContext, ticketNo: string, input: { note?: string | undefined } = {}) {
  const ticket = await getTicketByNo(ctx.db, ticketNo);
  requireLeadUnit(ctx, ticket, '签收');
  const now = ctx.now();
  return transition(ctx, {
    ticket,
    action: 'sign',
    to: 'in_progress',
    patch: { signedAt: now },
    event: { note: input.note, public: true, data: { late: ticket.signDueAt ? now > ticket.signDueAt : false } },
  });
}
