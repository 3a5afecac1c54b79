import { attachments, type Queryable, ticketEvents, tickets } from '@hotline/db';
import type { Satisfaction } from '@hotline/db/enums';
import { asc, eq } from 'drizzle-orm';
import { formatLocal } from '../calendar/local-time.ts';
import type { DomainContext } from '../context.ts';
import { CHANNEL_LABELS, REQUEST_TYPE_LABELS } from '../labels.ts';
import { maskName, maskPhone } from '../privacy/mask.ts';
import { reopenAllowed } from './rate.ts';
import { ACTION_LABELS, STATUS_LABELS, type TicketAction, type TicketStatus } from './state-machine.ts';
import type { TicketEventRow, TicketRow } from './transition.ts';

export interface TimelineEntry {
  at: string;
  action: string;
  label: string;
  text: string;
}

export interface CitizenTicketView {
  ticketNo: string;
  status: TicketStatus;
  statusLabel: string;
  type: string;
  typeLabel: string;
  channelLabel: string;
  /** For letters to the mayor's mailbox: whom it was written to. */
  addressee: string | null;
  category: { code: string; name: string } | null;
  subcategory: { code: string; name: string } | null;
  title: string;
  description: string;
  location: { district: string | null; street: string | null; address: string | null };
  contact: { anonymous: boolean; name: string | null; phone: string | null };
  confidential: boolean;
  publishConsent: boolean;
  createdAt: string;
  acceptDueAt: string | null;
  dueAt: string | null;
  unit: string | null;
  reply: { text: string; at: string } | null;
  rating: {
    processSatisfaction: Satisfaction;
    resultSatisfaction: Satisfaction;
    resolved: boolean;
    comment: string | null;
    at: string;
  } | null;
  /**
   * Each round of handling with its own reply and its own rating, oldest
   * first: a reopened ticket (重办) has a round per reply. `reply` and
   * `rating` are the latest round's.
   */
  rounds: HandlingRound[];
  canRate: boolean;
  /** Whether an unsatisfied rating now would send the ticket back for another round. */
  unsatisfiedReopens: boolean;
  mergedInto: string | null;
  attachmentCount: number;
  timeline: TimelineEntry[];
}

export interface HandlingRound {
  reply: { text: string; at: string };
  unit: string | null;
  rating: NonNullable<CitizenTicketView['rating']> | null;
}

const str = (value: unknown) => (typeof value === 'string' ? value : null);
const SATISFACTION = new Set<string>(['satisfied', 'basically_satisfied', 'unsatisfied']);

/** The rounds of handling, from the reply and rating events (the ticket row holds only the latest). */
function handlingRounds(events: TicketEventRow[], ctx: DomainContext): HandlingRound[] {
  const rounds: HandlingRound[] = [];
  for (const e of events) {
    if ((e.action === 'reply' || e.action === 'answer_directly') && e.note) {
      rounds.push({ reply: { text: e.note, at: e.createdAt.toISOString() }, unit: e.unitId ? (ctx.rules.catalog.units.get(e.unitId)?.name ?? null) : null, rating: null });
    } else if (e.action === 'rate' && rounds.length > 0) {
      const d = e.data ?? {};
      const process = str(d.processSatisfaction);
      const result = str(d.resultSatisfaction);
      if (!process || !result || !SATISFACTION.has(process) || !SATISFACTION.has(result) || typeof d.resolved !== 'boolean') continue;
      rounds.at(-1)!.rating = {
        processSatisfaction: process as Satisfaction,
        resultSatisfaction: result as Satisfaction,
        resolved: d.resolved,
        // A callback's note is the supervisor's, not the citizen's words.
        comment: d.by === 'callback' ? null : e.note,
        at: e.createdAt.toISOString(),
      };
    }
  }
  return rounds;
}

