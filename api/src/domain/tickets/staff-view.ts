import { attachments, contactAccessLog, ticketDispatches, ticketEvents, tickets } from '@hotline/db';
import { asc, eq } from 'drizzle-orm';
import type { DomainContext, StaffActor } from '../context.ts';
import { CHANNEL_LABELS, REQUEST_TYPE_LABELS, URGENCY_LABELS } from '../labels.ts';
import { maskAddress, maskName, maskPhone } from '../privacy/mask.ts';
import { suggestUnits } from '../routing/suggest-units.ts';
import { assertCanView, getTicketByNo } from './internal.ts';
import { ACTION_LABELS, actionsFrom, STATUS_LABELS, type TicketAction } from './state-machine.ts';
import type { TicketRow } from './transition.ts';

/**
 * Who needs a citizen's contact data: the hotline's own staff, and the lead
 * unit's handlers unless the citizen asked for confidentiality (保密), in
 * which case the unit goes through the hotline.
 */
export function canSeeContact(staff: StaffActor, ticket: TicketRow): boolean {
  if (['operator', 'dispatcher', 'supervisor', 'admin'].includes(staff.role)) return true;
  return staff.role === 'unit_handler' && ticket.leadUnitId === staff.unitId && !ticket.confidential;
}

/** The fields every staff screen shows, with contact data masked. */
export function summarize(ctx: DomainContext, ticket: TicketRow, now: Date) {
  const { catalog } = ctx.rules;
  const openWithUnit = ['dispatched', 'in_progress', 'return_requested'].includes(ticket.status);
  return {
    ticketNo: ticket.ticketNo,
    status: ticket.status,
    statusLabel: STATUS_LABELS[ticket.status],
    type: ticket.type,
    typeLabel: REQUEST_TYPE_LABELS[ticket.type],
    channel: ticket.channel,
    channelLabel: CHANNEL_LABELS[ticket.channel],
    urgency: ticket.urgency,
    urgencyLabel: URGENCY_LABELS[ticket.urgency],
    title: ticket.title,
    category: ticket.categoryCode,
    categoryName: ticket.categoryCode ? (catalog.categories.get(ticket.categoryCode)?.name ?? null) : null,
    subcategory: ticket.subcategoryCode,
    subcategoryName: ticket.subcategoryCode ? (catalog.categories.get(ticket.subcategoryCode)?.name ?? null) : null,
    district: ticket.districtCode,
    districtName: ticket.districtCode ? (catalog.districts.get(ticket.districtCode)?.name ?? null) : null,
    street: ticket.streetCode,
    streetName: ticket.streetCode ? (catalog.streets.get(ticket.streetCode)?.name ?? null) : null,
    leadUnitId: ticket.leadUnitId,
    leadUnitName: ticket.leadUnitId ? (catalog.units.get(ticket.leadUnitId)?.name ?? null) : null,
    coUnitIds: ticket.coUnitIds,
    contactName: ticket.anonymous ? null : maskName(ticket.citizenName),
    contactPhone: ticket.anonymous ? null : maskPhone(ticket.citizenPhone),
    anonymous: ticket.anonymous,
    confidential: ticket.confidential,
    supervised: ticket.supervised,
    createdAt: ticket.createdAt.toISOString(),
    acceptDueAt: ticket.acceptDueAt?.toISOString() ?? null,
    signDueAt: ticket.signDueAt?.toISOString() ?? null,
    dueAt: ticket.dueAt?.toISOString() ?? null,
    overdue:
      (openWithUnit && !!ticket.dueAt && ticket.dueAt < now) ||
      (ticket.status === 'dispatched' && !!ticket.signDueAt && ticket.signDueAt < now) ||
      (ticket.status === 'submitted' && !!ticket.acceptDueAt && ticket.acceptDueAt < now),
    returnCount: ticket.returnCount,
    urgeCount: ticket.urgeCount,
    extensionPending: ticket.extensionRequestedAt !== null,
  };
}

/**
 * 工单详情 for staff. Unmasked contact data only for those who need it, and
 * every such view is written to the access log.
 */
