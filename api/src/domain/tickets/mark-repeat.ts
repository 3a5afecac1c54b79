import type { DomainContext } from '../context.ts';
import { validationError } from '../errors.ts';
import { getTicketByNo, requireRole } from './internal.ts';
import { transition } from './transition.ts';
import { ACTION_ROLES } from './action-roles.ts';

/**
 * Links a ticket to an earlier one filed by the same citizen on the same
 * matter, without stopping it (unlike a merge). Counts toward the repeat rate.
 */
export async function markRepeat(ctx: DomainContext, ticketNo: string, input: { ofTicketNo: string; note?: string | undefined }) {
  requireRole(ctx.actor, ACTION_ROLES.mark_repeat, '标记重复诉求');
  if (input.ofTicketNo === ticketNo) throw validationError('不能标记为自身的重复', 'ofTicketNo');
  const ticket = await getTicketByNo(ctx.db, ticketNo);
  const original = await getTicketByNo(ctx.db, input.ofTicketNo);
  if (original.createdAt.getTime() > ticket.createdAt.getTime()) {
    throw validationError('只能关联到更早提交的工单', 'ofTicketNo');
  }
  return transition(ctx, {
    ticket,
    action: 'mark_repeat',
    patch: { repeatOfId: original.id },
    event: { note: input.note, public: false, data: { ofTicketNo: original.ticketNo } },
  });
}
