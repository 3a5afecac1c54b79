import { newId, ticketFollowers } from '@hotline/db';
import type { Channel } from '@hotline/db/enums';
import type { DomainContext } from '../context.ts';
import { conflict, DomainError, notFound } from '../errors.ts';
import { redact } from '../privacy/redact.ts';
import { type DuplicateProbe, findDuplicates, OPEN_STATUSES, reporterCounts } from './duplicates.ts';
import { findTicketByNo } from './internal.ts';
import { STATUS_LABELS } from './state-machine.ts';

export interface FollowInput {
  channel: Channel;
  /** Chats: the citizen's chat account (`telegram:…`, `wechat-oa:…`), as on a filing. */
  channelUserId?: string | null | undefined;
  /** Portal and phone line: the citizen's number (the hotline may call back; never shown unmasked). */
  phone?: string | null | undefined;
}

/** What the citizen is told after following: the ticket's public fields and its reporters. */
export interface FollowedTicket {
  ticketNo: string;
  title: string;
  status: string;
  statusLabel: string;
  reporters: number;
  /** False when this citizen already followed it (nothing changed). */
  added: boolean;
}

/**
 * 关注此工单: a citizen follows an open ticket on the same matter instead of
 * filing again. The follower is counted in the ticket's reporters; the
 * ticket's public events reach them on their own channel (chat followers: the
 * bots' notification handler). The same person follows a ticket once.
 * Confidential (保密) tickets are never offered and cannot be followed.
 */
export async function followTicket(ctx: DomainContext, ticketNo: string, input: FollowInput): Promise<FollowedTicket> {
  const ticket = await findTicketByNo(ctx.db, ticketNo);
  if (!ticket || ticket.confidential) throw notFound(`未找到工单 ${ticketNo}`);
  if (!(OPEN_STATUSES as readonly string[]).includes(ticket.status)) throw conflict(`工单 ${ticketNo} 已${STATUS_LABELS[ticket.status]}，不能再关注；如问题仍未解决请重新提交`);
  const followerKey = input.channelUserId ? `${input.channel}:${input.channelUserId}` : input.phone ? `phone:${input.phone}` : null;
  if (!followerKey) throw new DomainError('VALIDATION', '请填写手机号码', [{ path: 'phone', message: '请填写手机号码，以便办理单位联系您' }]);
  const inserted = await ctx.db
    .insert(ticketFollowers)
    .values({
      id: newId(ctx.now().getTime()),
      ticketId: ticket.id,
      followerKey,
      channel: input.channel,
      channelUserId: input.channelUserId ?? null,
      phone: input.phone ?? null,
      createdAt: ctx.now(),
    })
    .onConflictDoNothing()
    .returning({ id: ticketFollowers.id });
  const reporters = (await reporterCounts(ctx, [ticket.id])).get(ticket.id) ?? 1;
  return {
    ticketNo: ticket.ticketNo,
    title: redact(ticket.title, { names: ticket.citizenName ? [ticket.citizenName] : [] }).text,
    status: ticket.status,
    statusLabel: STATUS_LABELS[ticket.status],
    reporters,
    added: inserted.length > 0,
  };
}

/** A ticket offered to a citizen before filing: public fields only. */
export interface PublicSimilarTicket {
  ticketNo: string;
  /** The filer's name and numbers taken out (redact), as on the echo wall. */
  title: string;
  status: string;
  statusLabel: string;
  /** Citizens who reported it: the filer, its duplicates and its followers. */
  reporters: number;
  filedAt: string;
}

/**
 * The open tickets a citizen may follow instead of filing `probe`: the
 * duplicate finder's matches still being handled, never a confidential one.
 */
export async function similarForFiling(ctx: DomainContext, probe: DuplicateProbe, limit = 3): Promise<PublicSimilarTicket[]> {
  const found = (await findDuplicates(ctx, probe, { openOnly: true, limit: limit + 2 })).filter((d) => !d.confidential).slice(0, limit);
  const reporters = await reporterCounts(ctx, found.map((d) => d.id));
  return found.map((d) => ({
    ticketNo: d.ticketNo,
    title: redact(d.title, { names: d.citizenName ? [d.citizenName] : [] }).text,
    status: d.status,
    statusLabel: STATUS_LABELS[d.status],
    reporters: reporters.get(d.id) ?? 1,
    filedAt: d.createdAt.toISOString(),
  }));
}
