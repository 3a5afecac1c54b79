import '../zod-messages.ts';
import { CHANNELS, REQUEST_TYPES, SATISFACTION_LEVELS, URGENCIES } from '@hotline/db/enums';
import { z } from 'zod';
import { isValidPhone, normalizePhone } from '../privacy/phone.ts';
import { UPLOAD_ID_PATTERN } from '../attachments/upload-id.ts';
import { QUERY_CODE_PATTERN, TICKET_NO_PATTERN } from './numbers.ts';

// Input schemas of the ticket verbs. Edges (HTTP routes, bots, the CLI) parse
// with these; verbs receive the parsed, typed values.

const text = (min: number, max: number, what: string) =>
  z
    .string({ error: `请填写${what}` })
    .trim()
    .min(min, min <= 1 ? `请填写${what}` : `${what}至少需要 ${min} 个字`)
    .max(max, `${what}不能超过 ${max} 个字`);

export const PhoneNumber = z
  .string({ error: '请填写手机号码' })
  .transform(normalizePhone)
  .refine(isValidPhone, '手机号码格式不正确，请填写 11 位手机号或带区号的固定电话');

export const TicketNo = z.string({ error: '请填写工单编号' }).trim().regex(TICKET_NO_PATTERN, '工单编号格式不正确，应为 12 位以上数字');
export const QueryCode = z.string({ error: '请填写查询码' }).trim().regex(QUERY_CODE_PATTERN, '查询码应为 8 位数字');

export const Location = z.object({
  district: z.string().trim().max(64).optional(),
  street: z.string().trim().max(64).optional(),
  address: z.string().trim().max(200, '地址不能超过 200 个字').optional(),
  lat: z.number().min(-90).max(90).optional(),
  lng: z.number().min(-180).max(180).optional(),
});
export type Location = z.infer<typeof Location>;

export const Contact = z.object({
  name: z.string().trim().max(30, '姓名不能超过 30 个字').optional(),
  phone: PhoneNumber,
});

const Occurred = z.iso.datetime({ offset: true, error: '发生时间格式不正确' }).transform((value) => new Date(value));

const ticketFields = {
  type: z.enum(REQUEST_TYPES, { error: '请选择诉求类型（投诉、举报、求助、咨询、建议、表扬）' }),
  category: z.string().trim().max(80).optional(),
  title: text(2, 60, '标题').optional(),
  // "路灯坏了" is a complete filing: what is missing (where) is asked for, not more words.
  description: text(2, 5000, '诉求内容'),
  location: Location.optional(),
  occurredAt: Occurred.optional(),
  contact: Contact.optional(),
  anonymous: z.boolean().default(false),
  confidential: z.boolean().default(false),
  publishConsent: z.boolean().default(false),
  channelUserId: z.string().trim().min(1).max(128).optional(),
  urgency: z.enum(URGENCIES).default('normal'),
  /** Mayor's mailbox letters only: whom it is addressed to (codes from GET /api/catalog). */
  addressee: z.string().trim().max(32).optional(),
  /** Photos uploaded beforehand (POST /api/uploads), in the order to show them. */
  photos: z
    .array(z.string().regex(UPLOAD_ID_PATTERN, '照片编号无效'))
    .max(6, '每个工单最多 6 张照片')
    .optional(),
  /** WeChat voice messages the filing was spoken in (media ids): staff fetch the recordings from the ticket page. */
  voiceMediaIds: z
    .array(z.string().trim().regex(/^[A-Za-z0-9_-]{1,200}$/, '语音编号无效'))
    .max(5)
    .optional(),
};

type TicketFieldsShape = { [K in keyof typeof ticketFields]: z.output<(typeof ticketFields)[K]> } & { channel: string };

function checkTicket(value: Partial<TicketFieldsShape>, issue: (path: string, message: string) => void) {
  if (value.anonymous && value.contact) issue('contact', '匿名反映时请不要填写联系方式');
  if (!value.anonymous && !value.contact) issue('contact.phone', '请填写联系电话，或选择匿名反映');
  if (value.voiceMediaIds?.length && value.channel !== 'wechat') issue('voiceMediaIds', '只有微信渠道的工单可以附带语音');
  const loc = value.location;
  // Letters to the mayor are often about policy and have no place.
  if (value.type && value.type !== 'consultation' && value.channel !== 'mailbox') {
    if (!loc?.district && !loc?.address) issue('location.district', '请选择所在区或填写详细地址，便于转交属地单位办理');
  }
  if (loc && (loc.lat === undefined) !== (loc.lng === undefined)) issue('location.lat', '经度和纬度需同时提供');
  if (loc?.street && !loc.district) issue('location.district', '选择街道时请同时选择所在区');
  if (value.occurredAt && value.occurredAt.getTime() > Date.now() + 10 * 60_000) issue('occurredAt', '发生时间不能晚于现在');
  if (value.channel === 'mailbox' && !value.addressee) issue('addressee', '请选择写信对象');
  if (value.channel !== 'mailbox' && value.addressee) issue('addressee', '只有市长信箱的来信需要写信对象');
}

