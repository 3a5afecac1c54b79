import { newId, type Tx } from '@hotline/db';
import type { Channel } from '@hotline/db/enums';
import { claimUploadDrafts } from '../attachments/upload-drafts.ts';
import { describeChoices, findDistrict, findStreet, resolveCategory } from '../catalog/catalog.ts';
import type { DomainContext } from '../context.ts';
import { DomainError, type FieldIssue } from '../errors.ts';
import { acceptDue, replyWorkingDays } from '../time-limits/due-times.ts';
import { allocateTicketNo, generateQueryCode, hashQueryCode } from './numbers.ts';
import type { CreatePhoneTicketInput, CreateTicketInput } from './schemas.ts';
import { insertSubmittedTicket, type SubmittedTicket } from './transition.ts';
import type { PreparedTake } from '../rate-limits/rate-limiter.ts';
import { decideTicketUrgency, type IntakeRulesSource, type UrgencyBasis } from './urgency.ts';

export interface CreatedTicket {
  ticket: SubmittedTicket;
  /** Shown once to the citizen; only its hash is stored. */
  queryCode: string;
  /** Working days the unit will have to reply once the ticket is dispatched. */
  replyWorkingDays: number;
  /** The urgency the intake decided, and why (also on the creation event). */
  urgency: UrgencyBasis;
}

export interface CreateOptions {
  /** Runs inside the creating transaction (the idempotency record is completed there). */
  inTransaction?: (tx: Tx, created: CreatedTicket) => Promise<void>;
  /** The process's intake rules (the knowledge service); absent: read from the database. */
  intakeRules?: IntakeRulesSource;
  /** Filing limits, counted in the ticket's own statement (RateLimiter.prepareTake). */
  limits?: PreparedTake | null;
}

function deriveTitle(description: string): string {
  const firstSentence = description.split(/[。！？!?\n]/)[0]?.trim() || description.trim();
  const chars = [...firstSentence];
  return chars.length > 30 ? `${chars.slice(0, 30).join('')}…` : firstSentence;
}

/** Checks what needs the reference data: known category, district, and a street of that district. */
function resolveReferences(ctx: DomainContext, input: CreateTicketInput | CreatePhoneTicketInput) {
  const issues: FieldIssue[] = [];
  const { catalog } = ctx.rules;
  let categoryCode: string | null = null;
  let subcategoryCode: string | null = null;
  if (input.category) {
    const resolved = resolveCategory(catalog, input.category);
    if (!resolved) {
      const firstLevel = [...catalog.categories.values()].filter((c) => c.active && c.parentCode === null);
      issues.push({ path: 'category', message: `诉求分类「${input.category}」不存在。可填写分类名称或代码，例如：${describeChoices(firstLevel, 6)}` });
    } else ({ categoryCode, subcategoryCode } = resolved);
  }
  // Codes or names ("dongcheng" or "东城区"); what is stored is always the code.
  const districtGiven = input.location?.district || null;
  const streetGiven = input.location?.street || null;
  let district: string | null = null;
  let street: string | null = null;
  if (districtGiven) {
    district = findDistrict(catalog, districtGiven)?.code ?? null;
    if (!district) {
      issues.push({ path: 'location.district', message: `区「${districtGiven}」不在本市范围内。可填写：${describeChoices(catalog.districts.values())}` });
    }
  }
  if (streetGiven) {
    const known = findStreet(catalog, streetGiven, district);
    if (!known) {
      const ofDistrict = [...catalog.streets.values()].filter((s) => s.districtCode === district);
      issues.push({
        path: 'location.street',
        message: district ? `街道「${streetGiven}」不在所选的区内。可填写：${describeChoices(ofDistrict)}` : `街道「${streetGiven}」不存在`,
      });
    } else if (district && known.districtCode !== district) issues.push({ path: 'location.street', message: '所选街道不属于所选的区' });
    else street = known.code;
  }
  if (input.addressee) {
    const addressee = ctx.rules.settings.mailbox.addressees.find((a) => a.code === input.addressee);
    if (!addressee) issues.push({ path: 'addressee', message: `写信对象「${input.addressee}」不存在` });
    else if (addressee.scope === 'district' && !district && !districtGiven) {
      issues.push({ path: 'location.district', message: `写给${addressee.label}的来信，请选择是哪个区` });
    }
  }
  if (issues.length > 0) throw new DomainError('VALIDATION', issues[0]!.message, issues);
  return { categoryCode, subcategoryCode, districtCode: district, streetCode: street };
}

