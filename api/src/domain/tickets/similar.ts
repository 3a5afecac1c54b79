import { tickets } from '@hotline/db';
import { and, desc, eq, gte, inArray, or, type SQL } from 'drizzle-orm';
import type { DomainContext } from '../context.ts';
import { STATUS_LABELS } from './state-machine.ts';

/** Open tickets that may be the same matter; the look-back of DESIGN.md's duplicate handling. */
const SIMILAR_OPEN = ['submitted', 'accepted', 'dispatched', 'in_progress', 'return_requested'] as const;
const LOOK_BACK_DAYS = 30;
/** Most recent candidates compared per call: a busy district's month is read in one indexed query. */
const CANDIDATES = 300;
/** Bigram overlap above which a ticket is offered as possibly the same matter; tuned by eye on the seeds. */
const MIN_SCORE = 0.12;

/** Character bigrams of the Chinese (and alphanumeric) text, punctuation dropped: no segmenter needed. */
function bigrams(text: string): Set<string> {
  const chars = [...text.replace(/[^\p{Script=Han}\p{L}\p{N}]+/gu, '')];
  const grams = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) grams.add(chars[i]! + chars[i + 1]!);
  return grams;
}

/** Share of the caller's bigrams found in the ticket (containment, so a short call still matches a long ticket). */
function overlap(query: Set<string>, other: Set<string>): number {
  if (query.size === 0) return 0;
  let shared = 0;
  for (const gram of query) if (other.has(gram)) shared++;
  return shared / query.size;
}

export interface SimilarTicket {
  ticketNo: string;
  title: string;
  status: string;
  statusLabel: string;
  districtName: string | null;
  address: string | null;
  createdAt: string;
  score: number;
}

/**
 * 已有工单: open tickets of the last 30 days in the same district or category
 * whose text shares enough with what the caller says, best first. Offered
 * at intake so the operator can tell the caller "已有工单 编号 …".
 */
export async function findSimilarOpenTickets(
  ctx: DomainContext,
  input: { text: string; districtCode?: string | null; categoryCode?: string | null; limit?: number },
): Promise<SimilarTicket[]> {
  const query = bigrams(input.text);
  if (query.size < 2) return [];
  const since = new Date(ctx.now().getTime() - LOOK_BACK_DAYS * 86_400_000);
  const place: SQL[] = [];
  if (input.districtCode) place.push(eq(tickets.districtCode, input.districtCode));
  if (input.categoryCode) place.push(eq(tickets.categoryCode, input.categoryCode), eq(tickets.subcategoryCode, input.categoryCode));
  const rows = await ctx.db
    .select({
      ticketNo: tickets.ticketNo,
      title: tickets.title,
      description: tickets.description,
      address: tickets.address,
      status: tickets.status,
      districtCode: tickets.districtCode,
      createdAt: tickets.createdAt,
    })
    .from(tickets)
    .where(and(inArray(tickets.status, [...SIMILAR_OPEN]), gte(tickets.createdAt, since), place.length ? or(...place) : undefined))
    .orderBy(desc(tickets.createdAt))
    .limit(CANDIDATES);
  return rows
    .map((r) => ({ row: r, score: overlap(query, bigrams(`${r.title} ${r.description} ${r.address ?? ''}`)) }))
    .filter((s) => s.score >= MIN_SCORE)
    .sort((a, b) => b.score - a.score)
    .slice(0, input.limit ?? 5)
    .map(({ row, score }) => ({
      ticketNo: row.ticketNo,
      title: row.title,
      status: row.status,
      statusLabel: STATUS_LABELS[row.status],
      districtName: row.districtCode ? (ctx.rules.catalog.districts.get(row.districtCode)?.name ?? null) : null,
      address: row.address,
      createdAt: row.createdAt.toISOString(),
      score: Math.round(score * 100) / 100,
    }));
}
