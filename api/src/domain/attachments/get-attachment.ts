import { attachments, tickets } from '@hotline/db';
import { and, eq } from 'drizzle-orm';
import type { DomainContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { assertCanView, getTicketByNo } from '../tickets/internal.ts';

/** A ticket's photo for staff who may see the ticket. */
export async function getAttachmentForStaff(ctx: DomainContext, ticketNo: string, attachmentId: string) {
  const ticket = await getTicketByNo(ctx.db, ticketNo);
  assertCanView(ctx.actor, ticket);
  const [row] = await ctx.db
    .select({ content: attachments.content, mimeType: attachments.mimeType })
    .from(attachments)
    .innerJoin(tickets, eq(tickets.id, attachments.ticketId))
    .where(and(eq(attachments.id, attachmentId), eq(attachments.ticketId, ticket.id)));
  if (!row) throw notFound('未找到该图片');
  return row;
}
