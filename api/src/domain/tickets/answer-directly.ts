import type { DomainContext } from '../context.ts';
import { getTicketByNo, requireRole } from './internal.ts';
import { transition } from './transition.ts';

/**
 * 直接答复: the operator answers at intake (typically from the knowledge
 * base). Counts toward the direct answer rate; the citizen may still rate it.
 */
export async function answerDirectly(ctx: DomainContext, ticketNo: string, input: { answer: string }) {
  requireRole(ctx.actor, ['operator', 'dispatcher'], '直接答复');
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
