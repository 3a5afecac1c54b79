import { z } from '@hono/zod-openapi';
import { TicketNo } from '../../domain/tickets/schemas.ts';

// Response shapes, for the OpenAPI document and for type-checking handlers.

const codeName = z.object({ code: z.string(), name: z.string() }).nullable();
const isoTime = z.string().openapi({ format: 'date-time' });

/** A rate with what it counts (DESIGN.md's metrics): the staff dashboard and the public figures. */
export const RatioSchema = z.object({ numerator: z.number().int(), denominator: z.number().int(), rate: z.number().nullable() }).openapi('Ratio');

export const CitizenTicketViewSchema = z
  .object({
    ticketNo: z.string(),
    status: z.string(),
    statusLabel: z.string(),
    type: z.string(),
    typeLabel: z.string(),
    channelLabel: z.string(),
    addressee: z.string().nullable(),
    category: codeName,
    subcategory: codeName,
    title: z.string(),
    description: z.string(),
    location: z.object({ district: z.string().nullable(), street: z.string().nullable(), address: z.string().nullable() }),
    contact: z.object({
      anonymous: z.boolean(),
      name: z.string().nullable().openapi({ example: '张*' }),
      phone: z.string().nullable().openapi({ example: '138****1234' }),
    }),
    confidential: z.boolean(),
    publishConsent: z.boolean(),
    createdAt: isoTime,
    acceptDueAt: isoTime.nullable(),
    dueAt: isoTime.nullable(),
    unit: z.string().nullable(),
    reply: z.object({ text: z.string(), at: isoTime }).nullable(),
    rating: z
      .object({
        processSatisfaction: z.string(),
        resultSatisfaction: z.string(),
        resolved: z.boolean(),
        comment: z.string().nullable(),
        at: isoTime,
      })
      .nullable(),
    rounds: z
      .array(
        z.object({
          reply: z.object({ text: z.string(), at: isoTime }),
          unit: z.string().nullable(),
          rating: z
            .object({ processSatisfaction: z.string(), resultSatisfaction: z.string(), resolved: z.boolean(), comment: z.string().nullable(), at: isoTime })
            .nullable(),
        }),
      )
      .openapi({ description: '每一轮办理的答复与评价（重办后每轮各自一条），最早的在前' }),
    canRate: z.boolean(),
    unsatisfiedReopens: z.boolean(),
    mergedInto: z.string().nullable(),
    attachmentCount: z.number().int(),
    timeline: z.array(z.object({ at: isoTime, action: z.string(), label: z.string(), text: z.string() })),
  })
  .openapi('CitizenTicketView');

export const TicketSummarySchema = z
  .object({
    ticketNo: z.string(),
    status: z.string(),
    statusLabel: z.string(),
    type: z.string(),
    typeLabel: z.string(),
    channel: z.string(),
    channelLabel: z.string(),
    urgency: z.string(),
    urgencyLabel: z.string(),
    title: z.string(),
    category: z.string().nullable(),
    categoryName: z.string().nullable(),
    subcategory: z.string().nullable(),
    subcategoryName: z.string().nullable(),
    district: z.string().nullable(),
    districtName: z.string().nullable(),
    street: z.string().nullable(),
    streetName: z.string().nullable(),
    leadUnitId: z.string().nullable(),
    leadUnitName: z.string().nullable(),
    coUnitIds: z.array(z.string()),
    contactName: z.string().nullable(),
    contactPhone: z.string().nullable(),
    anonymous: z.boolean(),
    confidential: z.boolean(),
    supervised: z.boolean(),
    createdAt: isoTime,
    acceptDueAt: isoTime.nullable(),
    signDueAt: isoTime.nullable(),
    dueAt: isoTime.nullable(),
    overdue: z.boolean(),
    returnCount: z.number().int(),
    urgeCount: z.number().int(),
    extensionPending: z.boolean(),
    timeLeft: z
      .object({
        kind: z.enum(['accept', 'sign', 'reply']),
        dueAt: isoTime,
        overdue: z.boolean(),
        level: z.enum(['overdue', 'soon', 'ok']),
        minutes: z.number().int().openapi({ description: '距时限（或已超过）的分钟数' }),
        workingDays: z.number().int().openapi({ description: '今天之后、时限之前（含时限当天）的工作日数' }),
      })
      .nullable()
      .openapi({ description: '当前状态下正在计时的时限：受理、签收或答复' }),
    sameMatterWaiting: z
      .number()
      .int()
      .optional()
      .openapi({ description: '仅待派单队列：同一问题（重复工单组）中另外还有几件待派单，可在工单页一并派单' }),
  })
  .openapi('TicketSummary');

export const QueueCountsSchema = z
  .object({ queues: z.array(z.object({ queue: z.string(), count: z.number().int() })) })
  .openapi('QueueCounts');

export const QueuePageSchema = z
  .object({
    items: z.array(TicketSummarySchema),
    page: z.number().int(),
    pageSize: z.number().int(),
    total: z.number().int(),
    totalCapped: z.boolean().openapi({ description: '为 true 时符合条件的工单多于 total（只数到 2000 件）' }),
  })
  .openapi('QueuePage');

export const TicketDetailSchema = TicketSummarySchema.extend({
  description: z.string(),
  address: z.string().nullable(),
  contact: z.object({ anonymous: z.boolean(), name: z.string().nullable(), phone: z.string().nullable(), masked: z.boolean() }),
  events: z.array(
    z.object({
      id: z.number(),
      at: isoTime,
      action: z.string(),
      label: z.string(),
      fromStatus: z.string().nullable(),
      toStatus: z.string(),
      actorKind: z.string(),
      actorName: z.string().nullable(),
      unitName: z.string().nullable(),
      note: z.string().nullable(),
      public: z.boolean(),
      data: z.record(z.string(), z.unknown()).nullable(),
    }),
  ),
  availableActions: z.array(z.string()),
  allowedActions: z.array(z.string()).openapi({ description: '当前用户此刻可执行的操作（按状态、角色、单位与流程设置）' }),
  contactRevealable: z.boolean(),
  voiceAccess: z.enum(['audible', 'unconfigured', 'hidden']).openapi({
    description: '诉求人的微信语音原件（GET /api/staff/tickets/{ticketNo}/voice/{mediaId}）：audible 可收听；unconfigured 本系统未配置微信公众号；hidden 当前角色无权收听',
  }),
})
  .passthrough()
  .openapi('TicketDetail');

export const TransitionResultSchema = z
  .object({
    ticketNo: z.string(),
    status: z.string(),
    statusLabel: z.string(),
    dueAt: isoTime.nullable(),
    event: z.object({ id: z.number(), action: z.string(), label: z.string(), at: isoTime, public: z.boolean() }),
  })
  .openapi('TransitionResult');

/**
 * `{ticketNo}` in a path. Built here, not by calling .openapi() on the
 * domain schema: zod schemas created before @hono/zod-openapi loaded lack
 * that method.
 */
export const ticketNoParam = () =>
  z.object({ ticketNo: z.string().pipe(TicketNo).openapi({ param: { name: 'ticketNo', in: 'path' }, example: '202611210042' }) });
