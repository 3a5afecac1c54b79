import { tickets } from '@hotline/db';
import { and, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { DomainContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { getTicketByNo, requireRole } from './internal.ts';
import { reopenPatch } from './rate.ts';
import { transition } from './transition.ts';

/** 重办 by a supervisor, e.g. after an unsatisfied callback; not bound by the citizen's reopen limit. */
export async function reopenTicket(ctx: DomainContext, ticketNo: string, input: { reason: string }) {
  requireRole(ctx.actor, ['supervisor'], '重办');
  const ticket = await getTicketByNo(ctx.db, ticketNo);
  const next = reopenPatch(ctx, ticket);
  return transition(ctx, { ticket, action: 'reopen', to: next.to, patch: next.patch, event: { note: input.reason, public: true } });
}

/** 办结 without a rating, e.g. when the citizen cannot be reached for the callback. */
export async function closeTicket(ctx: DomainContext, ticketNo: string, input: { note?: string | undefined } = {}) {
  requireRole(ctx.actor, ['supervisor'], '办结工单');
  const ticket = await getTicketByNo(ctx.db, ticketNo);
  return transition(ctx, { ticket, action: 'close', to: 'closed', patch: { closedAt: ctx.now() }, event: { note: input.note, public: true } });
}

/**
 * Closes replies nobody rated within `autoCloseDays`. Safe to run on every
 * instance at once: each close is a conditional update, and a ticket rated
 * in the meantime is skipped as a conflict.
 */
// Unrated in the current round: never rated, or rated before the latest
// reply (an unsatisfied rating that sent the ticket back for another round).
const unratedSinceReply = () =>
  or(isNull(tickets.ratedAt), lt(tickets.ratedAt, sql`coalesce(${tickets.repliedAt}, ${tickets.answeredAt})`));

export async function autoCloseUnrated(ctx: DomainContext, batchSize = 200): Promise<{ closed: number; skipped: number }> {
  if (ctx.actor.kind !== 'system') throw new DomainError('FORBIDDEN', '自动办结只能由系统任务执行');
  const cutoff = new Date(ctx.now().getTime() - ctx.rules.settings.workflow.autoCloseDays * 24 * 60 * 60 * 1000);
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
          guard: unratedSinceReply(),
          event: { public: true, data: { afterDays: ctx.rules.settings.workflow.autoCloseDays } },
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
