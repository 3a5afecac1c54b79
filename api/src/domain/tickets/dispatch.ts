import { ticketDispatches } from '@hotline/db';
import { resolveCategory } from '../catalog/catalog.ts';
import type { DomainContext } from '../context.ts';
import { DomainError, validationError } from '../errors.ts';
import { suggestUnits } from '../routing/suggest-units.ts';
import { dispatchDueTimes } from '../time-limits/due-times.ts';
import { getTicketByNo, requireRole, unitName } from './internal.ts';
import type { DispatchInput } from './schemas.ts';
import { transition } from './transition.ts';
import { ACTION_ROLES } from './action-roles.ts';
import { correctionsOf, recordCorrections } from './intake-corrections.ts';

/**
 * 派单: to a lead unit and co-units, by default the routing suggestion. The
 * reply clock starts now; a re-dispatch after a return starts it again.
 */
export async function dispatchTicket(ctx: DomainContext, ticketNo: string, input: DispatchInput) {
  const staff = requireRole(ctx.actor, ACTION_ROLES.dispatch, '派单');
  const ticket = await getTicketByNo(ctx.db, ticketNo);
  const { catalog } = ctx.rules;

  let { categoryCode, subcategoryCode } = ticket;
  if (input.category) {
    const resolved = resolveCategory(catalog, input.category);
    if (!resolved) throw validationError(`诉求分类「${input.category}」不存在`, 'category');
    ({ categoryCode, subcategoryCode } = resolved);
  }
  if (!categoryCode) throw validationError('派单前请先确定诉求分类', 'category');

  const suggestion = await suggestUnits(ctx.db, catalog, { ...ticket, categoryCode, subcategoryCode }, ctx.rules.settings.mailbox);
  const leadUnitId = input.leadUnitId ?? suggestion?.leadUnitId;
  if (!leadUnitId) throw validationError('没有匹配的派单规则，请指定主办单位', 'leadUnitId');
  const coUnitIds = [...new Set(input.coUnitIds ?? (input.leadUnitId ? [] : (suggestion?.coUnitIds ?? [])))].filter((id) => id !== leadUnitId);
  for (const [path, id] of [['leadUnitId', leadUnitId] as const, ...coUnitIds.map((id) => ['coUnitIds', id] as const)]) {
    const unit = catalog.units.get(id);
    if (!unit || !unit.active) throw new DomainError('VALIDATION', `承办单位「${id}」不存在或已停用`, [{ path, message: `承办单位「${id}」不存在或已停用` }]);
  }
  const followed = !suggestion
    ? 'none'
    : suggestion.leadUnitId === leadUnitId && suggestion.coUnitIds.join() === coUnitIds.join()
      ? 'yes'
      : 'no';

  // A category the dispatcher changed from the ticket's: a labelled example for the intake model.
  const corrections = input.category ? correctionsOf(ticket, { categoryCode, subcategoryCode }) : [];
  const now = ctx.now();
  const due = dispatchDueTimes(ctx.rules.calendar, ctx.rules.settings.timeLimits, { ...ticket, categoryCode, subcategoryCode }, now);
  return transition(ctx, {
    ticket,
    action: 'dispatch',
    to: 'dispatched',
    patch: {
      categoryCode,
      subcategoryCode,
      leadUnitId,
      coUnitIds,
      dispatchedAt: now,
      signedAt: null,
      dueAt: due.dueAt,
      signDueAt: due.signDueAt,
      contactDueAt: due.contactDueAt,
      onSiteDueAt: due.onSiteDueAt,
      acceptedAt: ticket.acceptedAt ?? now,
    },
    event: {
      note: input.note,
      public: true,
      data: {
        leadUnitId,
        leadUnitName: unitName(ctx, leadUnitId),
        coUnitIds,
        coUnitNames: coUnitIds.map((id) => unitName(ctx, id)),
        dueAt: due.dueAt.toISOString(),
        replyWorkingDays: due.replyWorkingDays,
        suggestedRuleId: suggestion?.ruleId ?? null,
        followedSuggestion: followed,
      },
    },
    alsoWrite: async (tx, updated) => {
      await tx.insert(ticketDispatches).values({
        ticketId: updated.id,
        leadUnitId,
        coUnitIds,
        dispatchedBy: staff.id,
        dispatchedAt: now,
        followedSuggestion: followed,
      });
      await recordCorrections(tx, ctx, updated.id, 'dispatch', corrections);
    },
  });
}
