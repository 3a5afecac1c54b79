import type { StaffRole } from '@hotline/db/enums';
import type { StaffActor } from '../context.ts';
import type { TicketAction } from './state-machine.ts';

// Pure: no database code, so the verbs and the workbench's view share it.

/**
 * Who may take each staff action. The verbs check these lists
 * (requireRole), and `allowedActions` shows the same lists to the
 * workbench, so a button is offered exactly when the verb would run.
 * Admins may do what the hotline's own roles do (see requireRole).
 */
export const ACTION_ROLES = {
  accept: ['operator', 'dispatcher'],
  reject: ['operator', 'dispatcher'],
  answer_directly: ['operator', 'dispatcher'],
  merge: ['operator', 'dispatcher'],
  mark_repeat: ['operator', 'dispatcher', 'supervisor'],
  dispatch: ['dispatcher'],
  sign: ['unit_handler'],
  request_return: ['unit_handler'],
  approve_return: ['dispatcher', 'supervisor'],
  deny_return: ['dispatcher', 'supervisor'],
  request_extension: ['unit_handler'],
  approve_extension: ['dispatcher', 'supervisor'],
  deny_extension: ['dispatcher', 'supervisor'],
  urge: ['supervisor', 'dispatcher'],
  supervise: ['supervisor'],
  progress_note: ['unit_handler'],
  record_contact: ['unit_handler'],
  reply: ['unit_handler'],
  /** 回访: a supervisor records the citizen's rating given on the phone. */
  rate: ['supervisor'],
  callback_attempt: ['supervisor'],
  reopen: ['supervisor'],
  close: ['supervisor'],
} as const satisfies Partial<Record<TicketAction, readonly StaffRole[]>>;

export type StaffAction = keyof typeof ACTION_ROLES;

export function roleMayTake(staff: StaffActor, action: StaffAction): boolean {
  const roles: readonly StaffRole[] = ACTION_ROLES[action];
  return roles.includes(staff.role) || (staff.role === 'admin' && !roles.includes('unit_handler'));
}

