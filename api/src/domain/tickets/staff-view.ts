import { attachments, contactAccessLog, routingRules, ticketDispatches, ticketEvents, tickets } from '@hotline/db';
import { asc, eq } from 'drizzle-orm';
import { addDays, localDayOf } from '../calendar/local-time.ts';
import type { DomainContext, StaffActor } from '../context.ts';
import { forbidden } from '../errors.ts';
import { CHANNEL_LABELS, REQUEST_TYPE_LABELS, URGENCY_LABELS } from '../labels.ts';
import { maskAddress, maskName, maskPhone } from '../privacy/mask.ts';
import { suggestUnits } from '../routing/suggest-units.ts';
import { assertCanView, getTicketByNo } from './internal.ts';
import { allowedActions } from './permissions.ts';
import { ACTION_LABELS, actionsFrom, STATUS_LABELS, type TicketAction, WITH_UNIT_STATUSES } from './state-machine.ts';
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

/**
 * The time left on the limit that applies in the ticket's status (受理 for a
 * new ticket, 签收 for a dispatched one not yet signed, the reply limit while
 * a unit has it), for the workbench's "已超时 2 小时 / 剩余 3 个工作日":
 * minutes either way, and the working days left after today on the working
 * calendar. Null when no limit runs.
 */
export function timeLeft(ctx: DomainContext, ticket: TicketRow, now: Date) {
  const limit =
    ticket.status === 'submitted'
      ? { kind: 'accept' as const, at: ticket.acceptDueAt }
      : ticket.status === 'dispatched' && !ticket.signedAt && ticket.signDueAt && ticket.signDueAt < (ticket.dueAt ?? ticket.signDueAt)
        ? { kind: 'sign' as const, at: ticket.signDueAt }
        : (WITH_UNIT_STATUSES as readonly string[]).includes(ticket.status)
          ? { kind: 'reply' as const, at: ticket.dueAt }
          : null;
  if (!limit?.at) return null;
  const ms = limit.at.getTime() - now.getTime();
  const overdue = ms < 0;
  let workingDays = 0;
  if (!overdue) {
    const dueDay = localDayOf(limit.at);
    // Days as YYYY-MM-DD compare as strings; a year of days at most.
    for (let day = addDays(localDayOf(now), 1), steps = 0; day <= dueDay && steps < 400; day = addDays(day, 1), steps++) {
      if (ctx.rules.calendar.isWorkingDay(day)) workingDays++;
    }
  }
  const soon = ms <= ctx.rules.settings.timeLimits.dueSoonHours * 3600_000;
  return {
    kind: limit.kind,
    dueAt: limit.at.toISOString(),
    overdue,
    level: overdue ? ('overdue' as const) : soon ? ('soon' as const) : ('ok' as const),
    minutes: Math.floor(Math.abs(ms) / 60_000),
    workingDays,
  };
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
    timeLeft: timeLeft(ctx, ticket, now),
  };
}

/**
 * 工单详情 for staff. The citizen's name and phone stay masked until someone
 * who needs them asks (`revealContact`, 查看联系方式); the address is shown
 * to the same people. Every unmasked view is written to the access log.
 */
export async function getTicketDetail(
  ctx: DomainContext,
  ticketNo: string,
  /** voiceKept: a chat network that keeps voice messages is configured (the official account). */
  meta: { ip: string | null; revealContact?: boolean; voiceKept?: boolean },
) {
  const ticket = await getTicketByNo(ctx.db, ticketNo);
  const staff = assertCanView(ctx.actor, ticket);
  const showContact = canSeeContact(staff, ticket) && !ticket.anonymous;
  if (meta.revealContact && !showContact) {
    throw forbidden(ticket.anonymous ? '匿名工单没有联系方式' : ticket.confidential ? '保密工单的联系方式仅热线办可见，请通过热线办联系诉求人' : '当前角色无权查看联系方式');
  }
  const revealed = showContact && !!meta.revealContact;
  const [events, dispatches, files, suggestion, allowed] = await Promise.all([
    ctx.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticket.id)).orderBy(asc(ticketEvents.id)),
    ctx.db.select().from(ticketDispatches).where(eq(ticketDispatches.ticketId, ticket.id)).orderBy(asc(ticketDispatches.id)),
    ctx.db
      .select({ id: attachments.id, mimeType: attachments.mimeType, width: attachments.width, height: attachments.height, byteSize: attachments.byteSize, createdAt: attachments.createdAt })
      .from(attachments)
      .where(eq(attachments.ticketId, ticket.id))
      .orderBy(asc(attachments.createdAt)),
    staff.role === 'unit_handler' ? Promise.resolve(null) : suggestUnits(ctx.db, ctx.rules.catalog, ticket, ctx.rules.settings.mailbox),
    allowedActions(ctx, staff, ticket),
  ]);
  if (showContact) {
    await ctx.db.insert(contactAccessLog).values({ staffId: staff.id, ticketId: ticket.id, purpose: revealed ? 'reveal_contact' : 'ticket_detail', ip: meta.ip, createdAt: ctx.now() });
  }
  const mergedInto = ticket.mergedIntoId
    ? (await ctx.db.select({ no: tickets.ticketNo }).from(tickets).where(eq(tickets.id, ticket.mergedIntoId)))[0]?.no ?? null
    : null;
  const repeatOf = ticket.repeatOfId
    ? (await ctx.db.select({ no: tickets.ticketNo }).from(tickets).where(eq(tickets.id, ticket.repeatOfId)))[0]?.no ?? null
    : null;
  const ruleNote = suggestion?.ruleId
    ? ((await ctx.db.select({ note: routingRules.note }).from(routingRules).where(eq(routingRules.id, suggestion.ruleId)))[0]?.note ?? null)
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
      : revealed
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
    contactRevealable: showContact,
    /** A voice identifies the citizen as a phone number does (voice-recording.ts). */
    voiceAccess: (canSeeContact(staff, ticket) ? (meta.voiceKept ? 'audible' : 'unconfigured') : 'hidden') as 'audible' | 'unconfigured' | 'hidden',
    availableActions: actionsFrom(ticket.status),
    /** What this viewer may do now (role, unit, status and workflow settings): the workbench shows these and no others. */
    allowedActions: allowed.actions,
    actionContext: allowed.context,
    routingSuggestion: suggestion
      ? {
          leadUnitId: suggestion.leadUnitId,
          leadUnitName: units.get(suggestion.leadUnitId)?.name ?? null,
          coUnitIds: suggestion.coUnitIds,
          coUnitNames: suggestion.coUnitIds.map((id) => units.get(id)?.name ?? id),
          ruleId: suggestion.ruleId,
          // Why: the rule's keys in words (分类 / 二级分类 / 区), or the reason a letter went to a 区长.
          reason: suggestion.reason ?? null,
          ruleNote,
          matchedOn: {
            category: ctx.rules.catalog.categories.get(suggestion.matchedOn.category)?.name ?? (suggestion.matchedOn.category || null),
            subcategory: suggestion.matchedOn.subcategory ? (ctx.rules.catalog.categories.get(suggestion.matchedOn.subcategory)?.name ?? suggestion.matchedOn.subcategory) : null,
            district: suggestion.matchedOn.district ? (ctx.rules.catalog.districts.get(suggestion.matchedOn.district)?.name ?? suggestion.matchedOn.district) : null,
          },
        }
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
