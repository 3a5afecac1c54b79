import type { DomainContext, StaffActor } from '../context.ts';
import { ACTION_ROLES, roleMayTake, type StaffAction } from './action-roles.ts';
import { callbackProgress } from './callback-attempts.ts';
import { unitInvolved } from './internal.ts';
import { actionsFrom, type TicketAction } from './state-machine.ts';
import type { TicketRow } from './transition.ts';

/** Actions a unit handler takes for the lead unit only (a co-unit records progress, nothing else). */
const LEAD_UNIT_ONLY: ReadonlySet<StaffAction> = new Set(['sign', 'request_return', 'request_extension', 'record_contact', 'reply']);

/** What the workbench needs to say beside the actions: the return window and counts, the callback attempts. */
export interface ActionContext {
  returnWindowEndsAt: string | null;
  returnCount: number;
  returnLimit: number;
  callbackAttempts: number | null;
  callbackAttemptsRequired: number;
}

/**
 * The actions `staff` may take on `ticket` now: the state machine's actions
 * from its status, narrowed by role, unit and the workflow settings, with
 * the same conditions the verbs check (a verb may still lose a race).
 */
export async function allowedActions(ctx: DomainContext, staff: StaffActor, ticket: TicketRow): Promise<{ actions: StaffAction[]; context: ActionContext }> {
  const { workflow } = ctx.rules.settings;
  const now = ctx.now();
  const fromStatus = new Set(actionsFrom(ticket.status));
  const isLead = staff.role === 'unit_handler' && !!staff.unitId && ticket.leadUnitId === staff.unitId;
  const returnWindowEnds = ticket.dispatchedAt ? ctx.rules.calendar.endOfNthWorkingDay(ticket.dispatchedAt, workflow.returnWindowWorkingDays) : null;
  const callbackRound = ['replied', 'answered'].includes(ticket.status) && roleMayTake(staff, 'close');
  const progress = callbackRound ? await callbackProgress(ctx, ctx.db, ticket) : null;
  const extensionPending = ticket.extensionRequestedAt !== null;

  const conditions: Partial<Record<StaffAction, boolean>> = {
    request_return: !returnWindowEnds || now <= returnWindowEnds,
    approve_return: staff.role !== 'dispatcher' || ticket.returnCount < workflow.returnLimit,
    request_extension: !extensionPending && ticket.dueAt !== null,
    approve_extension: extensionPending,
    deny_extension: extensionPending,
    supervise: !ticket.supervised,
    close: progress?.enough ?? false,
  };
  const actions = (Object.keys(ACTION_ROLES) as StaffAction[]).filter((action) => {
    if (!fromStatus.has(action) || !roleMayTake(staff, action)) return false;
    if (staff.role === 'unit_handler') {
      if (LEAD_UNIT_ONLY.has(action) ? !isLead : !unitInvolved(ticket, staff.unitId)) return false;
    }
    return conditions[action] ?? true;
  });
  return {
    actions,
    context: {
      returnWindowEndsAt: returnWindowEnds?.toISOString() ?? null,
      returnCount: ticket.returnCount,
      returnLimit: workflow.returnLimit,
      callbackAttempts: progress?.attempts ?? null,
      callbackAttemptsRequired: workflow.callbackAttempts,
    },
  };
}
