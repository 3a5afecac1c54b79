import { kbLearnedQuestions } from '@hotline/db';
import { maskPersonalData } from '@hotline/knowledge';
import type { DomainContext } from '../context.ts';
import { getTicketByNo, requireRole } from './internal.ts';
import { transition } from './transition.ts';
import { ACTION_ROLES } from './action-roles.ts';
import { urgencyText } from './urgency.ts';

/**
 * 直接答复: the operator answers at intake (typically from the knowledge
 * base). Counts toward the direct answer rate; the citizen may still rate it.
 * When the answer came from a knowledge entry (`entryId`), the citizen's
 * words are kept as a question that entry answers (personal numbers masked):
 * the answer chain's classifier learns from them at the next retraining.
 */
export async function answerDirectly(ctx: DomainContext, ticketNo: string, input: { answer: string; entryId?: string | undefined }) {
  requireRole(ctx.actor, ACTION_ROLES.answer_directly, '直接答复');
  const ticket = await getTicketByNo(ctx.db, ticketNo);
  const now = ctx.now();
  const entryId = input.entryId;
  return transition(ctx, {
    ticket,
    action: 'answer_directly',
    to: 'answered',
    patch: { answeredAt: now, replyText: input.answer, repliedAt: now, acceptedAt: ticket.acceptedAt ?? now },
    event: { note: input.answer, public: true, ...(entryId ? { data: { entryId } } : {}) },
    alsoWrite: entryId
      ? async (tx) => {
          await tx.insert(kbLearnedQuestions).values({
            question: maskPersonalData(urgencyText(ticket.title, ticket.description)).slice(0, 2000),
            entryId,
            source: 'direct_answer',
            ticketId: ticket.id,
            createdBy: ctx.actor.kind === 'staff' ? ctx.actor.id : null,
            createdAt: now,
          });
        }
      : undefined,
  });
}
