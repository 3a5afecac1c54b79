import type { DomainContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { getTicketByNo, requireRole } from './internal.ts';
import type { RatingFields } from './schemas.ts';
import type { TicketRow } from './transition.ts';
import { transition, type TicketInsert } from './transition.ts';
import { dispatchDueTimes } from '../time-limits/due-times.ts';
import { ACTION_ROLES } from './action-roles.ts';

const DAY = 24 * 60 * 60 * 1000;

export function isUnsatisfied(rating: RatingFields): boolean {
  return rating.processSatisfaction === 'unsatisfied' || rating.resultSatisfaction === 'unsatisfied';
}

/** Whether an unsatisfied rating given now would send the ticket back for another round (重办). */
export function reopenAllowed(ctx: DomainContext, ticket: TicketRow): boolean {
  const { reopenLimit, reopenWindowDays } = ctx.rules.settings.workflow;
  const answeredAt = ticket.repliedAt ?? ticket.answeredAt;
  if (ticket.reopenCount >= reopenLimit || !answeredAt) return false;
  return ctx.now().getTime() <= answeredAt.getTime() + reopenWindowDays * DAY;
}

/** The fields a reopened ticket gets: back to its lead unit with a fresh limit, or back to intake if it was answered there. */
export function reopenPatch(ctx: DomainContext, ticket: TicketRow): { to: 'in_progress' | 'accepted'; patch: Partial<TicketInsert> } {
  const now = ctx.now();
  if (ticket.leadUnitId && ticket.status !== 'answered' && !(ticket.status === 'closed' && ticket.answeredAt)) {
    const due = dispatchDueTimes(ctx.rules.calendar, ctx.rules.settings.timeLimits, ticket, now);
    return {
      to: 'in_progress',
      patch: { reopenCount: ticket.reopenCount + 1, dueAt: due.dueAt, closedAt: null, contactDueAt: due.contactDueAt, onSiteDueAt: due.onSiteDueAt },
    };
  }
  return { to: 'accepted', patch: { reopenCount: ticket.reopenCount + 1, answeredAt: null, closedAt: null } };
}

/**
 * 评价 / 回访: process and result satisfaction, resolved or not. The ticket
 * closes, unless the rating is unsatisfied and a reopen is still allowed, in
 * which case it goes back for another round (重办).
 */
async function rate(ctx: DomainContext, ticket: TicketRow, rating: RatingFields & { note?: string | undefined }, by: 'citizen' | 'callback') {
  if (ticket.status !== 'replied' && ticket.status !== 'answered') {
    const message =
      ticket.status === 'closed' && ticket.ratedAt
        ? '该工单已评价，感谢您的反馈'
        : ticket.status === 'closed'
          ? '该工单已办结，不能再评价'
          : '工单尚未答复，暂不能评价';
    throw new DomainError('CONFLICT', message, { status: ticket.status });
  }
  const now = ctx.now();
  const reopen = isUnsatisfied(rating) && reopenAllowed(ctx, ticket);
  const next = reopen ? reopenPatch(ctx, ticket) : { to: 'closed' as const, patch: { closedAt: now } };
  return transition(ctx, {
    ticket,
    action: 'rate',
    to: next.to,
    patch: {
      ...next.patch,
      ratedAt: now,
      ratedBy: by,
      processSatisfaction: rating.processSatisfaction,
      resultSatisfaction: rating.resultSatisfaction,
      resolved: rating.resolved,
      ratingComment: rating.comment ?? null,
    },
    event: {
      note: by === 'callback' ? (rating.note ?? null) : (rating.comment ?? null),
      public: true,
      data: {
        by,
        processSatisfaction: rating.processSatisfaction,
        resultSatisfaction: rating.resultSatisfaction,
        resolved: rating.resolved,
        reopened: reopen,
      },
    },
  });
}

/** The citizen's own rating, through any channel (the caller has checked the query code). */
export async function rateByCitizen(ctx: DomainContext, ticket: TicketRow, rating: RatingFields) {
  return rate(ctx, ticket, rating, 'citizen');
}

/** 回访: a supervisor calls the citizen and records the rating given on the phone. */
export async function recordCallback(ctx: DomainContext, ticketNo: string, rating: RatingFields & { note?: string | undefined }) {
  requireRole(ctx.actor, ACTION_ROLES.rate, '回访');
  const ticket = await getTicketByNo(ctx.db, ticketNo);
  return rate(ctx, ticket, rating, 'callback');
}
