import { tickets } from '@hotline/db';
import { maskPersonalData } from '@hotline/knowledge';
import { and, desc, eq, gte, inArray, isNotNull, lt, ne, or, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { instantAt } from '../calendar/local-time.ts';
import type { DomainContext } from '../context.ts';
import { maskAddress } from '../privacy/mask.ts';
import type { TicketRow } from '../tickets/transition.ts';

const page = {
  page: z.coerce.number().int().min(1).max(1000).default(1),
  pageSize: z.coerce.number().int().min(1).max(50).default(10),
};

export const LettersQuery = z.object({ q: z.string().trim().max(50).optional(), ...page });
export const EchoWallQuery = z.object({
  category: z.string().trim().max(80).optional(),
  district: z.string().trim().max(64).optional(),
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM')
    .optional(),
  ...page,
});

/**
 * Text of a case as the public sees it: the citizen's name, phone and ID
 * numbers and house numbers of the address gone. Only cases whose writers
 * agreed to publication get here at all.
 */
export function scrub(text: string, ticket: Pick<TicketRow, 'citizenName' | 'address'>): string {
  let out = text;
  if (ticket.address) out = out.replaceAll(ticket.address, maskAddress(ticket.address) ?? '');
  if (ticket.citizenName && [...ticket.citizenName].length >= 2) out = out.replaceAll(ticket.citizenName, '某某');
  return maskPersonalData(out);
}

function publicCase(ctx: DomainContext, t: TicketRow) {
  const { catalog, settings } = ctx.rules;
  const answeredAt = t.repliedAt ?? t.answeredAt;
  return {
    ticketNo: t.ticketNo,
    title: scrub(t.title, t),
    content: scrub(t.description, t),
    category: t.categoryCode ? { code: t.categoryCode, name: catalog.categories.get(t.categoryCode)?.name ?? t.categoryCode } : null,
    district: t.districtCode ? (catalog.districts.get(t.districtCode)?.name ?? null) : null,
    addressee: t.addressee ? (settings.mailbox.addressees.find((a) => a.code === t.addressee)?.label ?? null) : null,
    unit: t.leadUnitId ? (catalog.units.get(t.leadUnitId)?.name ?? null) : null,
    submittedAt: t.createdAt.toISOString(),
    repliedAt: answeredAt?.toISOString() ?? null,
    reply: t.replyText ? scrub(t.replyText, t) : null,
  };
}

const publishable = (): SQL =>
  and(eq(tickets.publishConsent, true), eq(tickets.confidential, false), isNotNull(tickets.replyText), inArray(tickets.status, ['replied', 'answered', 'closed']))!;

async function pageOf(ctx: DomainContext, where: SQL, query: { page: number; pageSize: number }) {
  const [rows, [total]] = await Promise.all([
    ctx.db
      .select()
      .from(tickets)
      .where(where)
      .orderBy(desc(sql`coalesce(${tickets.repliedAt}, ${tickets.answeredAt})`), desc(tickets.createdAt))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize),
    ctx.db.select({ n: sql<number>`count(*)::int` }).from(tickets).where(where),
  ]);
  return { items: rows.map((t) => publicCase(ctx, t)), total: Number(total?.n ?? 0), page: query.page, pageSize: query.pageSize };
}

/** 市长信箱: letters whose writers agreed to publication, with the official reply. */
export async function listMailboxLetters(ctx: DomainContext, query: z.infer<typeof LettersQuery>) {
  const conditions: SQL[] = [eq(tickets.channel, 'mailbox'), publishable()];
  if (query.q) {
    const pattern = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(or(sql`${tickets.title} ilike ${pattern}`, sql`${tickets.description} ilike ${pattern}`, sql`${tickets.replyText} ilike ${pattern}`)!);
  }
  return pageOf(ctx, and(...conditions)!, query);
}

/** 回音壁: handled cases published with consent (reports, which may name people, never). */
export async function listEchoWall(ctx: DomainContext, query: z.infer<typeof EchoWallQuery>) {
  const conditions: SQL[] = [publishable(), eq(tickets.status, 'closed'), ne(tickets.type, 'report'), ne(tickets.channel, 'mailbox')];
  if (query.category) conditions.push(or(eq(tickets.categoryCode, query.category), eq(tickets.subcategoryCode, query.category))!);
  if (query.district) conditions.push(eq(tickets.districtCode, query.district));
  if (query.month) {
    const start = instantAt(`${query.month}-01`, 0);
    const [y, m] = query.month.split('-').map(Number) as [number, number];
    const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
    const replied = sql`coalesce(${tickets.repliedAt}, ${tickets.answeredAt})`;
    conditions.push(and(gte(replied, start), lt(replied, instantAt(next, 0)))!);
  }
  return pageOf(ctx, and(...conditions)!, query);
}
