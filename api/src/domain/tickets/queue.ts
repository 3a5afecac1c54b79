import { contactAccessLog, ticketDuplicateLinks, tickets } from '@hotline/db';
import { CHANNELS, REQUEST_TYPES, type StaffRole, TICKET_STATUSES, URGENCIES } from '@hotline/db/enums';
import { and, asc, desc, eq, gte, inArray, isNotNull, lt, notInArray, or, type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import type { DomainContext, StaffActor } from '../context.ts';
import { forbidden } from '../errors.ts';
import { maskPhone } from '../privacy/mask.ts';
import { requireStaff } from './internal.ts';
import { TICKET_NO_PATTERN } from './numbers.ts';
import { PhoneNumber } from './schemas.ts';
import { clusterIds } from './link-duplicates.ts';
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

/**
 * The workbench's queues, one list per job: what is in each, for whom, and
 * in which order it is worked. A unit handler's lists hold only their own
 * unit's tickets (listQueue scopes every query for them).
 */
export const QUEUES = {
  /** 待受理: new tickets, urgent first, then oldest first. */
  intake: { roles: ['operator', 'dispatcher', 'admin'] },
  /** 待派单 */
  dispatch: { roles: ['dispatcher', 'admin'] },
  /** 退单申请 */
  returns: { roles: ['dispatcher', 'supervisor', 'admin'] },
  /** 延期申请 */
  extensions: { roles: ['dispatcher', 'supervisor', 'admin'] },
  /** 待签收: dispatched to the viewer's unit as lead. */
  sign: { roles: ['unit_handler'] },
  /** 办理中: signed, the viewer's unit leads or assists. */
  handling: { roles: ['unit_handler'] },
  /** 预警: overdue or due within the due-soon window. */
  warnings: { roles: ['supervisor', 'dispatcher', 'admin'] },
  /** 督办 */
  supervised: { roles: ['supervisor', 'admin'] },
  /** 待回访: replied or answered, not yet rated. */
  callback: { roles: ['supervisor', 'admin'] },
  /** 全部 (search) */
  all: { roles: ['operator', 'dispatcher', 'unit_handler', 'supervisor', 'admin'] },
} as const satisfies Record<string, { roles: readonly StaffRole[] }>;
export type QueueName = keyof typeof QUEUES;
export const QUEUE_NAMES = Object.keys(QUEUES) as [QueueName, ...QueueName[]];

export const QUEUE_SORTS = ['due', 'filed', 'filed_desc'] as const;

/** Each role's queues, its main job first: the first is the role's first screen. */
const ROLE_QUEUE_ORDER: Partial<Record<StaffRole, readonly QueueName[]>> = {
  dispatcher: ['dispatch', 'intake', 'returns', 'extensions', 'warnings', 'all'],
  supervisor: ['warnings', 'supervised', 'callback', 'returns', 'extensions', 'all'],
};

/** The queues a staff member works, in the order the workbench shows them. */
export function queuesFor(staff: StaffActor): QueueName[] {
  const mine = QUEUE_NAMES.filter((name) => (QUEUES[name].roles as readonly StaffRole[]).includes(staff.role));
  const order = ROLE_QUEUE_ORDER[staff.role];
  return order ? order.filter((name) => mine.includes(name)) : mine;
}

/** Queue filters as they arrive in a query string. */
export const QueueQuery = z.object({
  queue: z.enum(QUEUE_NAMES, { error: '队列不存在' }).optional(),
  status: list(TICKET_STATUSES),
  type: list(REQUEST_TYPES),
  urgency: list(URGENCIES),
  street: z.string().trim().max(64).optional(),
  extensionPending: flag,
  sort: z.enum(QUEUE_SORTS, { error: '排序方式应为 due、filed 或 filed_desc' }).optional(),
  unit: z.string().trim().max(64).optional(),
  category: z.string().trim().max(80).optional(),
  district: z.string().trim().max(64).optional(),
  channel: list(CHANNELS),
  overdue: flag,
  dueSoon: flag,
  supervised: flag,
  q: z.string().trim().max(60).optional(),
  /** A phone number never travels in a URL (proxies, logs and browser history keep URLs): see TicketSearchInput. */
  phone: z
    .string()
    .optional()
    .refine((v) => v === undefined, { error: '按电话查找请用 POST /api/staff/tickets/search，电话号码不放在网址里' }),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export type QueueQuery = z.infer<typeof QueueQuery>;

/** The same filters in a POST body, with the citizen's phone (exact, after normalising); every such search is logged. */
export const TicketSearchInput = QueueQuery.extend({ phone: PhoneNumber });
export type TicketSearchInput = z.infer<typeof TicketSearchInput>;

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

/**
 * The two-character pieces of a ticket's text, exactly as tickets_search_bigrams_idx indexes them
 * (migration 0011): keep the two expressions identical or the index is not used.
 */
export const TICKET_SEARCH_TEXT = sql`hotline_bigrams(lower(${tickets.title} || ' ' || ${tickets.description} || ' ' || coalesce(${tickets.address}, '')))`;

/** The limit that runs in the ticket's status (see timeLeft in staff-view.ts), for sorting by time left (not indexed: see db/src/schema/tickets.ts). */
const deadline = sql`case
  when ${tickets.status} = 'submitted' then ${tickets.acceptDueAt}
  when ${tickets.status} = 'dispatched' and ${tickets.signedAt} is null then least(${tickets.signDueAt}, ${tickets.dueAt})
  else ${tickets.dueAt} end`;
const urgentFirst = sql`case when ${tickets.urgency} = 'urgent' then 0 else 1 end`;
/** The statuses in which a limit runs (受理, 派单, 签收, 答复): what sorting by time left is about. */
const RUNNING = ['submitted', 'accepted', 'dispatched', 'in_progress', 'return_requested'] as const;

/** What a named queue holds, and the order it is worked in unless the viewer sorts otherwise. */
function queueScope(ctx: DomainContext, staff: StaffActor, name: QueueName, now: Date): { where?: SQL; order: SQL[] } {
  const unit = staff.unitId ?? '';
  const open = inArray(tickets.status, ['submitted', 'accepted', 'dispatched', 'in_progress', 'return_requested', 'replied', 'answered']);
  switch (name) {
    case 'intake':
      return { where: eq(tickets.status, 'submitted'), order: [asc(urgentFirst), asc(tickets.createdAt)] };
    case 'dispatch':
      return { where: eq(tickets.status, 'accepted'), order: [asc(urgentFirst), asc(tickets.createdAt)] };
    case 'returns':
      return { where: eq(tickets.status, 'return_requested'), order: [asc(tickets.returnRequestedAt)] };
    case 'extensions':
      return { where: and(isNotNull(tickets.extensionRequestedAt), inArray(tickets.status, [...WITH_UNIT])), order: [asc(tickets.extensionRequestedAt)] };
    case 'sign':
      return { where: and(eq(tickets.status, 'dispatched'), eq(tickets.leadUnitId, unit)), order: [asc(deadline), asc(tickets.createdAt)] };
    case 'handling':
      return { where: inArray(tickets.status, ['in_progress', 'return_requested']), order: [asc(deadline), asc(tickets.createdAt)] };
    case 'warnings':
      return { where: or(overdueCondition(now), dueSoonCondition(now, ctx.rules.settings.timeLimits.dueSoonHours)), order: [asc(deadline), asc(tickets.createdAt)] };
    case 'supervised':
      return { where: and(eq(tickets.supervised, true), open), order: [asc(deadline), asc(tickets.createdAt)] };
    case 'callback':
      return { where: inArray(tickets.status, ['replied', 'answered']), order: [asc(sql`coalesce(${tickets.repliedAt}, ${tickets.answeredAt})`)] };
    case 'all':
      return { order: [desc(tickets.createdAt)] };
  }
}

function viewerScope(staff: StaffActor): SQL | undefined {
  if (staff.role !== 'unit_handler') return undefined;
  const unit = staff.unitId ?? '';
  return or(eq(tickets.leadUnitId, unit), sql`${tickets.coUnitIds} @> ${JSON.stringify([unit])}::jsonb`);
}

function requireQueueViewer(ctx: DomainContext): StaffActor {
  const staff = requireStaff(ctx.actor);
  if (staff.role === 'editor') throw forbidden('知识编辑无权查看工单');
  return staff;
}

/**
 * 全部 counts every ticket the viewer may see: a year of a city is 200,000 rows, read on every
 * staff page (the navigation) and by every open tab's 10 s poll. Once a count reaches LARGE_COUNT
 * it is reused for up to COUNT_TTL_MS and refreshed behind the answer (one refresh at a time per
 * scope and process), so a page never waits for it; below that it is counted every time (cheap, and
 * exact where a small office or a test expects it). A stale 全部 is harmless: the work queues,
 * which people act on, are always counted exactly.
 */
const LARGE_COUNT = 10_000;
const COUNT_TTL_MS = 60_000;
const allCounts = new WeakMap<object, Map<string, { count: number; at: number; refreshing: boolean }>>();

async function countAll(ctx: DomainContext, staff: StaffActor): Promise<number> {
  const key = staff.role === 'unit_handler' ? `unit:${staff.unitId ?? ''}` : 'city';
  let cache = allCounts.get(ctx.db);
  if (!cache) allCounts.set(ctx.db, (cache = new Map()));
  const store = cache;
  const count = async () => {
    const [row] = await ctx.db.select({ count: sql<number>`count(*)::int` }).from(tickets).where(viewerScope(staff));
    const n = Number(row?.count ?? 0);
    store.set(key, { count: n, at: Date.now(), refreshing: false });
    return n;
  };
  const hit = store.get(key);
  if (!hit || hit.count < LARGE_COUNT) return count();
  if (Date.now() - hit.at > COUNT_TTL_MS && !hit.refreshing) {
    hit.refreshing = true;
    // Behind the answer: a failure (a database closing, say) leaves the old figure for the next try.
    count().catch(() => {
      hit.refreshing = false;
    });
  }
  return hit.count;
}

/** A list's total is counted up to this many; past it the page says "2000 件以上" instead of reading every match. */
export const TOTAL_CAP = 2_000;

/** The viewer's queues with how many tickets each holds now (the workbench's navigation). */
export async function queueCounts(ctx: DomainContext) {
  const staff = requireQueueViewer(ctx);
  const now = ctx.now();
  const counts = [];
  // One after the other: PGlite runs one query at a time anyway, and a pool is not held by one page.
  for (const name of queuesFor(staff)) {
    if (name === 'all') {
      counts.push({ queue: name, count: await countAll(ctx, staff) });
      continue;
    }
    const [row] = await ctx.db
      .select({ count: sql<number>`count(*)::int` })
      .from(tickets)
      .where(and(viewerScope(staff), queueScope(ctx, staff, name, now).where));
    counts.push({ queue: name, count: Number(row?.count ?? 0) });
  }
  return { queues: counts };
}

/**
 * 时限最近在前: the tickets whose limit is running, least time left first, then the rest (closed,
 * rejected, waiting for the callback…), newest first. Two reads, each walking an index, and the
 * second only when the first does not fill the page: sorting every match of a broad 全部 filter by
 * its computed limit read 24,000 rows for 20 (200-380 ms at 200,000 tickets).
 */
async function byTimeLeft(
  ctx: DomainContext,
  where: SQL | undefined,
  page: number,
  pageSize: number,
  read: (filter: SQL | undefined, by: SQL[], offset: number, limit: number) => Promise<(typeof tickets.$inferSelect)[]>,
) {
  const offset = (page - 1) * pageSize;
  const running = and(where, inArray(tickets.status, [...RUNNING]));
  const first = await read(running, [sql`${deadline} asc nulls last`, asc(tickets.createdAt)], offset, pageSize);
  if (first.length === pageSize) return first;
  // The page runs past the running tickets: how many there are says where the rest begins.
  const runningCount =
    first.length > 0 || offset === 0
      ? offset + first.length
      : Number((await ctx.db.select({ n: sql<number>`count(*)::int` }).from(tickets).where(running))[0]?.n ?? 0);
  const rest = await read(and(where, notInArray(tickets.status, [...RUNNING])), [desc(tickets.createdAt)], Math.max(0, offset - runningCount), pageSize - first.length);
  return [...first, ...rest];
}

/**
 * 工单队列 with filters and paging; a unit handler sees its own unit's tickets only.
 * A search by the citizen's phone ties a person to tickets: each ticket it finds
 * is written to the contact access log (purpose phone_search), as a reveal is.
 */
export async function listQueue(ctx: DomainContext, query: QueueQuery | TicketSearchInput, meta: { ip?: string | null } = {}) {
  const staff = requireQueueViewer(ctx);
  const now = ctx.now();
  const conditions: SQL[] = [];
  const scope = viewerScope(staff);
  if (scope) conditions.push(scope);
  if (query.queue && !queuesFor(staff).includes(query.queue)) throw forbidden('当前角色没有这个队列');
  const named = query.queue ? queueScope(ctx, staff, query.queue, now) : null;
  if (named?.where) conditions.push(named.where);
  if (query.status?.length) conditions.push(inArray(tickets.status, query.status));
  if (query.type?.length) conditions.push(inArray(tickets.type, query.type));
  if (query.urgency?.length) conditions.push(inArray(tickets.urgency, query.urgency));
  if (query.street) conditions.push(eq(tickets.streetCode, query.street));
  if (query.extensionPending) conditions.push(isNotNull(tickets.extensionRequestedAt));
  if (query.unit) conditions.push(eq(tickets.leadUnitId, query.unit));
  if (query.category) conditions.push(or(eq(tickets.categoryCode, query.category), eq(tickets.subcategoryCode, query.category))!);
  if (query.district) conditions.push(eq(tickets.districtCode, query.district));
  if (query.channel?.length) conditions.push(inArray(tickets.channel, query.channel));
  if (query.overdue) conditions.push(overdueCondition(now));
  if (query.dueSoon) conditions.push(dueSoonCondition(now, ctx.rules.settings.timeLimits.dueSoonHours));
  if (query.supervised) conditions.push(eq(tickets.supervised, true));
  if (query.q) {
    // Free text in Chinese: the number, or words in the title, the description or the address.
    const pattern = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const words = or(sql`${tickets.title} ilike ${pattern}`, sql`${tickets.description} ilike ${pattern}`, sql`${tickets.address} ilike ${pattern}`)!;
    // Two characters or more: the bigram index finds the tickets holding every piece of the words first (same result, no full scan).
    const indexed = [...query.q].length >= 2 ? and(sql`${TICKET_SEARCH_TEXT} @> hotline_bigrams(lower(${query.q}))`, words)! : words;
    // Ticket numbers are digits only: anything else cannot be one, and leaving the number out keeps the
    // bigram test in the index alone (beside an OR PostgreSQL works it out again for every row found: 4.4 s vs 0.13 s).
    conditions.push(TICKET_NO_PATTERN.test(query.q) ? or(eq(tickets.ticketNo, query.q), indexed)! : indexed);
  }
  if (query.phone) {
    conditions.push(eq(tickets.citizenPhone, query.phone));
    // A unit never learns whose phone is behind a confidential ticket (as reveal-contact refuses it).
    if (staff.role === 'unit_handler') conditions.push(eq(tickets.confidential, false));
  }
  const where = conditions.length ? and(...conditions) : undefined;
  const deadlineFirst = query.overdue || query.dueSoon;
  const order =
    query.sort === 'filed'
        ? [asc(tickets.createdAt)]
        : query.sort === 'filed_desc'
          ? [desc(tickets.createdAt)]
          : (named?.order ?? (deadlineFirst ? [asc(tickets.dueAt), asc(tickets.createdAt)] : [desc(tickets.createdAt)]));
  // 全部 with no filter is the viewer's whole scope: its (cached) count. Anything else is counted up
  // to TOTAL_CAP + 1 rows, so a broad filter never reads all its matches just to say how many.
  const whole = conditions.length === (scope ? 1 : 0);
  const read = (filter: SQL | undefined, by: SQL[], offset: number, limit: number) =>
    ctx.db.select().from(tickets).where(filter).orderBy(...by).limit(limit).offset(offset);
  const [rows, total] = await Promise.all([
    query.sort === 'due' ? byTimeLeft(ctx, where, query.page, query.pageSize, read) : read(where, order, (query.page - 1) * query.pageSize, query.pageSize),
    whole
      ? countAll(ctx, staff)
      : ctx.db
          .select({ count: sql<number>`count(*)::int` })
          .from(ctx.db.select({ one: sql`1`.as('one') }).from(tickets).where(where).limit(TOTAL_CAP + 1).as('capped'))
          .then(([row]) => Number(row?.count ?? 0)),
  ]);
  if (query.phone) {
    // Each ticket found is an access to that citizen's data; a search that finds nothing is still
    // someone looking for a number, so it is logged too, with the number masked.
    const searched = maskPhone(query.phone);
    const found = rows.map((t) => ({ staffId: staff.id, ticketId: t.id, purpose: 'phone_search', searched, ip: meta.ip ?? null, createdAt: now }));
    await ctx.db.insert(contactAccessLog).values(found.length ? found : [{ staffId: staff.id, ticketId: null, purpose: 'phone_search', searched, ip: meta.ip ?? null, createdAt: now }]);
  }
  // 待派单: how many other tickets of the same matter wait with each one (dispatched together from its page).
  const together = query.queue === 'dispatch' ? await waitingTogether(ctx, rows.map((t) => t.id)) : null;
  return {
    items: rows.map((t) => (together ? { ...summarize(ctx, t, now), sameMatterWaiting: together.get(t.id) ?? 0 } : summarize(ctx, t, now))),
    page: query.page,
    pageSize: query.pageSize,
    total: whole ? total : Math.min(total, TOTAL_CAP),
    /** The total is a floor: more than TOTAL_CAP tickets match. */
    totalCapped: !whole && total > TOTAL_CAP,
  };
}

/**
 * For each ticket, the other members of its duplicate cluster (the linking's
 * groups) still waiting for dispatch: three small indexed reads for a page.
 */
async function waitingTogether(ctx: DomainContext, ids: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (ids.length === 0) return out;
  const clusterOf = await clusterIds(ctx.db, ids);
  const clusters = [...new Set(clusterOf.values())];
  const links = await ctx.db
    .select({ clusterId: ticketDuplicateLinks.clusterId, ticketId: ticketDuplicateLinks.ticketId })
    .from(ticketDuplicateLinks)
    .where(inArray(ticketDuplicateLinks.clusterId, clusters));
  if (links.length === 0) return out;
  const members = new Map<string, Set<string>>(clusters.map((c) => [c, new Set([c])]));
  for (const l of links) members.get(l.clusterId)!.add(l.ticketId);
  const waiting = new Set(
    (
      await ctx.db
        .select({ id: tickets.id })
        .from(tickets)
        .where(and(inArray(tickets.id, [...new Set(links.flatMap((l) => [l.ticketId, l.clusterId]))]), eq(tickets.status, 'accepted')))
    ).map((r) => r.id),
  );
  for (const id of ids) {
    const others = [...members.get(clusterOf.get(id)!)!].filter((m) => m !== id && waiting.has(m)).length;
    if (others > 0) out.set(id, others);
  }
  return out;
}
