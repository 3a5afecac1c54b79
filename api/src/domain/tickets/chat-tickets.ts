import { tickets } from '@hotline/db';
import { and, desc, eq } from 'drizzle-orm';
import type { DomainContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { findTicketByNo } from './internal.ts';
import { STATUS_LABELS, type TicketStatus } from './state-machine.ts';
import type { TicketRow } from './transition.ts';

/** The chat networks' ticket channels: both WeChat networks file as 'wechat'. */
export const CHAT_CHANNELS = ['wechat', 'telegram'] as const;
export type ChatChannel = (typeof CHAT_CHANNELS)[number];

export interface ChatAccount {
  channel: ChatChannel;
  channelUserId: string;
}

export interface ChatTicketSummary {
  ticketNo: string;
  title: string;
  status: TicketStatus;
  statusLabel: string;
  createdAt: string;
  canRate: boolean;
}

/**
 * 我的工单: the tickets filed from one chat account, newest first. Only for
 * the bots themselves (the route checks the internal token): the chat
 * account is the proof of ownership, as the query code is on the web.
 */
export async function listChatTickets(ctx: DomainContext, account: ChatAccount, limit = 10): Promise<ChatTicketSummary[]> {
  const rows = await ctx.db
    .select({ ticketNo: tickets.ticketNo, title: tickets.title, status: tickets.status, createdAt: tickets.createdAt })
    .from(tickets)
    .where(and(eq(tickets.channel, account.channel), eq(tickets.channelUserId, account.channelUserId)))
    .orderBy(desc(tickets.createdAt), desc(tickets.ticketNo))
    .limit(limit);
  return rows.map((row) => ({
    ticketNo: row.ticketNo,
    title: row.title,
    status: row.status,
    statusLabel: STATUS_LABELS[row.status],
    createdAt: row.createdAt.toISOString(),
    canRate: row.status === 'replied' || row.status === 'answered',
  }));
}

/** A ticket filed from this chat account; someone else's answers like a missing one. */
export async function getChatTicket(ctx: DomainContext, account: ChatAccount, ticketNo: string): Promise<TicketRow> {
  const ticket = await findTicketByNo(ctx.db, ticketNo);
  if (!ticket || ticket.channel !== account.channel || ticket.channelUserId !== account.channelUserId) {
    throw notFound('没有找到您通过本聊天账号提交的这个工单');
  }
  return ticket;
}
