import { ticketPublications, tickets } from '@hotline/db';
import { and, desc, eq, gte, isNull, lt, ne, or, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { instantAt } from '../calendar/local-time.ts';
import type { DomainContext } from '../context.ts';
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

type PublishedRow = { t: TicketRow; p: typeof ticketPublications.$inferSelect };

/**
 * A case as the public sees it: only the texts a person published (stored
 * when published, never computed here), and reference data by name.
 */
function publicCase(ctx: DomainContext, { t, p }: PublishedRow) {
  const { catalog, settings } = ctx.rules;
  const answeredAt = t.repliedAt ?? t.answeredAt;
  return {
    ticketNo: t.ticketNo,
    title: p.title,
    content: p.content,
    category: t.categoryCode ? { code: t.categoryCode, name: catalog.categories.get(t.categoryCode)?.name ?? t.categoryCode } : null,
    district: t.districtCode ? (catalog.districts.get(t.districtCode)?.name ?? null) : null,
    addressee: t.addressee ? (settings.mailbox.addressees.find((a) => a.code === t.addressee)?.label ?? null) : null,
    unit: t.leadUnitId ? (catalog.units.get(t.leadUnitId)?.name ?? null) : null,
    submittedAt: t.createdAt.toISOString(),
    repliedAt: answeredAt?.toISOString() ?? null,
    reply: p.reply,
  };
}

/** Published and not taken down; the safeguards of publishing hold again here, in case a ticket changed since. */
const publishable = (): SQL =>
  and(isNull(ticketPublications.unpublishedAt), eq(tickets.publishConsent, true), eq(tickets.confidential, false), ne(tickets.type, 'report'))!;

async function pageOf(ctx: DomainContext, where: SQL, query: { page: number; pageSize: number }) {
  const [rows, [total]] = await Promise.all([
    ctx.db
      .select({ t: tickets, p: ticketPublications })
      .from(ticketPublications)
      .innerJoin(tickets, eq(tickets.id, ticketPublications.ticketId))
      .where(where)
      .orderBy(desc(sql`coalesce(${tickets.repliedAt}, ${tickets.answeredAt})`), desc(tickets.createdAt))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize),
    ctx.db
      .select({ n: sql<number>`count(*)::int` })
      .from(ticketPublications)
      .innerJoin(tickets, eq(tickets.id, ticketPublications.ticketId))
      .where(where),
  ]);
  return { items: rows.map((row) => publicCase(ctx, row)), total: Number(total?.n ?? 0), page: query.page, pageSize: query.pageSize };
}

/** 市长信箱: letters a person published, with the writer's consent and the official reply. */
export async function listMailboxLetters(ctx: DomainContext, query: z.infer<typeof LettersQuery>) {
  const conditions: SQL[] = [eq(tickets.channel, 'mailbox'), publishable()];
  if (query.q) {
    const pattern = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    // Search the public texts only: a search must not find a letter by a detail that was hidden.
    conditions.push(or(sql`${ticketPublications.title} ilike ${pattern}`, sql`${ticketPublications.content} ilike ${pattern}`, sql`${ticketPublications.reply} ilike ${pattern}`)!);
  }
  return pageOf(ctx, and(...conditions)!, query);
}

/** 回音壁: handled cases a person published, with the citizen's consent (reports never). */
export async function listEchoWall(ctx: DomainContext, query: z.infer<typeof EchoWallQuery>) {
  const conditions: SQL[] = [publishable(), ne(tickets.channel, 'mailbox')];
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