/**
 * Everything createTicket checks, without filing: a form's review step
 * shows the citizen their errors, or the time limits that will apply.
 */
export async function checkTicket(
  ctx: DomainContext,
  input: CreateTicketInput | CreatePhoneTicketInput,
  intakeRules?: IntakeRulesSource,
): Promise<{ acceptDueAt: Date; replyWorkingDays: number; refs: ReturnType<typeof resolveReferences> }> {
  const refs = resolveReferences(ctx, input);
  // The limits the filing will get: the urgency is the intake's decision, as in createTicket, not the client's.
  const urgency = await decideTicketUrgency(ctx, input, intakeRules);
  const classified = { type: input.type, categoryCode: refs.categoryCode, subcategoryCode: refs.subcategoryCode, urgency: urgency.level };
  const { acceptDueAt } = acceptDue(ctx.rules.calendar, ctx.rules.settings.timeLimits, { ...classified, channel: input.channel }, ctx.now());
  return { acceptDueAt, replyWorkingDays: replyWorkingDays(ctx.rules.settings.timeLimits, classified), refs };
}

/**
 * 提交诉求: every channel files through here. The ticket starts `submitted`
 * with its intake limit (acceptDueAt); the reply clock starts at dispatch.
 */
export async function createTicket(
  ctx: DomainContext,
  input: CreateTicketInput | CreatePhoneTicketInput,
  options: CreateOptions = {},
): Promise<CreatedTicket> {
  const refs = resolveReferences(ctx, input);
  const now = ctx.now();
  const channel: Channel = input.channel;
  // One urgency rule for every channel, decided here before the clock is set (urgent: accepted within 15 minutes).
  const urgency = await decideTicketUrgency(ctx, input, options.intakeRules);
  const classified = { type: input.type, categoryCode: refs.categoryCode, subcategoryCode: refs.subcategoryCode, urgency: urgency.level };
  const { acceptDueAt, basis } = acceptDue(ctx.rules.calendar, ctx.rules.settings.timeLimits, { ...classified, channel }, now);
  const ticketNo = await allocateTicketNo(ctx.db, now);
  const queryCode = generateQueryCode();
  const days = replyWorkingDays(ctx.rules.settings.timeLimits, classified);
  const location = input.location ?? {};

  return ctx.db.transaction(async (tx) => {
    const { ticket } = await insertSubmittedTicket(
      tx,
      ctx,
      {
        id: newId(now.getTime()),
        ticketNo,
        queryCodeHash: hashQueryCode(queryCode),
        type: input.type,
        ...refs,
        title: input.title || deriveTitle(input.description),
        description: input.description,
        address: location.address || null,
        lat: location.lat ?? null,
        lng: location.lng ?? null,
        occurredAt: input.occurredAt ?? null,
        citizenName: input.anonymous ? null : input.contact?.name || null,
        citizenPhone: input.anonymous ? null : (input.contact?.phone ?? null),
        anonymous: input.anonymous,
        confidential: input.confidential,
        publishConsent: input.publishConsent,
        channel,
        channelUserId: input.channelUserId ?? null,
        addressee: input.addressee ?? null,
        urgency: urgency.level,
        acceptDueAt,
        createdAt: now,
        updatedAt: now,
      },
      { public: true, data: { channel, acceptBasis: basis, urgency, ...(input.voiceMediaIds?.length ? { voiceMediaIds: input.voiceMediaIds } : {}) } },
      options.limits ?? undefined,
    );
    if (input.photos?.length) await claimUploadDrafts(tx, ctx, ticket.id, input.photos);
    const created = { ticket, queryCode, replyWorkingDays: days, urgency };
    await options.inTransaction?.(tx, created);
    return created;
  });
}
