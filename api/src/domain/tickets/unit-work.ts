import type { DomainContext } from '../context.ts';
import { notFound, validationError } from '../errors.ts';
import { getTicketByNo, requireLeadUnit, requireRole, unitInvolved } from './internal.ts';
import { transition } from './transition.ts';
import { ACTION_ROLES } from './action-roles.ts';

/** 办理进展: lead and co-units record what they did; public notes appear on the citizen's timeline. */
export async function addProgressNote(ctx: DomainContext, ticketNo: string, input: { note: string; public: boolean }) {
  const staff = requireRole(ctx.actor, ACTION_ROLES.progress_note, '记录办理进展');
  const ticket = await getTicketByNo(ctx.db, ticketNo);
  if (!unitInvolved(ticket, staff.unitId)) throw notFound(`未找到工单 ${ticket.ticketNo}`);
  return transition(ctx, {
    ticket,
    action: 'progress_note',
    event: { note: input.note, public: input.public, data: { coUnit: ticket.leadUnitId !== staff.unitId } },
  });
}

const CONTACT_METHOD_LABELS = { phone: '电话', on_site: '上门', sms: '短信', other: '其他' } as const;

/** 联系诉求人: counts toward the contact rate; for urgent tickets also against the 30-minute target. */
export async function recordContact(
  ctx: DomainContext,
  ticketNo: string,
  input: { method: keyof typeof CONTACT_METHOD_LABELS; contactedAt?: Date | undefined; note?: string | undefined },
) {
  const ticket = await getTicketByNo(ctx.db, ticketNo);
  requireLeadUnit(ctx, ticket, '记录联系情况');
  const now = ctx.now();
  const at = input.contactedAt ?? now;
  if (at > now) throw validationError('联系时间不能晚于现在', 'contactedAt');
  if (ticket.dispatchedAt && at < ticket.dispatchedAt) throw validationError('联系时间不能早于派单时间', 'contactedAt');
  return transition(ctx, {
    ticket,
    action: 'record_contact',
    patch: { contactedAt: ticket.contactedAt ?? at },
    event: {
      note: input.note,
      public: false,
      data: {
        method: input.method,
        methodLabel: CONTACT_METHOD_LABELS[input.method],
        contactedAt: at.toISOString(),
        late: ticket.contactDueAt ? at > ticket.contactDueAt : false,
      },
    },
  });
}

/** 答复: the lead unit's answer to the citizen; the callback and rating follow. */
export async function replyTicket(ctx: DomainContext, ticketNo: string, input: { reply: string }) {
  const ticket = await getTicketByNo(ctx.db, ticketNo);
  requireLeadUnit(ctx, ticket, '答复');
  const now = ctx.now();
  return transition(ctx, {
    ticket,
    action: 'reply',
    to: 'replied',
    patch: { repliedAt: now, replyText: input.reply, extensionRequestedAt: null, extensionRequestedDueAt: null, extensionReason: null },
    event: { note: input.reply, public: true, data: { onTime: ticket.dueAt ? now <= ticket.dueAt : true } },
  });
}
