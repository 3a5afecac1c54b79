import { resolveCategory } from '../catalog/catalog.ts';
import type { DomainContext } from '../context.ts';
import { validationError } from '../errors.ts';
import { getTicketByNo, requireRole } from './internal.ts';
import type { AcceptInput } from './schemas.ts';
import { transition } from './transition.ts';
import { ACTION_ROLES } from './action-roles.ts';
import { correctionsOf, recordCorrections } from './intake-corrections.ts';

/** 受理: an operator takes a submitted ticket and may correct its type, category and urgency. */
export async function acceptTicket(ctx: DomainContext, ticketNo: string, input: AcceptInput) {
  requireRole(ctx.actor, ACTION_ROLES.accept, '受理工单');
  const ticket = await getTicketByNo(ctx.db, ticketNo);
  const patch: Parameters<typeof transition>[1]['patch'] = { acceptedAt: ctx.now() };
  if (input.category) {
    const resolved = resolveCategory(ctx.rules.catalog, input.category);
    if (!resolved) throw validationError(`诉求分类「${input.category}」不存在`, 'category');
    Object.assign(patch, resolved);
  }
  if (input.type) patch.type = input.type;
  if (input.urgency) patch.urgency = input.urgency;
  // What the operator changed from what intake suggested: labelled examples for the intake model.
  const corrections = correctionsOf(ticket, patch);
  return transition(ctx, {
    ticket,
    action: 'accept',
    to: 'accepted',
    patch,
    event: { note: input.note, public: true, data: { category: patch.categoryCode, type: input.type, urgency: input.urgency } },
    alsoWrite: (tx, updated) => recordCorrections(tx, ctx, updated.id, 'accept', corrections),
  });
}
