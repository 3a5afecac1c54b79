import { tickets } from '@hotline/db';
import { CHANNELS, TICKET_STATUSES } from '@hotline/db/enums';
import { and, asc, desc, eq, gte, inArray, lt, or, type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import type { DomainContext } from '../context.ts';
import { forbidden } from '../errors.ts';
import { requireStaff } from './internal.ts';
import { summarize } from './staff-view.ts';

const flag = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1')
  .optional();
const list = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((s) => s.split(',').map((v) => v.trim()).filter(Boolean))
    .pipe(z.array(z.enum(values)))
    .optional();

/** Queue filters as they arrive in a query string. */
export const QueueQuery = z.object({
  status: list(TICKET_STATUSES),
  unit: z.string().trim().max(64).optional(),
  category: z.string().trim().max(80).optional(),
  district: z.string().trim().max(64).optional(),
  channel: list(CHANNELS),
  overdue: flag,
  dueSoon: flag,
  supervised: flag,
  q: z.string().trim().max(60).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export type QueueQuery = z.infer<typeof QueueQuery>;

const WITH_UNIT = ['dispatched', 'in_progress', 'return_requested'] as const;

/** Overdue: the reply, the signing or the intake limit has passed in the status it applies to. */
export function overdueCondition(now: Date): SQL {
  return or(
    and(inArray(tickets.status, [...WITH_UNIT]), lt(tickets.dueAt, now)),
    and(eq(tickets.status, 'dispatched'), lt(tickets.signDueAt, now)),
    and(eq(tickets.status, 'submitted'), lt(tickets.acceptDueAt, now)),
  )!;
}

/** Due soon: a limit ends within `hours` and has not passed yet. */
export function dueSoonCondition(now: Date, hours: number): SQL {
  const soon = new Date(now.getTime() + hours * 3600_000);
  const within = (column: AnyPgColumn) => and(gte(column, now), lt(column, soon));
  return or(
    and(inArray(tickets.status, [...WITH_UNIT]), within(tickets.dueAt)),
    and(eq(tickets.status, 'dispatched'), within(tickets.signDueAt)),
    and(eq(tickets.status, 'submitted'), within(tickets.acceptDueAt)),
  )!;
}

/** 工单队列 with filters and paging; a unit handler sees its own unit's tickets only. */
export async function listQueue(ctx: DomainContext, query: QueueQuery) {
  const staff = requireStaff(ctx.actor);
  if (staff.role === 'editor') throw forbidden('知识编辑无权查看工单');
  const now = ctx.now();
  const conditions: SQL[] = [];
  if (staff.role === 'unit_handler') {
    const unit = staff.unitId ?? '';
    conditions.push(or(eq(tickets.leadUnitId, unit), sql`${tickets.coUnitIds} @> ${JSON.stringify([unit])}::jsonb`)!);
  }
  if (query.status?.length) conditions.push(inArray(tickets.status, query.status));
  if (query.unit) conditions.push(eq(tickets.leadUnitId, query.unit));
  if (query.category) conditions.push(or(eq(tickets.categoryCode, query.category), eq(tickets.subcategoryCode, query.category))!);
  if (query.district) conditions.push(eq(tickets.districtCode, query.district));
  if (query.channel?.length) conditions.push(inArray(tickets.channel, query.channel));
  if (query.overdue) conditions.push(overdueCondition(now));
  if (query.dueSoon) conditions.push(dueSoonCondition(now, ctx.rules.settings.timeLimits.dueSoonHours));
  if (query.supervised) conditions.push(eq(tickets.supervised, true));
  if (query.q) {
    const pattern = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(or(eq(tickets.ticketNo, query.q), sql`${tickets.title} ilike ${pattern}`)!);
  }
  const where = conditions.length ? and(...conditions) : undefined;
  const deadlineFirst = query.overdue || query.dueSoon;
  const [rows, [total]] = await Promise.all([
    ctx.db
      .select()
      .from(tickets)
      .where(where)
      .orderBy(...(deadlineFirst ? [asc(tickets.dueAt), asc(tickets.createdAt)] : [desc(tickets.createdAt)]))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize),
    ctx.db.select({ count: sql<number>`count(*)::int` }).from(tickets).where(where),
  ]);
  return {
    items: rows.map((t) => summarize(ctx, t, now)),
    page: query.page,
    pageSize: query.pageSize,
    total: Number(total?.count ?? 0),
  };
}