export async function getTicketDetail(ctx: DomainContext, ticketNo: string, meta: { ip: string | null }) {
  const ticket = await getTicketByNo(ctx.db, ticketNo);
  const staff = assertCanView(ctx.actor, ticket);
  const showContact = canSeeContact(staff, ticket) && !ticket.anonymous;
  const [events, dispatches, files, suggestion] = await Promise.all([
    ctx.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticket.id)).orderBy(asc(ticketEvents.id)),
    ctx.db.select().from(ticketDispatches).where(eq(ticketDispatches.ticketId, ticket.id)).orderBy(asc(ticketDispatches.id)),
    ctx.db
      .select({ id: attachments.id, mimeType: attachments.mimeType, width: attachments.width, height: attachments.height, byteSize: attachments.byteSize, createdAt: attachments.createdAt })
      .from(attachments)
      .where(eq(attachments.ticketId, ticket.id))
      .orderBy(asc(attachments.createdAt)),
    staff.role === 'unit_handler' ? Promise.resolve(null) : suggestUnits(ctx.db, ctx.rules.catalog, ticket, ctx.rules.settings.mailbox),
  ]);
  if (showContact) {
    await ctx.db.insert(contactAccessLog).values({ staffId: staff.id, ticketId: ticket.id, purpose: 'ticket_detail', ip: meta.ip, createdAt: ctx.now() });
  }
  const mergedInto = ticket.mergedIntoId
    ? (await ctx.db.select({ no: tickets.ticketNo }).from(tickets).where(eq(tickets.id, ticket.mergedIntoId)))[0]?.no ?? null
    : null;
  const repeatOf = ticket.repeatOfId
    ? (await ctx.db.select({ no: tickets.ticketNo }).from(tickets).where(eq(tickets.id, ticket.repeatOfId)))[0]?.no ?? null
    : null;
  const units = ctx.rules.catalog.units;
  return {
    ...summarize(ctx, ticket, ctx.now()),
    description: ticket.description,
    address: showContact ? ticket.address : maskAddress(ticket.address),
    lat: ticket.lat,
    lng: ticket.lng,
    occurredAt: ticket.occurredAt?.toISOString() ?? null,
    contact: ticket.anonymous
      ? { anonymous: true, name: null, phone: null, masked: false }
      : showContact
        ? { anonymous: false, name: ticket.citizenName, phone: ticket.citizenPhone, masked: false }
        : { anonymous: false, name: maskName(ticket.citizenName), phone: maskPhone(ticket.citizenPhone), masked: true },
    publishConsent: ticket.publishConsent,
    channelUserId: ticket.channelUserId,
    coUnitNames: ticket.coUnitIds.map((id) => units.get(id)?.name ?? id),
    contactDueAt: ticket.contactDueAt?.toISOString() ?? null,
    onSiteDueAt: ticket.onSiteDueAt?.toISOString() ?? null,
    acceptedAt: ticket.acceptedAt?.toISOString() ?? null,
    dispatchedAt: ticket.dispatchedAt?.toISOString() ?? null,
    signedAt: ticket.signedAt?.toISOString() ?? null,
    contactedAt: ticket.contactedAt?.toISOString() ?? null,
    repliedAt: ticket.repliedAt?.toISOString() ?? null,
    replyText: ticket.replyText,
    closedAt: ticket.closedAt?.toISOString() ?? null,
    rejectReason: ticket.rejectReason,
    mergedInto,
    repeatOf,
    returnRequest: ticket.returnRequestedAt ? { at: ticket.returnRequestedAt.toISOString(), reason: ticket.returnReason } : null,
    extensionRequest: ticket.extensionRequestedAt
      ? { at: ticket.extensionRequestedAt.toISOString(), requestedDueAt: ticket.extensionRequestedDueAt?.toISOString() ?? null, reason: ticket.extensionReason }
      : null,
    reopenCount: ticket.reopenCount,
    rating: ticket.ratedAt
      ? {
          at: ticket.ratedAt.toISOString(),
          by: ticket.ratedBy,
          processSatisfaction: ticket.processSatisfaction,
          resultSatisfaction: ticket.resultSatisfaction,
          resolved: ticket.resolved,
          comment: ticket.ratingComment,
        }
      : null,
    availableActions: actionsFrom(ticket.status),
    routingSuggestion: suggestion
      ? { leadUnitId: suggestion.leadUnitId, leadUnitName: units.get(suggestion.leadUnitId)?.name ?? null, coUnitIds: suggestion.coUnitIds, ruleId: suggestion.ruleId }
      : null,
    dispatches: dispatches.map((d) => ({
      leadUnitId: d.leadUnitId,
      leadUnitName: units.get(d.leadUnitId)?.name ?? null,
      coUnitIds: d.coUnitIds,
      dispatchedAt: d.dispatchedAt.toISOString(),
      followedSuggestion: d.followedSuggestion,
      returnedAt: d.returnedAt?.toISOString() ?? null,
      returnReason: d.returnReason,
    })),
    attachments: files.map((f) => ({ ...f, createdAt: f.createdAt.toISOString() })),
    events: events.map((e) => ({
      id: e.id,
      at: e.createdAt.toISOString(),
      action: e.action,
      label: ACTION_LABELS[e.action as TicketAction] ?? e.action,
      fromStatus: e.fromStatus,
      toStatus: e.toStatus,
      actorKind: e.actorKind,
      actorName: e.actorName,
      unitName: e.unitId ? (units.get(e.unitId)?.name ?? null) : null,
      note: e.note,
      public: e.public,
      data: e.data,
    })),
  };
}
