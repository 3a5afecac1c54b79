import { tickets, ticketPublications } from '@hotline/db';
import { and, desc, eq, isNull, or, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DomainContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { hardIdentifiersIn, type Redacted, redactCase, REDACTION_LABELS } from '../privacy/redact.ts';
import { getTicketByNo, requireRole } from '../tickets/internal.ts';
import type { TicketRow } from '../tickets/transition.ts';
import { transition } from '../tickets/transition.ts';

// 典型案例: a case reaches the echo wall (回音壁) or the public mailbox list
// only when a supervisor or an administrator publishes it, with a public
// text proposed by the redaction module, checked and edited by that person,
// and stored as it was published.

const text = (max: number, what: string) => z.string().trim().min(1, `请填写${what}`).max(max, `${what}不能超过 ${max} 字`);

export const PublishInput = z
  .object({
    title: text(100, '公开标题').optional(),
    content: text(5000, '公开的诉求内容').optional(),
    reply: text(5000, '公开的答复内容').optional(),
    reason: z.string().trim().max(500, '理由不能超过 500 字').optional(),
  })
  .strict();
export type PublishInput = z.infer<typeof PublishInput>;

export const UnpublishInput = z.object({ reason: text(500, '撤下的理由') }).strict();

export const PendingPublicationsQuery = z.object({
  category: z.string().trim().max(80).optional(),
  district: z.string().trim().max(64).optional(),
  page: z.coerce.number().int().min(1).max(1000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

type Eligibility = { publishable: false; why: string } | { publishable: true; proposed: boolean; why: string | null };

/** Whether a case may be published at all, and whether it is one the office publishes by default. */
export function publicationEligibility(ticket: TicketRow): Eligibility {
  if (ticket.confidential) return { publishable: false, why: '保密工单不能公开' };
  if (ticket.type === 'report') return { publishable: false, why: '举报类工单不能公开' };
  if (!ticket.publishConsent) return { publishable: false, why: '诉求人未同意公开' };
  if (!ticket.replyText) return { publishable: false, why: '尚无答复内容，不能公开' };
  const letter = ticket.channel === 'mailbox';
  if (!letter && ticket.status !== 'closed') return { publishable: false, why: '工单办结后才能公开' };
  if (letter && !['replied', 'answered', 'closed'].includes(ticket.status)) return { publishable: false, why: '来信答复后才能公开' };
  const good = (s: string | null) => s === 'satisfied' || s === 'basically_satisfied';
  if (ticket.ratedAt) {
    if (good(ticket.processSatisfaction) && good(ticket.resultSatisfaction) && ticket.resolved === true) return { publishable: true, proposed: true, why: null };
    return { publishable: true, proposed: false, why: '诉求人评价为不满意或未解决，公开须说明理由' };
  }
  // A letter is published with its reply; a case closed without any rating needs a reason.
  return letter ? { publishable: true, proposed: true, why: null } : { publishable: true, proposed: false, why: '该案例没有评价，公开须说明理由' };
}

const publishers = ['supervisor'] as const;

function known(ticket: TicketRow) {
  return { names: [ticket.citizenName], address: ticket.address };
}

function proposalOf(ticket: TicketRow) {
  return redactCase({ title: ticket.title, content: ticket.description, reply: ticket.replyText ?? '' }, known(ticket));
}

export interface PublicationProposal {
  ticketNo: string;
  eligible: boolean;
  proposed: boolean;
  /** Why the case may not be published, or why a reason is needed. */
  why: string | null;
  title: Redacted;
  content: Redacted;
  reply: Redacted;
  labels: typeof REDACTION_LABELS;
  published: { title: string; content: string; reply: string; publishedAt: string; publishedBy: string; unpublishedAt: string | null; unpublishReason: string | null } | null;
}

/** The public version the redaction module proposes, every replacement marked for the publisher to check. */
export async function proposePublication(ctx: DomainContext, ticketNo: string): Promise<PublicationProposal> {
  requireRole(ctx.actor, publishers, '公开案例');
  const ticket = await getTicketByNo(ctx.db, ticketNo);
  const eligibility = publicationEligibility(ticket);
  const [stored] = await ctx.db.select().from(ticketPublications).where(eq(ticketPublications.ticketId, ticket.id));
  return {
    ticketNo,
    eligible: eligibility.publishable,
    proposed: eligibility.publishable && eligibility.proposed,
    why: eligibility.why,
    ...proposalOf(ticket),
    labels: REDACTION_LABELS,
    published: stored
      ? {
          title: stored.title,
          content: stored.content,
          reply: stored.reply,
          publishedAt: stored.publishedAt.toISOString(),
          publishedBy: stored.publishedBy,
          unpublishedAt: stored.unpublishedAt?.toISOString() ?? null,
          unpublishReason: stored.unpublishReason,
        }
      : null,
  };
}

/** 公开: stores the public texts (omitted ones take the proposal) and records the decision as a ticket event. */
export async function publishTicket(ctx: DomainContext, ticketNo: string, input: PublishInput) {
  const staff = requireRole(ctx.actor, publishers, '公开案例');
  const ticket = await getTicketByNo(ctx.db, ticketNo);
  const eligibility = publicationEligibility(ticket);
  if (!eligibility.publishable) throw new DomainError('CONFLICT', eligibility.why);
  if (!eligibility.proposed && !input.reason) throw new DomainError('VALIDATION', eligibility.why!, [{ path: 'reason', message: '请说明公开的理由' }]);
  const proposal = proposalOf(ticket);
  const texts = {
    title: input.title ?? proposal.title.text,
    content: input.content ?? proposal.content.text,
    reply: input.reply ?? proposal.reply.text,
  };
  // The publisher may edit freely, but never put the citizen or any phone, ID or card number back.
  const identifiers = { names: [ticket.citizenName], phones: [ticket.citizenPhone] };
  const issues = (['title', 'content', 'reply'] as const)
    .map((field) => ({ field, found: hardIdentifiersIn(texts[field], identifiers) }))
    .filter((f) => f.found.length > 0)
    .map((f) => ({ path: f.field, message: `仍含个人信息：${f.found.join('、')}` }));
  if (issues.length > 0) throw new DomainError('VALIDATION', `公开文本${issues[0]!.message}，请删除后再公开`, issues);
  const now = ctx.now();
  return transition(ctx, {
    ticket,
    action: 'publish',
    event: { note: input.reason ?? null, public: true, data: { edited: Object.keys(input).filter((k) => k !== 'reason') } },
    alsoWrite: async (tx) => {
      const row = { ...texts, reason: input.reason ?? null, publishedAt: now, publishedBy: staff.displayName, unpublishedAt: null, unpublishedBy: null, unpublishReason: null };
      await tx.insert(ticketPublications).values({ ticketId: ticket.id, ...row }).onConflictDoUpdate({ target: ticketPublications.ticketId, set: row });
    },
  });
}

/** 撤下: takes a published case down at once; the stored text stays for the record. */
export async function unpublishTicket(ctx: DomainContext, ticketNo: string, input: { reason: string }) {
  const staff = requireRole(ctx.actor, publishers, '撤下公开案例');
  const ticket = await getTicketByNo(ctx.db, ticketNo);
  const [stored] = await ctx.db.select().from(ticketPublications).where(eq(ticketPublications.ticketId, ticket.id));
  if (!stored || stored.unpublishedAt) throw new DomainError('CONFLICT', '该工单当前没有公开');
  const now = ctx.now();
  return transition(ctx, {
    ticket,
    action: 'unpublish',
    event: { note: input.reason, public: false },
    alsoWrite: async (tx) => {
      const taken = await tx
        .update(ticketPublications)
        .set({ unpublishedAt: now, unpublishedBy: staff.displayName, unpublishReason: input.reason })
        .where(and(eq(ticketPublications.ticketId, ticket.id), isNull(ticketPublications.unpublishedAt)))
        .returning({ id: ticketPublications.ticketId });
      if (taken.length === 0) throw new DomainError('CONFLICT', '该工单已被他人撤下');
    },
  });
}

/**
 * A case a publisher may decide on: consent given, not confidential, not a report, replied, and
 * closed (a letter: once replied). Written as constants, word for word the predicate of
 * tickets_publication_candidates_idx (db/src/schema/tickets.ts), so the planner can use it.
 */
const PUBLICATION_CANDIDATE = sql`${tickets.publishConsent} and not ${tickets.confidential} and ${tickets.type} <> 'report' and ${tickets.replyText} is not null and (${tickets.status} = 'closed' or (${tickets.channel} = 'mailbox' and ${tickets.status} in ('replied', 'answered')))`;

/** 待公开: cases with consent that nobody has decided on yet, newest first. */
export async function listPendingPublications(ctx: DomainContext, query: z.infer<typeof PendingPublicationsQuery>) {
  requireRole(ctx.actor, publishers, '查看待公开案例');
  const { catalog } = ctx.rules;
  const conditions: SQL[] = [PUBLICATION_CANDIDATE, sql`not exists (select 1 from ${ticketPublications} p where p.ticket_id = ${tickets.id})`];
  if (query.category) conditions.push(or(eq(tickets.categoryCode, query.category), eq(tickets.subcategoryCode, query.category))!);
  if (query.district) conditions.push(eq(tickets.districtCode, query.district));
  const where = and(...conditions)!;
  const [rows, [total]] = await Promise.all([
    ctx.db
      .select()
      .from(tickets)
      .where(where)
      .orderBy(sql`(coalesce(${tickets.closedAt}, ${tickets.repliedAt}, ${tickets.answeredAt})) desc`, desc(tickets.id))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize),
    ctx.db.select({ n: sql<number>`count(*)::int` }).from(tickets).where(where),
  ]);
  return {
    items: rows.map((t) => {
      const eligibility = publicationEligibility(t);
      return {
        ticketNo: t.ticketNo,
        // Redacted already: the queue is a list staff skim, not the place to read personal details.
        title: proposalOf(t).title.text,
        channel: t.channel,
        category: t.categoryCode ? (catalog.categories.get(t.subcategoryCode ?? t.categoryCode)?.name ?? t.categoryCode) : null,
        district: t.districtCode ? (catalog.districts.get(t.districtCode)?.name ?? null) : null,
        closedAt: (t.closedAt ?? t.repliedAt ?? t.answeredAt)?.toISOString() ?? null,
        proposed: eligibility.publishable && eligibility.proposed,
        why: eligibility.why,
      };
    }),
    total: Number(total?.n ?? 0),
    page: query.page,
    pageSize: query.pageSize,
  };
}
