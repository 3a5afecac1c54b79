import { createRoute, z } from '@hono/zod-openapi';
import { getAttachmentForStaff } from '../../domain/attachments/get-attachment.ts';
import type { DomainContext } from '../../domain/context.ts';
import { acceptTicket } from '../../domain/tickets/accept.ts';
import { answerDirectly } from '../../domain/tickets/answer-directly.ts';
import { recordCallbackAttempt } from '../../domain/tickets/callback-attempts.ts';
import { closeTicket, reopenTicket } from '../../domain/tickets/close.ts';
import { createTicket } from '../../domain/tickets/create.ts';
import { approveReturn, denyReturn } from '../../domain/tickets/decide-return.ts';
import { dispatchTicket } from '../../domain/tickets/dispatch.ts';
import { approveExtension, denyExtension, requestExtension } from '../../domain/tickets/extension.ts';
import { requireRole } from '../../domain/tickets/internal.ts';
import { markRepeat } from '../../domain/tickets/mark-repeat.ts';
import { mergeTicket } from '../../domain/tickets/merge.ts';
import { urgeTicket, superviseTicket } from '../../domain/tickets/oversight.ts';
import { QueueQuery, TicketSearchInput, listQueue, queueCounts } from '../../domain/tickets/queue.ts';
import { recordCallback } from '../../domain/tickets/rate.ts';
import { rejectTicket } from '../../domain/tickets/reject.ts';
import { requestReturn } from '../../domain/tickets/request-return.ts';
import {
  AcceptInput,
  AnswerDirectlyInput,
  CallbackInput,
  ContactRecordInput,
  CreatePhoneTicketInput,
  DispatchInput,
  ExtensionRequestInput,
  MarkRepeatInput,
  MergeInput,
  NoteOnlyInput,
  ProgressNoteInput,
  ReasonInput,
  RejectInput,
  ReopenInput,
  ReplyInput,
} from '../../domain/tickets/schemas.ts';
import { signTicket } from '../../domain/tickets/sign.ts';
import { getTicketDetail } from '../../domain/tickets/staff-view.ts';
import { getVoiceRecording } from '../../domain/tickets/voice-recording.ts';
import { ACTION_LABELS, STATUS_LABELS, type TicketAction } from '../../domain/tickets/state-machine.ts';
import type { TransitionResult } from '../../domain/tickets/transition.ts';
import { addProgressNote, recordContact, replyTicket } from '../../domain/tickets/unit-work.ts';
import { ErrorBody } from '../errors.ts';
import { requireLogin } from '../middleware.ts';
import { createRouter, domainContext } from '../router.ts';
import type { AppDeps } from '../types.ts';
import { TicketCreated, ticketCreatedBody } from './public-tickets.ts';
import { QueueCountsSchema, QueuePageSchema, TicketDetailSchema, ticketNoParam, TransitionResultSchema } from './schemas.ts';

export const errorResponses = {
  400: { content: { 'application/json': { schema: ErrorBody } }, description: '输入有误' },
  401: { content: { 'application/json': { schema: ErrorBody } }, description: '未登录' },
  403: { content: { 'application/json': { schema: ErrorBody } }, description: '角色无权操作' },
  404: { content: { 'application/json': { schema: ErrorBody } }, description: '工单不存在（或不属于本单位）' },
  409: { content: { 'application/json': { schema: ErrorBody } }, description: '当前状态不允许此操作，或已被他人处理' },
};

const TicketNoParam = ticketNoParam();

export function transitionResult({ ticket, event }: TransitionResult) {
  return {
    ticketNo: ticket.ticketNo,
    status: ticket.status,
    statusLabel: STATUS_LABELS[ticket.status],
    dueAt: ticket.dueAt?.toISOString() ?? null,
    event: {
      id: event.id,
      action: event.action,
      label: ACTION_LABELS[event.action as TicketAction] ?? event.action,
      at: event.createdAt.toISOString(),
      public: event.public,
    },
  };
}

