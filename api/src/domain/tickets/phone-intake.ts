import { z } from 'zod';
import { resolveCategory } from '../catalog/catalog.ts';
import type { DomainContext } from '../context.ts';
import { draftTicket, searchEntries } from '../knowledge/ask.ts';
import { validationError } from '../errors.ts';
import type { KnowledgeService } from '../knowledge/knowledge-service.ts';
import { acceptTicket } from './accept.ts';
import { ACTION_ROLES } from './action-roles.ts';
import { answerDirectly } from './answer-directly.ts';
import { createTicket } from './create.ts';
import { requireRole } from './internal.ts';
import { AnswerDirectlyInput, CreatePhoneTicketInput } from './schemas.ts';
import { findSimilarOpenTickets } from './similar.ts';
import { STATUS_LABELS } from './state-machine.ts';

// 电话受理: what the operator sees while the caller speaks, and the one step
// that files the call. Both only for the roles that take tickets at intake.

const INTAKE_ROLES = ACTION_ROLES.accept;

export const CallAssistInput = z.object({
  text: z.string({ error: '请填写来电内容' }).trim().min(2, '来电内容至少 2 个字').max(5000, '来电内容不能超过 5000 个字'),
  /** The place the operator has chosen so far: similar tickets are looked for there. */
  district: z.string().trim().max(64).optional(),
  category: z.string().trim().max(80).optional(),
});
export type CallAssistInput = z.infer<typeof CallAssistInput>;

/**
 * The live intake draft of a call: the intake chain's type, category,
 * urgency and place (the operator may change each), the knowledge answers to
 * read to the caller, similar open tickets, and the number to transfer an
 * emergency to. A search outage leaves the answers empty, never the draft.
 */
export async function assistCall(ctx: DomainContext, kb: KnowledgeService, input: CallAssistInput) {
  requireRole(ctx.actor, INTAKE_ROLES, '电话受理');
  const draft = await draftTicket(ctx, kb, { text: input.text, channel: 'phone' });
  const answers = await searchEntries(ctx, kb, { q: input.text.slice(0, 200), limit: 3 }).then(
    (r) => ({ available: true, confident: r.confident, hits: r.hits }),
    () => ({ available: false, confident: false, hits: [] }),
  );
  const categoryCode = (input.category || draft.category) ?? null;
  const similar = await findSimilarOpenTickets(ctx, {
    text: input.text,
    districtCode: input.district || draft.location.district || null,
    streetCode: draft.location.street || null,
    categoryCode: categoryCode ? (resolveCategory(ctx.rules.catalog, categoryCode)?.categoryCode ?? null) : null,
  });
  return {
    draft: {
      type: draft.type,
      category: draft.category,
      urgency: draft.urgency,
      title: draft.title,
      location: draft.location,
    },
    emergency: draft.emergency,
    emergencyAdvice: draft.emergencyAdvice,
    answers,
    similar,
  };
}

export const PhoneCallInput = z.object({
  ticket: CreatePhoneTicketInput,
  /** 登记: filed and accepted; 直接答复: filed and answered at once with `answer`. */
  outcome: z.enum(['register', 'answer'], { error: '请选择登记或直接答复' }),
  answer: z.string().optional(),
  /** The knowledge entry the answer came from, when it did. */
  entryId: AnswerDirectlyInput.shape.entryId,
});
export type PhoneCallInput = z.infer<typeof PhoneCallInput>;

/**
 * Files a call as a phone ticket and takes it through the state machine at
 * once: 受理 (登记) or 直接答复, two transitions like any other ticket's. The
 * answer is checked before anything is filed, so a refused answer leaves no
 * half-done ticket behind; nobody else can act on the ticket in between, as
 * nobody knows its number yet.
 */
export async function registerCall(ctx: DomainContext, input: PhoneCallInput) {
  requireRole(ctx.actor, INTAKE_ROLES, '登记来电');
  let answer: { answer: string; entryId?: string | undefined } | null = null;
  if (input.outcome === 'answer') {
    const parsed = AnswerDirectlyInput.safeParse({ answer: input.answer ?? '', entryId: input.entryId });
    if (!parsed.success) throw validationError(parsed.error.issues[0]?.message ?? '请填写答复内容', 'answer');
    answer = parsed.data;
  }
  const created = await createTicket(ctx, { ...input.ticket, channel: 'phone' });
  const ticketNo = created.ticket.ticketNo;
  const result = answer === null ? await acceptTicket(ctx, ticketNo, {}) : await answerDirectly(ctx, ticketNo, answer);
  return {
    ticketNo,
    queryCode: created.queryCode,
    status: result.ticket.status,
    statusLabel: STATUS_LABELS[result.ticket.status],
    outcome: input.outcome,
  };
}
