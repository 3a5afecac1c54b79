import type { DomainContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { formatLocal } from '../calendar/local-time.ts';
import { getTicketByNo, requireLeadUnit } from './internal.ts';
import { transition } from './transition.ts';

/**
 * 申请退单: a unit that is not responsible sends the ticket back to the
 * dispatcher with a reason, within the return window after dispatch.
 */
export async function requestReturn(ctx: DomainContext, ticketNo: string, input: { reason: string }) {
  const ticket = await getTicketByNo(ctx.db, ticketNo);
  requireLeadUnit(ctx, ticket, '申请退单');
  const now = ctx.now();
  const { returnWindowWorkingDays } = ctx.rules.settings.workflow;
  if (ticket.dispatchedAt) {
    const windowEnds = ctx.rules.calendar.endOfNthWorkingDay(ticket.dispatchedAt, returnWindowWorkingDays);
    if (now > windowEnds) {
      throw new DomainError(
        'CONFLICT',
        `已超过退单时限（派单后 ${returnWindowWorkingDays} 个工作日内，截至 ${formatLocal(windowEnds)}），请办理或申请延期`,
        { windowEndsAt: windowEnds.toISOString() },
      );
    }
  }
  return transition(ctx, {
    ticket,
    action: 'request_return',
    to: 'return_requested',
    patch: { returnRequestedAt: now, returnReason: input.reason },
    event: { note: input.reason, public: false },
  });
}
