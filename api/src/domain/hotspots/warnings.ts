import { hotspotPushes, hotspotWarnings, hotspotWarningTickets, tickets } from '@hotline/db';
import { and, asc, count, desc, eq, inArray, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DomainContext } from '../context.ts';
import { conflict, DomainError, notFound } from '../errors.ts';
import { acceptTicket } from '../tickets/accept.ts';
import { dispatchTicket } from '../tickets/dispatch.ts';
import { requireRole } from '../tickets/internal.ts';
import { STATUS_LABELS } from '../tickets/state-machine.ts';
import { windowLabel } from './burst-test.ts';

/** Who works the warnings (预警): supervisors, and administrators (requireRole lets admins in). */
const HOTSPOT_ROLES = ['supervisor'] as const;

export const HOTSPOT_STATUS_LABELS = { open: '待确认', acknowledged: '已确认', assigned: '已指派', closed: '已关闭' } as const;

export const HotspotListQuery = z.object({
  status: z.enum(['open', 'closed', 'all'], { error: '状态应为 open（未关闭）、closed 或 all' }).default('open'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type HotspotListQuery = z.output<typeof HotspotListQuery>;

export const HotspotId = z.string().regex(/^[0-9a-f-]{36}$/, '预警编号有误');
export const AssignHotspotInput = z.object({
  unitId: z.string({ error: '请选择承办单位' }).trim().min(1, '请选择承办单位').max(64),
  note: z.string().trim().max(2000, '派单意见不能超过 2000 个字').optional(),
});
export type AssignHotspotInput = z.output<typeof AssignHotspotInput>;
export const CloseHotspotInput = z.object({
  note: z.string({ error: '请填写关闭说明' }).trim().min(2, '请填写关闭说明（至少 2 个字）').max(2000, '关闭说明不能超过 2000 个字'),
});
export type CloseHotspotInput = z.output<typeof CloseHotspotInput>;

type WarningRow = typeof hotspotWarnings.$inferSelect;

function view(ctx: DomainContext, w: WarningRow, ticketCount: number, openTickets: number) {
  const { catalog } = ctx.rules;
  const name = (code: string | null, map: ReadonlyMap<string, { name: string }>) => (code ? (map.get(code)?.name ?? code) : null);
  return {
    id: w.id,
    title: w.title,
    status: w.status,
    statusLabel: HOTSPOT_STATUS_LABELS[w.status],
    kind: w.kind,
    level: w.level,
    place: [name(w.districtCode, catalog.districts), name(w.streetCode, catalog.streets)].filter(Boolean).join('') || (w.kind === 'cluster' ? null : '全市'),
    district: name(w.districtCode, catalog.districts),
    street: name(w.streetCode, catalog.streets),
    category: name(w.categoryCode, catalog.categories),
    subcategory: name(w.subcategoryCode, catalog.categories),
    terms: w.terms,
    figures: {
      window: windowLabel(w.windowHours),
      windowHours: w.windowHours,
      count: w.count,
      expected: Math.round(w.expected * 100) / 100,
      ratio: w.expected > 0 ? Math.round((w.count / w.expected) * 10) / 10 : null,
      pValue: w.pValue,
    },
    reason: w.reason,
    tickets: ticketCount,
    openTickets,
    firstFiredAt: w.firstFiredAt,
    lastFiredAt: w.lastFiredAt,
    runs: w.runs,
    acknowledgedAt: w.acknowledgedAt,
    assignedUnit: w.assignedUnitId ? { id: w.assignedUnitId, name: name(w.assignedUnitId, catalog.units) } : null,
    assignedAt: w.assignedAt,
    closedAt: w.closedAt,
    closeNote: w.closeNote,
  };
}

async function ticketCounts(ctx: DomainContext, ids: string[]) {
  if (ids.length === 0) return new Map<string, { all: number; open: number }>();
  const rows = await ctx.db
    .select({
      warningId: hotspotWarningTickets.warningId,
      all: count(),
      open: sql<number>`count(*) filter (where ${tickets.status} in ('submitted', 'accepted'))`,
    })
    .from(hotspotWarningTickets)
    .innerJoin(tickets, eq(tickets.id, hotspotWarningTickets.ticketId))
    .where(inArray(hotspotWarningTickets.warningId, ids))
    .groupBy(hotspotWarningTickets.warningId);
  return new Map(rows.map((r) => [r.warningId, { all: Number(r.all), open: Number(r.open) }]));
}

/** GET /api/staff/hotspots: the warnings not closed (or closed, or all), latest firing first. */
export async function listHotspots(ctx: DomainContext, query: HotspotListQuery) {
  requireRole(ctx.actor, HOTSPOT_ROLES, '查看热点预警');
  const where = query.status === 'open' ? ne(hotspotWarnings.status, 'closed') : query.status === 'closed' ? eq(hotspotWarnings.status, 'closed') : undefined;
  const rows = await ctx.db.select().from(hotspotWarnings).where(where).orderBy(desc(hotspotWarnings.lastFiredAt), desc(hotspotWarnings.id)).limit(query.limit);
  const counts = await ticketCounts(ctx, rows.map((r) => r.id));
  return { items: rows.map((w) => view(ctx, w, counts.get(w.id)?.all ?? 0, counts.get(w.id)?.open ?? 0)) };
}

async function getWarning(ctx: DomainContext, id: string): Promise<WarningRow> {
  const [w] = await ctx.db.select().from(hotspotWarnings).where(eq(hotspotWarnings.id, id));
  if (!w) throw notFound('未找到该预警');
  return w;
}

/** One warning with its tickets (public fields and the handling unit; personal data stays on the ticket page) and the leaders' pushes. */
export async function getHotspot(ctx: DomainContext, id: string) {
  requireRole(ctx.actor, HOTSPOT_ROLES, '查看热点预警');
  const w = await getWarning(ctx, id);
  const rows = await ctx.db
    .select({
      ticketNo: tickets.ticketNo,
      title: tickets.title,
      status: tickets.status,
      channel: tickets.channel,
      streetCode: tickets.streetCode,
      leadUnitId: tickets.leadUnitId,
      createdAt: tickets.createdAt,
    })
    .from(hotspotWarningTickets)
    .innerJoin(tickets, eq(tickets.id, hotspotWarningTickets.ticketId))
    .where(eq(hotspotWarningTickets.warningId, id))
    .orderBy(desc(tickets.createdAt));
  const pushes = await ctx.db.select().from(hotspotPushes).where(eq(hotspotPushes.warningId, id)).orderBy(asc(hotspotPushes.recipient));
  const { catalog } = ctx.rules;
  const open = rows.filter((r) => r.status === 'submitted' || r.status === 'accepted').length;
  return {
    ...view(ctx, w, rows.length, open),
    ticketList: rows.map((r) => ({
      ticketNo: r.ticketNo,
      title: r.title,
      status: r.status,
      statusLabel: STATUS_LABELS[r.status],
      channel: r.channel,
      street: r.streetCode ? (catalog.streets.get(r.streetCode)?.name ?? r.streetCode) : null,
      leadUnit: r.leadUnitId ? (catalog.units.get(r.leadUnitId)?.name ?? r.leadUnitId) : null,
      createdAt: r.createdAt,
    })),
    // Where the push went: the channel and whether it arrived, not the leader's number or address.
    pushes: pushes.map((p) => ({ channel: p.recipient.split(':')[0]!, outcome: p.outcome, attempts: p.attempts, at: p.updatedAt })),
  };
}

/** 确认: a supervisor has seen it (open → acknowledged). */
export async function acknowledgeHotspot(ctx: DomainContext, id: string) {
  const staff = requireRole(ctx.actor, HOTSPOT_ROLES, '确认预警');
  const now = ctx.now();
  const updated = await ctx.db
    .update(hotspotWarnings)
    .set({ status: 'acknowledged', acknowledgedAt: now, acknowledgedBy: staff.id, updatedAt: now })
    .where(and(eq(hotspotWarnings.id, id), eq(hotspotWarnings.status, 'open')))
    .returning({ id: hotspotWarnings.id });
  if (updated.length === 0) {
    const w = await getWarning(ctx, id);
    throw conflict(`该预警${HOTSPOT_STATUS_LABELS[w.status]}，无需再确认`);
  }
  return getHotspot(ctx, id);
}

export interface AssignOutcome {
  ticketNo: string;
  ok: boolean;
  statusLabel?: string;
  error?: { code: string; message: string };
}

/**
 * 指派: the warning's open tickets (待受理 and 已受理) go to one unit together,
 * each through the state machine on its own (受理 first when it waits for it,
 * then 派单), so one taken by a dispatcher meanwhile fails alone and says why.
 * The supervisor acts here as the hotline office's dispatch for this warning's
 * tickets only; the events carry the supervisor's name. Tickets already with a
 * unit stay where they are.
 */
export async function assignHotspot(ctx: DomainContext, id: string, input: AssignHotspotInput) {
  const staff = requireRole(ctx.actor, HOTSPOT_ROLES, '指派预警');
  const w = await getWarning(ctx, id);
  if (w.status === 'closed') throw conflict('该预警已关闭，不能再指派');
  const unit = ctx.rules.catalog.units.get(input.unitId);
  if (!unit || !unit.active) throw new DomainError('VALIDATION', `承办单位「${input.unitId}」不存在或已停用`, [{ path: 'unitId', message: '承办单位不存在或已停用' }]);
  const rows = await ctx.db
    .select({ ticketNo: tickets.ticketNo, status: tickets.status })
    .from(hotspotWarningTickets)
    .innerJoin(tickets, eq(tickets.id, hotspotWarningTickets.ticketId))
    .where(and(eq(hotspotWarningTickets.warningId, id), inArray(tickets.status, ['submitted', 'accepted'])))
    .orderBy(asc(tickets.createdAt));
  const dispatch = { ...ctx, actor: { ...staff, role: 'dispatcher' as const } };
  const note = input.note || `热点预警集中派单：${w.title}`;
  const results: AssignOutcome[] = [];
  for (const row of rows) {
    try {
      if (row.status === 'submitted') await acceptTicket(dispatch, row.ticketNo, {});
      const done = await dispatchTicket(dispatch, row.ticketNo, { leadUnitId: unit.id, coUnitIds: [], note });
      results.push({ ticketNo: row.ticketNo, ok: true, statusLabel: STATUS_LABELS[done.ticket.status] });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      results.push({ ticketNo: row.ticketNo, ok: false, error: { code: error.code, message: error.message } });
    }
  }
  const now = ctx.now();
  await ctx.db
    .update(hotspotWarnings)
    .set({ status: 'assigned', assignedUnitId: unit.id, assignedAt: now, assignedBy: staff.id, updatedAt: now })
    .where(and(eq(hotspotWarnings.id, id), ne(hotspotWarnings.status, 'closed')));
  const succeeded = results.filter((r) => r.ok).length;
  return { warning: await getHotspot(ctx, id), results, succeeded, failed: results.length - succeeded };
}

/** 关闭 with a note (any state but closed). */
export async function closeHotspot(ctx: DomainContext, id: string, input: CloseHotspotInput) {
  const staff = requireRole(ctx.actor, HOTSPOT_ROLES, '关闭预警');
  const now = ctx.now();
  const updated = await ctx.db
    .update(hotspotWarnings)
    .set({ status: 'closed', closedAt: now, closedBy: staff.id, closeNote: input.note, updatedAt: now })
    .where(and(eq(hotspotWarnings.id, id), ne(hotspotWarnings.status, 'closed')))
    .returning({ id: hotspotWarnings.id });
  if (updated.length === 0) {
    await getWarning(ctx, id);
    throw conflict('该预警已关闭');
  }
  return getHotspot(ctx, id);
}
