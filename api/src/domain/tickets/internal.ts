import { type Queryable, tickets } from '@hotline/db';
import type { StaffRole } from '@hotline/db/enums';
import { eq } from 'drizzle-orm';
import type { Actor, DomainContext, StaffActor } from '../context.ts';
import { DomainError, forbidden, notFound } from '../errors.ts';
import type { TicketRow } from './transition.ts';

export async function findTicketByNo(db: Queryable, ticketNo: string): Promise<TicketRow | undefined> {
  const [row] = await db.select().from(tickets).where(eq(tickets.ticketNo, ticketNo)).limit(1);
  return row;
}

export async function getTicketByNo(db: Queryable, ticketNo: string): Promise<TicketRow> {
  const row = await findTicketByNo(db, ticketNo);
  if (!row) throw notFound(`未找到工单 ${ticketNo}`);
  return row;
}

export function requireStaff(actor: Actor): StaffActor {
  if (actor.kind !== 'staff') throw new DomainError('UNAUTHORIZED', '请先登录');
  return actor;
}

/** Admins may do what the hotline's own roles do; unit work needs a unit handler. */
export function requireRole(actor: Actor, roles: readonly StaffRole[], what: string): StaffActor {
  const staff = requireStaff(actor);
  if (roles.includes(staff.role) || (staff.role === 'admin' && !roles.includes('unit_handler'))) return staff;
  throw forbidden(`当前角色无权${what}`);
}

/** Whether a unit handler may see the ticket: its unit leads or assists. */
export function unitInvolved(ticket: TicketRow, unitId: string | null): boolean {
  return !!unitId && (ticket.leadUnitId === unitId || ticket.coUnitIds.includes(unitId));
}

/** Staff who may read a ticket at all; unit handlers only their unit's. */
export function assertCanView(actor: Actor, ticket: TicketRow): StaffActor {
  const staff = requireStaff(actor);
  if (staff.role === 'editor') throw forbidden('知识编辑无权查看工单');
  // Same answer as a missing ticket: a unit learns nothing about other units' tickets.
  if (staff.role === 'unit_handler' && !unitInvolved(ticket, staff.unitId)) throw notFound(`未找到工单 ${ticket.ticketNo}`);
  return staff;
}

/** Lead-unit work (sign, reply, return, extension): the lead unit's handlers only. */
export function requireLeadUnit(ctx: DomainContext, ticket: TicketRow, what: string): StaffActor {
  const staff = requireRole(ctx.actor, ['unit_handler'], what);
  if (!unitInvolved(ticket, staff.unitId)) throw notFound(`未找到工单 ${ticket.ticketNo}`);
  if (ticket.leadUnitId !== staff.unitId) throw forbidden(`只有主办单位可以${what}`);
  return staff;
}

export function unitName(ctx: DomainContext, unitId: string | null | undefined): string | null {
  if (!unitId) return null;
  return ctx.rules.catalog.units.get(unitId)?.name ?? null;
}
