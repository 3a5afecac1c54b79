import { tickets } from '@hotline/db';
import { and, desc, eq, gte, inArray } from 'drizzle-orm';
import type { DomainContext } from '../context.ts';
import { conflict } from '../errors.ts';
import { type ChatAccount, getChatTicket } from './chat-tickets.ts';
import { bigrams, OPEN_STATUSES } from './duplicates.ts';
import { STATUS_LABELS } from './state-machine.ts';
import { transition, type TicketRow } from './transition.ts';

/**
 * 补充诉求: a citizen who writes again about a matter already filed from the
 * same chat account adds the message to that ticket instead of filing a
 * second one. The supplement is a public event of the ticket (the unit sees
 * it in the ticket's history, the citizen in the timeline); it changes no
 * status and goes through the state machine like every change.
 */

/** How alike the new message and an open ticket must be (bigram Dice over title and description). */
export const MIN_SUPPLEMENT_SIMILARITY = 0.2;
const LOOK_BACK_DAYS = 60;

export interface OwnOpenTicket {
  ticketNo: string;
  title: string;
  status: string;
  statusLabel: string;
  similarity: number;
}

function dice(a: Set<string>, b: Set<string>): { score: number; shared: number } {
  if (a.size === 0 || b.size === 0) return { score: 0, shared: 0 };
  let shared = 0;
  for (const gram of a) if (b.has(gram)) shared++;
  return { score: (2 * shared) / (a.size + b.size), shared };
}

/** This chat account's open tickets that the text is most likely about, most alike first. */
export async function ownSimilarOpenTickets(ctx: DomainContext, account: ChatAccount, text: string, limit = 1): Promise<OwnOpenTicket[]> {
  const since = new Date(ctx.now().getTime() - LOOK_BACK_DAYS * 24 * 3600_000);
  const rows = await ctx.db
    .select({ ticketNo: tickets.ticketNo, title: tickets.title, description: tickets.description, status: tickets.status })
    .from(tickets)
    .where(
      and(
        eq(tickets.channel, account.channel),
        eq(tickets.channelUserId, account.channelUserId),
        inArray(tickets.status, [...OPEN_STATUSES]),
        gte(tickets.createdAt, since),
      ),
    )
    .orderBy(desc(tickets.createdAt))
    .limit(20);
  const probe = bigrams(text);
  return rows
    .map((row) => ({ row, ...dice(probe, bigrams(`${row.title} ${row.description}`)) }))
    .filter((x) => x.score >= MIN_SUPPLEMENT_SIMILARITY && x.shared >= 3)
    .sort((a, b) => b.score - a.score)
    .slice(0, limit)
    .map(({ row, score }) => ({ ticketNo: row.ticketNo, title: row.title, status: row.status, statusLabel: STATUS_LABELS[row.status], similarity: Math.round(score * 100) / 100 }));
}

export interface SupplementInput {
  text: string;
  /** A voice message's WeChat media id: staff fetch the recording from the ticket page. */
  voiceMediaId?: string | undefined;
}

/** Adds the citizen's message to their own open ticket as a public event. */
export async function supplementChatTicket(ctx: DomainContext, account: ChatAccount, ticketNo: string, input: SupplementInput): Promise<TicketRow> {
  const ticket = await getChatTicket(ctx, account, ticketNo);
  if (!(OPEN_STATUSES as readonly string[]).includes(ticket.status)) {
    throw conflict(`工单 ${ticketNo} 已${STATUS_LABELS[ticket.status]}，不能再补充；如问题仍未解决请重新提交`);
  }
  const { ticket: updated } = await transition(ctx, {
    ticket,
    action: 'supplement',
    event: { public: true, note: input.text, data: { channel: account.channel, ...(input.voiceMediaId ? { voiceMediaId: input.voiceMediaId } : {}) } },
  });
  return updated;
}