const withChecks = <T extends z.ZodType<Partial<TicketFieldsShape>>>(schema: T) =>
  schema.superRefine((value, ctx) =>
    checkTicket(value, (path, message) => ctx.addIssue({ code: 'custom', path: path.split('.'), message })),
  );

/** What a citizen's channel sends to create a ticket (POST /api/tickets); unknown fields are refused, not ignored. */
export const CreateTicketInput = withChecks(
  z.strictObject({
    ...ticketFields,
    channel: z.enum(CHANNELS.filter((c) => c !== 'phone') as ['web', 'mailbox', 'wechat', 'telegram'], {
      error: '渠道无效：应为 web、mailbox、wechat 或 telegram',
    }),
  }),
);
export type CreateTicketInput = z.output<typeof CreateTicketInput>;

/** An operator records a call from the phone line. */
export const CreatePhoneTicketInput = withChecks(z.object({ ...ticketFields, channel: z.literal('phone').default('phone') }));
export type CreatePhoneTicketInput = z.output<typeof CreatePhoneTicketInput>;

/**
 * What the intake chain drafts from a citizen's text: the same field rules
 * as POST /api/tickets, with contact details still to be asked for.
 */
export const TicketDraft = z.object({
  type: ticketFields.type,
  category: ticketFields.category,
  title: ticketFields.title,
  description: ticketFields.description,
  location: ticketFields.location,
  urgency: ticketFields.urgency,
  channel: z.enum(['web', 'mailbox', 'wechat', 'telegram']),
});
export type TicketDraft = z.infer<typeof TicketDraft>;

export const LookupInput = z.object({ ticketNo: TicketNo, queryCode: QueryCode });
export type LookupInput = z.infer<typeof LookupInput>;

const satisfaction = (what: string) => z.enum(SATISFACTION_LEVELS, { error: `请选择${what}（满意、基本满意、不满意）` });

export const RatingFields = z.object({
  processSatisfaction: satisfaction('对办理过程的评价'),
  resultSatisfaction: satisfaction('对办理结果的评价'),
  resolved: z.boolean({ error: '请选择问题是否已解决' }),
  comment: z.string().trim().max(500, '评价内容不能超过 500 个字').optional(),
});
export type RatingFields = z.infer<typeof RatingFields>;

export const CitizenRatingInput = RatingFields.extend({ queryCode: QueryCode });

const note = (what: string, min = 1) => text(min, 2000, what);

export const AcceptInput = z.object({
  category: z.string().trim().max(80).optional(),
  type: z.enum(REQUEST_TYPES).optional(),
  urgency: z.enum(URGENCIES).optional(),
  note: note('备注').optional(),
});
export type AcceptInput = z.infer<typeof AcceptInput>;

export const RejectInput = z.object({ reason: note('不予受理的理由', 2) });
export const AnswerDirectlyInput = z.object({
  answer: note('答复内容', 5),
  /** The knowledge entry the answer came from, when it did. */
  entryId: z.string().trim().regex(/^[\w.-]{1,64}$/, '知识条目编号无效').optional(),
});
export const MergeInput = z.object({ intoTicketNo: TicketNo, note: note('备注').optional() });
export const MarkRepeatInput = z.object({ ofTicketNo: TicketNo, note: note('备注').optional() });
export const DispatchInput = z.object({
  leadUnitId: z.string().trim().min(1).max(64).optional(),
  coUnitIds: z.array(z.string().trim().min(1).max(64)).max(10, '协办单位最多 10 个').optional(),
  category: z.string().trim().max(80).optional(),
  note: note('派单意见').optional(),
});
export type DispatchInput = z.infer<typeof DispatchInput>;
export const NoteOnlyInput = z.object({ note: note('备注').optional() });
export const ReasonInput = z.object({ reason: note('理由', 2) });
export const ExtensionRequestInput = z.object({
  extraWorkingDays: z.number().int().min(1, '延期至少 1 个工作日').max(30, '一次延期不能超过 30 个工作日'),
  reason: note('延期理由', 2),
});
export const ProgressNoteInput = z.object({ note: note('进展说明', 2), public: z.boolean().default(false) });
export const ContactRecordInput = z.object({
  method: z.enum(['phone', 'on_site', 'sms', 'other'], { error: '请选择联系方式' }),
  contactedAt: z.iso.datetime({ offset: true }).transform((v) => new Date(v)).optional(),
  note: note('联系情况').optional(),
});
export const ReplyInput = z.object({ reply: note('答复内容', 10) });
export const CallbackInput = RatingFields.extend({ note: note('回访记录').optional() });
export const ReopenInput = z.object({ reason: note('重办理由', 2) });
