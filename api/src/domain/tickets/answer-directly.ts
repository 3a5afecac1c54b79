import type { DomainContext } from '../context.ts';
import { getTicketByNo, requireRole } from './internal.ts';
import { transition } from './transition.ts';
import { ACTION_ROLES } from './action-roles.ts';

/**
 * 直接答复: the operator answers at intake (typically from the knowledge
 * base). Counts toward the direct answer rate; the citizen may still rate it.
 */
export async function answerDirectly(ctx: DomainContext, ticketNo: string, input: { answer: string }) {
  requireRole(ctx.actor, ACTION_ROLES.answer_directly, '直接答复');
  const ticket = await getTicketByNo(ctx.db, ticketNo);
  const now = ctx.now();
  return transition(ctx, {
    ticket,
    action: 'answer_directly',
    to: 'answered',
    patch: { answeredAt: now, replyText: input.answer, repliedAt: now, acceptedAt: ticket.acceptedAt ?? now },
    event: { note: input.answer, public: true },
  });
}