export function staffTicketRoutes(deps: AppDeps) {
  const router = createRouter();
  router.use('/api/staff/tickets', requireLogin);
  router.use('/api/staff/tickets/*', requireLogin);
  router.use('/api/staff/queues', requireLogin);

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/staff/queues',
      tags: ['staff'],
      summary: '我的队列及各队列工单数',
      description: '按角色，主要工作在前：受理员 intake、all；派单员 dispatch、intake、returns、extensions、warnings、all；承办单位 sign、handling、all（仅本单位）；督办员 warnings、supervised、callback、returns、extensions、all。用 GET /api/staff/tickets?queue=… 取队列内容。',
      responses: { 200: { content: { 'application/json': { schema: QueueCountsSchema } }, description: '队列及数量' }, ...errorResponses },
    }),
    async (c) => c.json(await queueCounts(await domainContext(c, deps)), 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/staff/tickets',
      tags: ['staff'],
      summary: '工单队列',
      description: '按状态、单位、分类、区、渠道、超期、临期、督办筛选，分页；q 搜索编号、标题、内容和地址。按诉求人电话查找用 POST /api/staff/tickets/search（网址里带 phone 一律拒绝）。承办单位只能看到本单位主办或协办的工单。联系方式一律脱敏。',
      request: { query: QueueQuery },
      responses: { 200: { content: { 'application/json': { schema: QueuePageSchema } }, description: '一页工单' }, ...errorResponses },
    }),
    async (c) => c.json(await listQueue(await domainContext(c, deps), c.req.valid('query'), { ip: c.get('clientIp') }), 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/staff/tickets/search',
      tags: ['staff'],
      summary: '按诉求人电话查找工单',
      description: '电话号码精确匹配（先规范化），放在请求体里，不进网址；其余筛选同 GET /api/staff/tickets（字符串形式）。找到的每件工单都记入访问日志（purpose = phone_search）；一件也没找到也记一条（ticket_id 为空，searched 为脱敏号码）。',
      request: { body: { content: { 'application/json': { schema: TicketSearchInput } }, required: true } },
      responses: { 200: { content: { 'application/json': { schema: QueuePageSchema } }, description: '一页工单' }, ...errorResponses },
    }),
    async (c) => c.json(await listQueue(await domainContext(c, deps), c.req.valid('json'), { ip: c.get('clientIp') }), 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/staff/tickets',
      tags: ['staff'],
      summary: '登记来电工单（受理员）',
      request: { body: { content: { 'application/json': { schema: CreatePhoneTicketInput } }, required: true } },
      responses: { 201: { content: { 'application/json': { schema: TicketCreated } }, description: '已创建' }, ...errorResponses },
    }),
    async (c) => {
      const ctx = await domainContext(c, deps);
      requireRole(ctx.actor, ['operator'], '登记来电');
      return c.json(ticketCreatedBody(await createTicket(ctx, c.req.valid('json'), { intakeRules: deps.knowledge })), 201);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/staff/tickets/{ticketNo}',
      tags: ['staff'],
      summary: '工单详情',
      description: '诉求人姓名和电话一律脱敏，用 POST …/reveal-contact 查看；地址对需要联系诉求人的角色完整显示（保密工单对承办单位仍脱敏），每次完整显示都记入访问日志。allowedActions 为当前用户此刻可执行的操作。',
      request: { params: TicketNoParam },
      responses: { 200: { content: { 'application/json': { schema: TicketDetailSchema } }, description: '工单详情' }, ...errorResponses },
    }),
    async (c) => {
      const ctx = await domainContext(c, deps);
      return c.json(await getTicketDetail(ctx, c.req.valid('param').ticketNo, { ip: c.get('clientIp'), voiceKept: !!deps.voice?.() }), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/staff/tickets/{ticketNo}/reveal-contact',
      tags: ['staff'],
      summary: '查看联系方式',
      description: '返回工单详情，诉求人姓名和电话不脱敏；仅限需要联系诉求人的角色（保密工单对承办单位不可见），每次查看都记入访问日志（purpose = reveal_contact）。',
      request: { params: TicketNoParam },
      responses: { 200: { content: { 'application/json': { schema: TicketDetailSchema } }, description: '含联系方式的工单详情' }, ...errorResponses },
    }),
    async (c) => {
      const ctx = await domainContext(c, deps);
      return c.json(await getTicketDetail(ctx, c.req.valid('param').ticketNo, { ip: c.get('clientIp'), revealContact: true, voiceKept: !!deps.voice?.() }), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/staff/tickets/{ticketNo}/attachments/{attachmentId}',
      tags: ['staff'],
      summary: '查看工单图片',
      request: { params: TicketNoParam.extend({ attachmentId: z.string().uuid().openapi({ param: { name: 'attachmentId', in: 'path' } }) }) },
      responses: { 200: { content: { 'image/jpeg': { schema: z.string().openapi({ format: 'binary' }) } }, description: '图片' }, ...errorResponses },
    }),
    async (c) => {
      const ctx = await domainContext(c, deps);
      const { ticketNo, attachmentId } = c.req.valid('param');
      const file = await getAttachmentForStaff(ctx, ticketNo, attachmentId);
      c.header('Content-Type', file.mimeType);
      c.header('Cache-Control', 'private, no-store');
      return c.body(new Uint8Array(file.content), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/staff/tickets/{ticketNo}/voice/{mediaId}',
      tags: ['staff'],
      summary: '收听语音原件',
      description:
        '诉求人在微信里发的语音（工单提交或补充事件里记下的 media id），从微信取回原件（AMR/Speex）。仅限可查看联系方式的角色，每次收听记入访问日志（purpose = voice_recording）；微信只保存 3 天，过期答 404，公众号未配置答 503。',
      request: { params: TicketNoParam.extend({ mediaId: z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, '语音编号格式不正确').openapi({ param: { name: 'mediaId', in: 'path' } }) }) },
      responses: { 200: { content: { 'audio/amr': { schema: z.string().openapi({ format: 'binary' }) } }, description: '语音原件' }, ...errorResponses },
    }),
    async (c) => {
      const ctx = await domainContext(c, deps);
      const { ticketNo, mediaId } = c.req.valid('param');
      const recording = await getVoiceRecording(ctx, deps.voice?.() ?? null, ticketNo, mediaId, { ip: c.get('clientIp') });
      c.header('Content-Type', recording.mimeType);
      c.header('Content-Disposition', `attachment; filename="${ticketNo}-voice-${mediaId.slice(0, 16)}.${/speex/.test(recording.mimeType) ? 'speex' : 'amr'}"`);
      c.header('Cache-Control', 'private, no-store');
      return c.body(new Uint8Array(recording.bytes), 200);
    },
  );

  /** One endpoint per transition: POST /api/staff/tickets/{ticketNo}/<path>. */
  function action<S extends z.ZodType>(
    path: string,
    summary: string,
    schema: S,
    verb: (ctx: DomainContext, ticketNo: string, input: z.output<S>) => Promise<TransitionResult>,
  ) {
    router.openapi(
      createRoute({
        method: 'post',
        path: `/api/staff/tickets/{ticketNo}/${path}`,
        tags: ['staff: transitions'],
        summary,
        // A body is optional only where every field is (a bare sign or urge).
        request: { params: TicketNoParam, body: { content: { 'application/json': { schema } }, required: schema !== (NoteOnlyInput as z.ZodType) } },
        responses: { 200: { content: { 'application/json': { schema: TransitionResultSchema } }, description: '已完成' }, ...errorResponses },
      }),
      async (c) => {
        const ctx = await domainContext(c, deps);
        // The generic schema defeats the route's inferred types; both parts were validated above.
        const input = (c.req.valid as (target: 'json') => z.output<S>)('json');
        const { ticketNo } = (c.req.valid as (target: 'param') => { ticketNo: string })('param');
        return c.json(transitionResult(await verb(ctx, ticketNo, input)), 200);
      },
    );
  }

  action('accept', '受理（可修正类型、分类、紧急程度）', AcceptInput, acceptTicket);
  action('reject', '不予受理', RejectInput, rejectTicket);
  action('answer', '直接答复', AnswerDirectlyInput, answerDirectly);
  action('merge', '合并到另一工单', MergeInput, mergeTicket);
  action('mark-repeat', '标记为重复诉求', MarkRepeatInput, markRepeat);
  action('dispatch', '派单（默认采用派单规则的建议）', DispatchInput, dispatchTicket);
  action('sign', '签收（主办单位）', NoteOnlyInput, signTicket);
  action('return', '申请退单（主办单位）', ReasonInput, requestReturn);
  action('return/approve', '批准退单', NoteOnlyInput, approveReturn);
  action('return/deny', '驳回退单', ReasonInput, denyReturn);
  action('extension', '申请延期（主办单位）', ExtensionRequestInput, requestExtension);
  action('extension/approve', '批准延期', NoteOnlyInput, approveExtension);
  action('extension/deny', '驳回延期', ReasonInput, denyExtension);
  action('urge', '催办', NoteOnlyInput, urgeTicket);
  action('supervise', '督办', NoteOnlyInput, superviseTicket);
  action('progress', '记录办理进展（主办或协办单位）', ProgressNoteInput, addProgressNote);
  action('contact', '记录联系诉求人（主办单位）', ContactRecordInput, recordContact);
  action('reply', '答复（主办单位）', ReplyInput, replyTicket);
  action('callback', '回访并记录评价（督办员）', CallbackInput, recordCallback);
  action('reopen', '重办（督办员）', ReopenInput, reopenTicket);
  action('callback/attempt', '回访未接通（督办员；联系不上时办结须先记录）', NoteOnlyInput, recordCallbackAttempt);
  action('close', '办结（督办员；仅限多次回访联系不上）', NoteOnlyInput, closeTicket);

  return router;
}
