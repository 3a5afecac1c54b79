import type { CitizenTicket } from '../../api-client.ts';
import type { ChatButton, OutboundMessage } from '../types.ts';
import { type DialogContext, type DialogState, type Turn, button, cancelButton, m, menuButtons, say } from '../turn.ts';

/** 我的工单 and 查询进度: a chat account's own tickets, and any ticket by number and query code. */

const TICKET_NO = /^\d{12,20}$/;
const QUERY_CODE = /^\d{8}$/;

export async function myTickets(ctx: DialogContext, t: Turn): Promise<void> {
  const res = await ctx.api.chatTickets(t.account, t.clientKey);
  if (!res.ok) {
    t.out.push(say(res.error.status >= 500 ? m.unavailable : res.error.message));
    return;
  }
  const items = res.data.items;
  if (items.length === 0) {
    t.out.push(say(m.myTickets.none, [button(m.buttons.file)]));
    return;
  }
  const lines = [m.myTickets.title, ...items.map((x, i) => m.myTickets.line(i + 1, x.ticketNo, x.title, x.statusLabel)), m.myTickets.hint];
  const buttons = items.slice(0, 5).map((x) => button(m.buttons.view(x.ticketNo)));
  t.out.push(say(lines.join('\n'), buttons));
}

/** A ticket of this chat account, without the query code. */
export async function showOwn(ctx: DialogContext, t: Turn, ticketNo: string): Promise<void> {
  const res = await ctx.api.chatTicket(ticketNo, t.account, t.clientKey);
  if (res.ok) {
    t.state = null;
    t.out.push(viewMessage(res.data));
    return;
  }
  if (res.error.status === 404) {
    // Filed elsewhere (the web, the phone): the query code proves it is theirs.
    t.state = { step: 'progress', need: 'queryCode', ticketNo };
    t.out.push(say(m.progress.askQueryCode, [cancelButton()]));
    return;
  }
  t.out.push(say(res.error.status >= 500 ? m.unavailable : res.error.message));
}

export function startProgress(t: Turn): void {
  t.state = { step: 'progress', need: 'ticketNo' };
  t.out.push(say(m.progress.askTicketNo, [cancelButton()]));
}

export async function progressText(ctx: DialogContext, t: Turn, state: Extract<DialogState, { step: 'progress' }>, text: string): Promise<void> {
  const digits = text.replace(/\s/g, '');
  if (state.need === 'ticketNo') {
    if (!TICKET_NO.test(digits)) {
      t.out.push(say(m.progress.badTicketNo, [cancelButton()]));
      return;
    }
    t.state = { step: 'progress', need: 'queryCode', ticketNo: digits };
    t.out.push(say(m.progress.askQueryCode, [cancelButton()]));
    return;
  }
  if (!QUERY_CODE.test(digits)) {
    t.out.push(say(m.progress.badQueryCode, [cancelButton()]));
    return;
  }
  await lookup(ctx, t, state.ticketNo!, digits);
}

export async function lookup(ctx: DialogContext, t: Turn, ticketNo: string, queryCode: string): Promise<void> {
  const res = await ctx.api.lookup(ticketNo, queryCode, t.clientKey);
  if (!res.ok) {
    t.state = null;
    t.out.push(say(res.error.status >= 500 ? m.unavailable : res.error.message, menuButtons()));
    return;
  }
  // Kept for a rating or reopen request that follows.
  t.state = { step: 'viewed', ticketNo, queryCode };
  t.out.push(viewMessage(res.data));
}

export function viewMessage(ticket: CitizenTicket): OutboundMessage {
  const lines = [m.progress.view(ticket)];
  if (ticket.unit) lines.push(m.progress.unit(ticket.unit));
  if (ticket.reply) lines.push(m.progress.reply(ticket.reply.text));
  else {
    const latest = ticket.timeline.at(-1);
    if (latest) lines.push(m.progress.latest(latest.text));
  }
  if (ticket.rating) lines.push(m.progress.rated);
  const buttons: ChatButton[] = [];
  if (ticket.canRate) {
    lines.push(m.progress.canRate);
    buttons.push(button(m.buttons.rate(ticket.ticketNo)));
    if (ticket.unsatisfiedReopens) buttons.push(button(m.buttons.reopen(ticket.ticketNo)));
  }
  return say(lines.join('\n'), buttons);
}
