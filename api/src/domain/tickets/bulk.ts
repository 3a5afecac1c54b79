import { z } from 'zod';
import type { DomainContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { acceptTicket } from './accept.ts';
import { dispatchTicket } from './dispatch.ts';
import { ACTION_ROLES } from './action-roles.ts';
import { requireRole } from './internal.ts';
import { urgeTicket } from './oversight.ts';
import { TicketNo } from './schemas.ts';
import { STATUS_LABELS } from './state-machine.ts';

const BULK_VERBS = { accept: '批量受理', dispatch: '批量派单', urge: '批量催办' } as const;

/** How many tickets one bulk action may take: a queue page's worth. */
export const BULK_MAX = 50;

export const BulkActionInput = z
  .object({
    action: z.enum(['accept', 'dispatch', 'urge'], { error: '批量操作应为 accept（受理）、dispatch（派单）或 urge（催办）' }),
    ticketNos: z
      .array(TicketNo)
      .min(1, '请至少选择一件工单')
      .max(BULK_MAX, `一次最多处理 ${BULK_MAX} 件工单`)
      .transform((nos) => [...new Set(nos)]),
    /** 派单: the lead unit every selected ticket goes to. */
    leadUnitId: z.string().trim().min(1).max(64).optional(),
    note: z.string().trim().min(1).max(2000, '备注不能超过 2000 个字').optional(),
  })
  .superRefine((value, ctx) => {
    if (value.action === 'dispatch' && !value.leadUnitId) ctx.addIssue({ code: 'custom', path: ['leadUnitId'], message: '请选择承办单位' });
  });
export type BulkActionInput = z.output<typeof BulkActionInput>;

export interface BulkOutcome {
  ticketNo: string;
  ok: boolean;
  /** The status after the action, when it succeeded. */
  statusLabel?: string;
  error?: { code: string; message: string };
}

/**
 * 批量受理 / 批量派单 / 批量催办: the same verb once per ticket, each in its
 * own transaction through the state machine, so one ticket taken by a
 * colleague meanwhile (or not in the right status) fails alone and says
 * why, while the others go through.
 */
export async function bulkAct(ctx: DomainContext, input: BulkActionInput): Promise<{ results: BulkOutcome[]; succeeded: number; failed: number }> {
  // A role that may not act at all is refused once, as the API's error, not once per ticket.
  requireRole(ctx.actor, ACTION_ROLES[input.action], BULK_VERBS[input.action]);
  const results: BulkOutcome[] = [];
  // One after the other: the order of the operator's list, and no pool exhaustion.
  for (const ticketNo of input.ticketNos) {
    try {
      const note = input.note ? { note: input.note } : {};
      const done =
        input.action === 'accept'
          ? await acceptTicket(ctx, ticketNo, note)
          : input.action === 'dispatch'
            ? await dispatchTicket(ctx, ticketNo, { leadUnitId: input.leadUnitId, coUnitIds: [], ...note })
            : await urgeTicket(ctx, ticketNo, note);
      results.push({ ticketNo, ok: true, statusLabel: STATUS_LABELS[done.ticket.status] });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      results.push({ ticketNo, ok: false, error: { code: error.code, message: error.message } });
    }
  }
  const succeeded = results.filter((r) => r.ok).length;
  return { results, succeeded, failed: results.length - succeeded };
}
