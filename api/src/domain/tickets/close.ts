import { ticketEvents, tickets } from '@hotline/db';
import { and, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { DomainContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { getTicketByNo, requireRole } from './internal.ts';
import { reopenPatch } from './rate.ts';
import { callbackProgress, missingCallbackMessage } from './callback-attempts.ts';
import { assertTransition } from './state-machine.ts';
import { transition } from './transition.ts';
import { ACTION_ROLES } from './action-roles.ts';

/** 重办 by a supervisor, e.g. after an unsatisfied callback; not bound by the citizen's reopen limit. */
export async function reopenTicket(ctx: DomainContext, ticketNo: string, input: { reason: string }) {
  requireRole(ctx.actor, ACTION_ROLES.reopen, '重办');
  const ticket = await getTicketByNo(ctx.db, ticketNo);
  const next = reopenPatch(ctx, ticket);
  return transition(ctx, { ticket, action: 'reopen', to: next.to, patch: next.patch, event: { note: input.reason, public: true } });
}

/**
 * 办结 without a rating: only when the citizen could not be reached for the
 * callback after the required attempts (a rating closes the ticket by itself).
 */
export async function closeTicket(ctx: DomainContext, ticketNo: string, input: { note?: string | undefined } = {}) {
  requireRole(ctx.actor, ACTION_ROLES.close, '办结工单');
  const ticket = await getTicketByNo(ctx.db, ticketNo);
  assertTransition('close', ticket.status, 'closed');
  const progress = await callbackProgress(ctx, ctx.db, ticket);
  if (!progress.enough) throw new DomainError('CONFLICT', missingCallbackMessage(ctx, progress), { callbackAttempts: progress.attempts, callbackDays: progress.days });
  return transition(ctx, {
    ticket,
    action: 'close',
    to: 'closed',
    patch: { closedAt: ctx.now() },
    event: { note: input.note, public: true, data: { outcome: 'unreachable', callbackAttempts: progress.attempts } },
  });
}

// Unrated in the current round: never rated, or rated before the latest
// reply (an unsatisfied rating that sent the ticket back for another round).
const unratedSinceReply = () =>
  or(isNull(tickets.ratedAt), lt(tickets.ratedAt, sql`coalesce(${tickets.repliedAt}, ${tickets.answeredAt})`));

/**
 * The callback attempts of the current round meet the rule for closing
 * unreached (the same rule closeTicket applies, in SQL for the batch job).
 */
const callbackAttemptsComplete = (attempts: number, days: number) => sql`(
  select count(*) >= ${attempts} and count(distinct ((e.created_at at time zone 'Asia/Shanghai')::date)) >= ${days}
  from ${ticketEvents} e
  where e.ticket_id = ${tickets.id} and e.action = 'callback_attempt'
    and e.created_at >= coalesce(${tickets.repliedAt}, ${tickets.answeredAt})
)`;

/**
 * Closes replies nobody rated within `autoCloseDays` whose citizen could not
 * be reached for the callback. Safe to run on every instance at once: each
 * close is a conditional update, and a ticket rated in the meantime is
 * skipped as a conflict.
 */
export async function autoCloseUnrated(ctx: DomainContext, batchSize = 200): Promise<{ closed: number; skipped: number }> {
  if (ctx.actor.kind !== 'system') throw new DomainError('FORBIDDEN', '自动办结只能由系统任务执行');
  const { autoCloseDays, callbackAttempts, callbackAttemptDays } = ctx.rules.settings.workflow;
  const cutoff = new Date(ctx.now().getTime() - autoCloseDays * 24 * 60 * 60 * 1000);
  // 100% 回访: an unrated reply waits in 待回访 until it is called back; only
  // one whose citizen could not be reached after the required attempts closes
  // by itself, as 联系不上.
  const reached = callbackAttemptsComplete(callbackAttempts, callbackAttemptDays);
  let closed = 0;
  let skipped = 0;
  for (;;) {
    const due = await ctx.db
      .select()
      .from(tickets)
      .where(
        and(
          inArray(tickets.status, ['replied', 'answered']),
          unratedSinceReply(),
          lt(sql`coalesce(${tickets.repliedAt}, ${tickets.answeredAt})`, cutoff),
          reached,
        ),
      )
      .limit(batchSize);
    if (due.length === 0) break;
    for (const ticket of due) {
      try {
        await transition(ctx, {
          ticket,
          action: 'auto_close',
          to: 'closed',
          patch: { closedAt: ctx.now() },
          guard: and(unratedSinceReply(), reached),
          event: { public: true, data: { afterDays: autoCloseDays, outcome: 'unreachable' } },
        });
        closed++;
      } catch (error) {
        if (error instanceof DomainError && error.code === 'CONFLICT') skipped++;
        else throw error;
      }
    }
    if (due.length < batchSize) break;
  }
  return { closed, skipped };
}