/** The citizen's line for an event: plain words, no internal remarks. */
function describe(event: TicketEventRow, ctx: DomainContext): string {
  const data = event.data ?? {};
  const note = event.note ?? '';
  switch (event.action as TicketAction) {
    case 'submit':
      return `您的诉求已通过${CHANNEL_LABELS[(str(data.channel) ?? 'web') as keyof typeof CHANNEL_LABELS] ?? ''}提交`;
    case 'accept':
      return '12345 热线已受理您的诉求';
    case 'reject':
      return `不予受理。理由：${note}`;
    case 'answer_directly':
      return '12345 热线已直接答复您的诉求';
    case 'merge':
      return `与相同诉求的工单 ${str(data.intoTicketNo) ?? ''} 合并办理，请以该工单的进度为准`;
    case 'dispatch': {
      const due = str(data.dueAt);
      return `已转交 ${str(data.leadUnitName) ?? '承办单位'} 办理${due ? `，办理时限至 ${formatLocal(new Date(due))}` : ''}`;
    }
    case 'sign':
      return '承办单位已签收，正在办理';
    case 'approve_extension':
      return `经审核，办理时限延长至 ${str(data.dueAtText) ?? ''}`;
    case 'progress_note':
      return note;
    case 'supplement':
      return `您补充了诉求：${note}`;
    case 'reply':
      return '承办单位已答复，请查看答复内容并评价';
    case 'rate':
      if (data.reopened) return '您对办理结果不满意，工单已重新办理';
      return data.by === 'callback' ? '热线已回访，工单办结' : '感谢您的评价，工单办结';
    case 'reopen':
      return '工单重新办理';
    case 'publish':
      return '您的诉求已作为典型案例公开，个人信息均已隐去';
    case 'close':
    case 'auto_close':
      // Older closes (before 100% callback) carry no outcome.
      return data.outcome === 'unreachable' ? '热线多次回访未能联系到您，工单办结' : '工单已办结';
    default:
      return ACTION_LABELS[event.action as TicketAction] ?? event.action;
  }
}

export async function buildCitizenView(db: Queryable, ctx: DomainContext, ticket: TicketRow): Promise<CitizenTicketView> {
  const { catalog } = ctx.rules;
  const [events, attachmentRows, merged] = await Promise.all([
    db
      .select()
      .from(ticketEvents)
      .where(eq(ticketEvents.ticketId, ticket.id))
      .orderBy(asc(ticketEvents.id)),
    db.select({ id: attachments.id }).from(attachments).where(eq(attachments.ticketId, ticket.id)),
    ticket.mergedIntoId
      ? db.select({ ticketNo: tickets.ticketNo }).from(tickets).where(eq(tickets.id, ticket.mergedIntoId))
      : Promise.resolve([]),
  ]);
  const category = ticket.categoryCode ? catalog.categories.get(ticket.categoryCode) : undefined;
  const subcategory = ticket.subcategoryCode ? catalog.categories.get(ticket.subcategoryCode) : undefined;
  const canRate = ticket.status === 'replied' || ticket.status === 'answered';
  const replyAt = ticket.repliedAt ?? ticket.answeredAt;
  const rounds = handlingRounds(events, ctx);
  return {
    ticketNo: ticket.ticketNo,
    status: ticket.status,
    statusLabel: STATUS_LABELS[ticket.status],
    type: ticket.type,
    typeLabel: REQUEST_TYPE_LABELS[ticket.type],
    channelLabel: CHANNEL_LABELS[ticket.channel],
    addressee: ticket.addressee ? (ctx.rules.settings.mailbox.addressees.find((a) => a.code === ticket.addressee)?.label ?? null) : null,
    category: category ? { code: category.code, name: category.name } : null,
    subcategory: subcategory ? { code: subcategory.code, name: subcategory.name } : null,
    title: ticket.title,
    description: ticket.description,
    location: {
      district: ticket.districtCode ? (catalog.districts.get(ticket.districtCode)?.name ?? null) : null,
      street: ticket.streetCode ? (catalog.streets.get(ticket.streetCode)?.name ?? null) : null,
      address: ticket.address,
    },
    contact: { anonymous: ticket.anonymous, name: maskName(ticket.citizenName), phone: maskPhone(ticket.citizenPhone) },
    confidential: ticket.confidential,
    publishConsent: ticket.publishConsent,
    createdAt: ticket.createdAt.toISOString(),
    acceptDueAt: ticket.acceptDueAt?.toISOString() ?? null,
    dueAt: ticket.dueAt?.toISOString() ?? null,
    unit: ticket.leadUnitId ? (catalog.units.get(ticket.leadUnitId)?.name ?? null) : null,
    reply: ticket.replyText && replyAt ? { text: ticket.replyText, at: replyAt.toISOString() } : null,
    rounds,
    // The current round's rating only: after a reopen the new reply waits for its own.
    rating: rounds.at(-1)?.rating ?? null,
    canRate,
    unsatisfiedReopens: canRate && reopenAllowed(ctx, ticket),
    mergedInto: merged[0]?.ticketNo ?? null,
    attachmentCount: attachmentRows.length,
    timeline: events
      .filter((e) => e.public)
      .map((e) => ({
        at: e.createdAt.toISOString(),
        action: e.action,
        label: ACTION_LABELS[e.action as TicketAction] ?? e.action,
        text: describe(e, ctx),
      })),
  };
}
