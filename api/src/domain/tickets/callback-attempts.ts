import { type Queryable, ticketEvents } from '@hotline/db';
import { and, eq, gte } from 'drizzle-orm';
import { localDayOf } from '../calendar/local-time.ts';
import type { DomainContext } from '../context.ts';
import { getTicketByNo, requireRole } from './internal.ts';
import type { TicketRow } from './transition.ts';
import { transition } from './transition.ts';
import { ACTION_ROLES } from './action-roles.ts';

export interface CallbackProgress {
  attempts: number;
  days: number;
  /** Whether the attempts so far let the ticket close as 联系不上. */
  enough: boolean;
}

/** 回访未接通: a supervisor called and could not reach the citizen; the attempt is counted towards closing as 联系不上. */
export async function recordCallbackAttempt(ctx: DomainContext, ticketNo: string, input: { note?: string | undefined } = {}) {
  requireRole(ctx.actor, ACTION_ROLES.callback_attempt, '记录回访未接通');
  const ticket = await getTicketByNo(ctx.db, ticketNo);
  const before = await callbackProgress(ctx, ctx.db, ticket);
  return transition(ctx, {
    ticket,
    action: 'callback_attempt',
    event: { note: input.note, public: false, data: { attempt: before.attempts + 1 } },
  });
}

/**
 * Failed callback attempts in the current round (since the latest reply or
 * direct answer), and whether they are enough to close unreached: the
 * offices call every citizen back, and give up only after trying on
 * several days.
 */
export async function callbackProgress(ctx: DomainContext, db: Queryable, ticket: TicketRow): Promise<CallbackProgress> {
  const since = ticket.repliedAt ?? ticket.answeredAt ?? ticket.createdAt;
  const rows = await db
    .select({ createdAt: ticketEvents.createdAt })
    .from(ticketEvents)
    .where(and(eq(ticketEvents.ticketId, ticket.id), eq(ticketEvents.action, 'callback_attempt'), gte(ticketEvents.createdAt, since)));
  const { callbackAttempts, callbackAttemptDays } = ctx.rules.settings.workflow;
  const days = new Set(rows.map((r) => localDayOf(r.createdAt))).size;
  return { attempts: rows.length, days, enough: rows.length >= callbackAttempts && days >= callbackAttemptDays };
}

/** What is still missing before a ticket may close unreached, in the supervisor's words. */
export function missingCallbackMessage(ctx: DomainContext, progress: CallbackProgress): string {
  const { callbackAttempts, callbackAttemptDays } = ctx.rules.settings.workflow;
  return (
    `办结前须完成回访：请先记录回访结果（回访）；联系不上时，须在至少 ${callbackAttemptDays} 个不同的日子共尝试 ${callbackAttempts} 次并逐次记录（回访未接通）。` +
    `本轮已记录 ${progress.attempts} 次，分布在 ${progress.days} 天。`
  );
}
