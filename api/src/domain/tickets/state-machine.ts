import { TICKET_STATUSES, type TicketStatus } from '@hotline/db/enums';
import { DomainError } from '../errors.ts';

// Pure: no database code here, so every channel and screen can import the
// same statuses, actions and labels.

export { TICKET_STATUSES, type TicketStatus };

export const STATUS_LABELS: Record<TicketStatus, string> = {
  submitted: '待受理',
  accepted: '已受理',
  dispatched: '已派单',
  in_progress: '办理中',
  return_requested: '退单审核中',
  replied: '已答复',
  answered: '已直接答复',
  rejected: '不予受理',
  merged: '已合并',
  closed: '已办结',
};

/** The statuses in which a ticket sits with a unit and its reply clock runs. */
export const WITH_UNIT_STATUSES = ['dispatched', 'in_progress', 'return_requested'] as const satisfies readonly TicketStatus[];
/** Statuses no action leads out of (except a supervisor's reopen of a closed ticket). */
export const FINAL_STATUSES = ['rejected', 'merged', 'closed'] as const satisfies readonly TicketStatus[];
export const OPEN_STATUSES = TICKET_STATUSES.filter((s) => !(FINAL_STATUSES as readonly string[]).includes(s));

const SAME = 'same' as const;

/**
 * Every action on a ticket: the statuses it may start from and the statuses
 * it may lead to (`same` = the status does not change, e.g. an urge).
 */
export const TRANSITIONS = {
  submit: { from: [], to: ['submitted'] },
  accept: { from: ['submitted'], to: ['accepted'] },
  reject: { from: ['submitted', 'accepted'], to: ['rejected'] },
  answer_directly: { from: ['submitted', 'accepted'], to: ['answered'] },
  merge: { from: ['submitted', 'accepted'], to: ['merged'] },
  mark_repeat: { from: ['submitted', 'accepted', 'dispatched', 'in_progress', 'return_requested'], to: [SAME] },
  dispatch: { from: ['accepted'], to: ['dispatched'] },
  sign: { from: ['dispatched'], to: ['in_progress'] },
  request_return: { from: ['dispatched', 'in_progress'], to: ['return_requested'] },
  approve_return: { from: ['return_requested'], to: ['accepted'] },
  deny_return: { from: ['return_requested'], to: ['dispatched', 'in_progress'] },
  request_extension: { from: ['dispatched', 'in_progress'], to: [SAME] },
  approve_extension: { from: ['dispatched', 'in_progress', 'return_requested'], to: [SAME] },
  deny_extension: { from: ['dispatched', 'in_progress', 'return_requested'], to: [SAME] },
  urge: { from: ['dispatched', 'in_progress', 'return_requested'], to: [SAME] },
  supervise: { from: ['submitted', 'accepted', 'dispatched', 'in_progress', 'return_requested', 'replied'], to: [SAME] },
  progress_note: { from: ['dispatched', 'in_progress'], to: [SAME] },
  record_contact: { from: ['in_progress'], to: [SAME] },
  /** The citizen adds to their own open ticket (a chat message on the same matter). */
  supplement: { from: ['submitted', 'accepted', 'dispatched', 'in_progress', 'return_requested'], to: [SAME] },
  reply: { from: ['in_progress'], to: ['replied'] },
  callback_attempt: { from: ['replied', 'answered'], to: [SAME] },
  rate: { from: ['replied', 'answered'], to: ['closed', 'in_progress', 'accepted'] },
  reopen: { from: ['replied', 'answered', 'closed'], to: ['in_progress', 'accepted'] },
  close: { from: ['replied', 'answered'], to: ['closed'] },
  publish: { from: ['replied', 'answered', 'closed'], to: [SAME] },
  // A published case may be taken down whatever happened since (a reopen, say).
  unpublish: { from: ['accepted', 'dispatched', 'in_progress', 'return_requested', 'replied', 'answered', 'closed'], to: [SAME] },
  auto_close: { from: ['replied', 'answered'], to: ['closed'] },
} as const satisfies Record<string, { from: readonly TicketStatus[]; to: readonly (TicketStatus | typeof SAME)[] }>;

export type TicketAction = keyof typeof TRANSITIONS;
export const TICKET_ACTIONS = Object.keys(TRANSITIONS) as TicketAction[];

export const ACTION_LABELS: Record<TicketAction, string> = {
  submit: '提交诉求',
  accept: '受理',
  reject: '不予受理',
  answer_directly: '直接答复',
  merge: '合并重复工单',
  mark_repeat: '标记为重复诉求',
  dispatch: '派单',
  sign: '签收',
  request_return: '申请退单',
  approve_return: '批准退单',
  deny_return: '驳回退单',
  request_extension: '申请延期',
  approve_extension: '批准延期',
  deny_extension: '驳回延期',
  urge: '催办',
  supervise: '督办',
  progress_note: '办理进展',
  record_contact: '联系诉求人',
  supplement: '诉求人补充',
  reply: '答复',
  callback_attempt: '回访未接通',
  rate: '评价',
  reopen: '重办',
  close: '办结（联系不上）',
  publish: '公开为典型案例',
  unpublish: '撤下公开案例',
  auto_close: '回访联系不上，自动办结',
};

export function canTransition(action: TicketAction, from: TicketStatus | null, to: TicketStatus): boolean {
  const rule = TRANSITIONS[action];
  if (from === null) return rule.from.length === 0 && (rule.to as readonly string[]).includes(to);
  if (!(rule.from as readonly string[]).includes(from)) return false;
  return (rule.to as readonly string[]).includes(to) || ((rule.to as readonly string[]).includes(SAME) && to === from);
}

/** Throws CONFLICT when `action` may not move a ticket from `from` to `to`. */
export function assertTransition(action: TicketAction, from: TicketStatus | null, to: TicketStatus): void {
  if (canTransition(action, from, to)) return;
  const fromLabel = from ? STATUS_LABELS[from] : '（新建）';
  throw new DomainError('CONFLICT', `工单当前状态为「${fromLabel}」，不能执行「${ACTION_LABELS[action]}」`, {
    action,
    status: from,
  });
}

/** The actions that may start from `status` (for showing buttons). */
export function actionsFrom(status: TicketStatus): TicketAction[] {
  return TICKET_ACTIONS.filter((action) => (TRANSITIONS[action].from as readonly string[]).includes(status));
}
