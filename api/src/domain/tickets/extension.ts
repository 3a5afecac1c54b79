import { isNotNull, isNull } from 'drizzle-orm';
import { tickets } from '@hotline/db';
import { formatLocal } from '../calendar/local-time.ts';
import type { DomainContext } from '../context.ts';
import { validationError } from '../errors.ts';
import { getTicketByNo, requireLeadUnit, requireRole } from './internal.ts';
import { transition } from './transition.ts';
import { ACTION_ROLES } from './action-roles.ts';

/** 申请延期: the lead unit asks for more working days, with a reason; one request at a time. */
export async function requestExtension(ctx: DomainContext, ticketNo: string, input: { extraWorkingDays: number; reason: string }) {
  const ticket = await getTicketByNo(ctx.db, ticketNo);
  requireLeadUnit(ctx, ticket, '申请延期');
  if (!ticket.dueAt) throw validationError('工单尚无办理时限', 'extraWorkingDays');
  const requested = ctx.rules.calendar.endOfNthWorkingDay(ticket.dueAt, input.extraWorkingDays);
  return transition(ctx, {
    ticket,
    action: 'request_extension',
    patch: { extensionRequestedAt: ctx.now(), extensionRequestedDueAt: requested, extensionReason: input.reason },
    guard: isNull(tickets.extensionRequestedAt),
    conflictMessage: '已有待审批的延期申请',
    event: {
      note: input.reason,
      public: false,
      data: { extraWorkingDays: input.extraWorkingDays, requestedDueAt: requested.toISOString(), currentDueAt: ticket.dueAt.toISOString() },
    },
  });
}

/** 批准延期: the due time moves to the requested one; the citizen sees the new limit. */
export async function approveExtension(ctx: DomainContext, ticketNo: string, input: { note?: string | undefined } = {}) {
  requireRole(ctx.actor, ACTION_ROLES.approve_extension, '审批延期');
  const ticket = await getTicketByNo(ctx.db, ticketNo);
  const requested = ticket.extensionRequestedDueAt;
  return transition(ctx, {
    ticket,
    action: 'approve_extension',
    patch: {
      dueAt: requested,
      extensionCount: ticket.extensionCount + 1,
      extensionRequestedAt: null,
      extensionRequestedDueAt: null,
      extensionReason: null,
    },
    guard: isNotNull(tickets.extensionRequestedAt),
    conflictMessage: '没有待审批的延期申请',
    event: {
      note: input.note,
      public: true,
      data: { previousDueAt: ticket.dueAt?.toISOString() ?? null, dueAt: requested?.toISOString() ?? null, dueAtText: requested ? formatLocal(requested) : null },
    },
  });
}

export async function denyExtension(ctx: DomainContext, ticketNo: string, input: { reason: string }) {
  requireRole(ctx.actor, ACTION_ROLES.deny_extension, '审批延期');
  const ticket = await getTicketByNo(ctx.db, ticketNo);
  return transition(ctx, {
    ticket,
    action: 'deny_extension',
    patch: { extensionRequestedAt: null, extensionRequestedDueAt: null, extensionReason: null },
    guard: isNotNull(tickets.extensionRequestedAt),
    conflictMessage: '没有待审批的延期申请',
    event: { note: input.reason, public: false },
  });
}
