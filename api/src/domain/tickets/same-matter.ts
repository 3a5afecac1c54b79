import { tickets } from '@hotline/db';
import { eq, or, sql } from 'drizzle-orm';
import { searchEntries } from '../knowledge/ask.ts';
import type { KnowledgeService } from '../knowledge/knowledge-service.ts';
import type { DomainContext } from '../context.ts';
import { CHANNEL_LABELS } from '../labels.ts';
import { assertCanView, getTicketByNo } from './internal.ts';
import { STATUS_LABELS } from './state-machine.ts';
import { findDuplicates } from './duplicates.ts';

// 工单页旁: what the workbench shows beside a ticket. Tickets that look like
// the same matter (the start of duplicate handling across channels) and the
// knowledge entries closest to its text (for 直接答复).

export { distanceMetres, NEARBY_METRES } from './duplicates.ts';

export interface SameMatterTicket {
  ticketNo: string;
  title: string;
  status: string;
  statusLabel: string;
  channel: string;
  channelLabel: string;
  districtName: string | null;
  streetName: string | null;
  createdAt: string;
  /** How the place matches: the same street, within `distanceMetres`, or only the same district. */
  place: 'nearby' | 'street' | 'district' | 'none';
  distanceMetres: number | null;
  /** Text similarity, 0…1. */
  textScore: number;
  /** Why it is offered, in the dispatcher's words (同一街道 和平街道 · 内容相似 62%). */
  reason: string;
}

/**
 * Tickets that look like the same matter as this one: the duplicate finder's
 * (duplicates.ts) matches of the last 30 days on any channel, in the same or a
 * nearby place with similar text, or in the same district with very similar
 * text, with a compatible category; never the ticket itself, nor a merged or
 * rejected one (neither can be merged into). Unit handlers see only their
 * unit's tickets, and another unit's ticket is a 404 as everywhere.
 */
export async function findSameMatter(ctx: DomainContext, ticketNo: string, options: { limit?: number } = {}): Promise<{ items: SameMatterTicket[] }> {
  const ticket = await getTicketByNo(ctx.db, ticketNo);
  const staff = assertCanView(ctx.actor, ticket);
  const scope =
    staff.role === 'unit_handler' && staff.unitId ? or(eq(tickets.leadUnitId, staff.unitId), sql`${tickets.coUnitIds} @> ${JSON.stringify([staff.unitId])}::jsonb`) : undefined;
  const found = await findDuplicates(ctx, ticket, { scope, limit: options.limit ?? 5 });
  const { catalog } = ctx.rules;
  const items = found.map((row): SameMatterTicket => {
    const streetName = row.streetCode ? (catalog.streets.get(row.streetCode)?.name ?? null) : null;
    const where =
      row.place === 'nearby' ? `相距约 ${row.distanceMetres} 米` : row.place === 'street' ? `同一街道 ${streetName ?? ''}`.trim() : row.place === 'district' ? '同一区' : '';
    return {
      ticketNo: row.ticketNo,
      title: row.title,
      status: row.status,
      statusLabel: STATUS_LABELS[row.status],
      channel: row.channel,
      channelLabel: CHANNEL_LABELS[row.channel],
      districtName: row.districtCode ? (catalog.districts.get(row.districtCode)?.name ?? null) : null,
      streetName,
      createdAt: row.createdAt.toISOString(),
      place: row.place,
      distanceMetres: row.distanceMetres,
      textScore: row.textScore,
      reason: [where, `内容相似 ${Math.round(row.textScore * 100)}%`].filter(Boolean).join(' · '),
    };
  });
  return { items };
}

/**
 * The knowledge entries closest to the ticket's text, for 直接答复: the same
 * search as the portal's, on the title and the start of the description. A
 * search outage says so (available: false) and leaves the page working.
 */
export async function knowledgeForTicket(ctx: DomainContext, kb: KnowledgeService, ticketNo: string, options: { limit?: number } = {}) {
  const ticket = await getTicketByNo(ctx.db, ticketNo);
  assertCanView(ctx.actor, ticket);
  const q = `${ticket.title} ${ticket.description}`.slice(0, 200);
  return searchEntries(ctx, kb, { q, limit: options.limit ?? 3 }).then(
    (r) => ({ available: true, confident: r.confident, hits: r.hits }),
    () => ({ available: false, confident: false, hits: [] as { id: string; question: string; answer: string; category: string; subcategory: string | null; score: number }[] }),
  );
}
