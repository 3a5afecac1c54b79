import { tickets } from '@hotline/db';
import { and, between, desc, eq, gte, ne, notInArray, or, type SQL, sql } from 'drizzle-orm';
import { searchEntries } from '../knowledge/ask.ts';
import type { KnowledgeService } from '../knowledge/knowledge-service.ts';
import type { DomainContext } from '../context.ts';
import { CHANNEL_LABELS } from '../labels.ts';
import { assertCanView, getTicketByNo } from './internal.ts';
import { STATUS_LABELS } from './state-machine.ts';
import type { TicketRow } from './transition.ts';

// 工单页旁: what the workbench shows beside a ticket. Tickets that look like
// the same matter (the start of duplicate handling across channels) and the
// knowledge entries closest to its text (for 直接答复).

const LOOK_BACK_DAYS = 30;
/** "Nearby" when both tickets carry coordinates: a few hundred metres, a block or two in a city. */
export const NEARBY_METRES = 500;
/** Most recent candidates compared: a busy district's month, read through the created-at and district indexes. */
const CANDIDATES = 400;
/** Text overlap needed when the place matches (same street, or within NEARBY_METRES). */
const MIN_TEXT_NEAR = 0.2;
/** Text overlap needed when only the district matches (or the tickets carry no place). */
const MIN_TEXT_FAR = 0.45;
/** Statuses a ticket can be merged into; a merged or rejected ticket is never offered. */
const NOT_TARGETS = ['merged', 'rejected'] as const;

/** Character bigrams of the Chinese (and alphanumeric) text, punctuation and spaces dropped: no segmenter needed. */
function bigrams(text: string): Set<string> {
  const chars = [...text.replace(/[^\p{Script=Han}\p{L}\p{N}]+/gu, '')];
  const grams = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) grams.add(chars[i]! + chars[i + 1]!);
  return grams;
}

/** Dice overlap of two bigram sets, 0…1. Short titles weigh as much as long descriptions. */
function dice(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const gram of a) if (b.has(gram)) shared++;
  return (2 * shared) / (a.size + b.size);
}

/** Text similarity: the better of title-with-title and the whole text with the whole text. */
function textScore(a: { title: Set<string>; all: Set<string> }, b: { title: Set<string>; all: Set<string> }): number {
  return Math.max(dice(a.title, b.title), dice(a.all, b.all));
}

/** Great-circle distance in metres. */
export function distanceMetres(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLng = (lng2 - lng1) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.min(1, Math.sqrt(h)));
}

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

const textOf = (t: { title: string; description: string }) => ({ title: bigrams(t.title), all: bigrams(`${t.title} ${t.description}`) });

/**
 * Tickets that look like the same matter as this one: filed in the last 30
 * days on any channel, in the same or a nearby place (same street, or
 * coordinates within 500 m) with similar text, or in the same district with
 * very similar text; never the ticket itself, nor a merged or rejected one
 * (neither can be merged into). Unit handlers see only their unit's tickets,
 * and another unit's ticket is a 404 as everywhere.
 */
export async function findSameMatter(ctx: DomainContext, ticketNo: string, options: { limit?: number } = {}): Promise<{ items: SameMatterTicket[] }> {
  const ticket = await getTicketByNo(ctx.db, ticketNo);
  const staff = assertCanView(ctx.actor, ticket);
  const since = new Date(ctx.now().getTime() - LOOK_BACK_DAYS * 86_400_000);
  const place: SQL[] = [];
  if (ticket.districtCode) place.push(eq(tickets.districtCode, ticket.districtCode));
  if (ticket.lat !== null && ticket.lng !== null) {
    // A box a little larger than the radius; the exact distance is checked below.
    const dLat = NEARBY_METRES / 111_000;
    const dLng = NEARBY_METRES / (111_000 * Math.max(0.2, Math.cos((ticket.lat * Math.PI) / 180)));
    place.push(and(between(tickets.lat, ticket.lat - dLat, ticket.lat + dLat), between(tickets.lng, ticket.lng - dLng, ticket.lng + dLng))!);
  }
  if (place.length === 0 && ticket.categoryCode) place.push(eq(tickets.categoryCode, ticket.categoryCode));
  const scope =
    staff.role === 'unit_handler' && staff.unitId ? or(eq(tickets.leadUnitId, staff.unitId), sql`${tickets.coUnitIds} @> ${JSON.stringify([staff.unitId])}::jsonb`) : undefined;
  const rows = await ctx.db
    .select({
      ticketNo: tickets.ticketNo,
      title: tickets.title,
      description: tickets.description,
      status: tickets.status,
      channel: tickets.channel,
      districtCode: tickets.districtCode,
      streetCode: tickets.streetCode,
      lat: tickets.lat,
      lng: tickets.lng,
      createdAt: tickets.createdAt,
    })
    .from(tickets)
    .where(and(gte(tickets.createdAt, since), ne(tickets.id, ticket.id), notInArray(tickets.status, [...NOT_TARGETS]), place.length ? or(...place) : undefined, scope))
    .orderBy(desc(tickets.createdAt))
    .limit(CANDIDATES);

  const mine = textOf(ticket);
  const { catalog } = ctx.rules;
  const found: SameMatterTicket[] = [];
  for (const row of rows) {
    const match = placeMatch(ticket, row);
    const score = textScore(mine, textOf(row));
    if (score < (match.place === 'nearby' || match.place === 'street' ? MIN_TEXT_NEAR : MIN_TEXT_FAR)) continue;
    const streetName = row.streetCode ? (catalog.streets.get(row.streetCode)?.name ?? null) : null;
    const percent = Math.round(score * 100);
    const where =
      match.place === 'nearby' ? `相距约 ${match.distance} 米` : match.place === 'street' ? `同一街道 ${streetName ?? ''}`.trim() : match.place === 'district' ? '同一区' : '';
    found.push({
      ticketNo: row.ticketNo,
      title: row.title,
      status: row.status,
      statusLabel: STATUS_LABELS[row.status],
      channel: row.channel,
      channelLabel: CHANNEL_LABELS[row.channel],
      districtName: row.districtCode ? (catalog.districts.get(row.districtCode)?.name ?? null) : null,
      streetName,
      createdAt: row.createdAt.toISOString(),
      place: match.place,
      distanceMetres: match.distance,
      textScore: Math.round(score * 100) / 100,
      reason: [where, `内容相似 ${percent}%`].filter(Boolean).join(' · '),
    });
  }
  const placeRank = { nearby: 0, street: 1, district: 2, none: 3 } as const;
  found.sort((a, b) => placeRank[a.place] - placeRank[b.place] + (b.textScore - a.textScore) * 4 || b.createdAt.localeCompare(a.createdAt));
  return { items: found.slice(0, options.limit ?? 5) };
}

function placeMatch(
  ticket: TicketRow,
  row: { districtCode: string | null; streetCode: string | null; lat: number | null; lng: number | null },
): { place: SameMatterTicket['place']; distance: number | null } {
  if (ticket.lat !== null && ticket.lng !== null && row.lat !== null && row.lng !== null) {
    const distance = Math.round(distanceMetres(ticket.lat, ticket.lng, row.lat, row.lng));
    if (distance <= NEARBY_METRES) return { place: 'nearby', distance };
  }
  if (ticket.streetCode && ticket.streetCode === row.streetCode) return { place: 'street', distance: null };
  if (ticket.districtCode && ticket.districtCode === row.districtCode) return { place: 'district', distance: null };
  return { place: 'none', distance: null };
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
