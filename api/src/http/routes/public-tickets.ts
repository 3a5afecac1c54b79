import { createRoute, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { addAttachment, ATTACHMENT_LIMITS } from '../../domain/attachments/add-attachment.ts';
import { DomainError } from '../../domain/errors.ts';
import { claimIdempotencyKey, hashRequest, IDEMPOTENCY_KEY_PATTERN } from '../../domain/idempotency/idempotency.ts';
import { consumeChallenge, verifySolution } from '../../domain/pow/proof-of-work.ts';
import { LIMITS, type RateLimitUse } from '../../domain/rate-limits/rate-limiter.ts';
import { buildCitizenView } from '../../domain/tickets/citizen-view.ts';
import { checkTicket, type CreatedTicket, createTicket } from '../../domain/tickets/create.ts';
import { authenticateCitizen, type CitizenProof, lookupTicket } from '../../domain/tickets/lookup.ts';
import { rateByCitizen } from '../../domain/tickets/rate.ts';
import { followTicket, similarForFiling } from '../../domain/tickets/follow.ts';
import { CitizenRatingInput, CreateTicketInput, LookupInput, PhoneNumber, QueryCode } from '../../domain/tickets/schemas.ts';
import { STATUS_LABELS } from '../../domain/tickets/state-machine.ts';
import { URGENCY_LABELS } from '../../domain/labels.ts';
import { CHANNELS, URGENCIES } from '@hotline/db/enums';
import { ErrorBody } from '../errors.ts';
import { isInternalRequest } from '../middleware.ts';
import { clientKey, createRouter, domainContext } from '../router.ts';
import type { AppDeps, AppEnv } from '../types.ts';
import type { Context } from 'hono';
import { CitizenTicketViewSchema, ticketNoParam } from './schemas.ts';

const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });
const errors = (...codes: (400 | 403 | 404 | 409 | 413 | 415 | 422 | 429)[]) =>
  Object.fromEntries(codes.map((code) => [code, json(ErrorBody, '错误')])) as Record<number, ReturnType<typeof json>>;

export const TicketCreated = z
  .object({
    ticketNo: z.string().openapi({ example: '202611210042' }),
    queryCode: z.string().openapi({ example: '48213907', description: '查询码：只显示这一次，凭它查询进度和评价' }),
    status: z.string().openapi({ example: 'submitted' }),
    statusLabel: z.string().openapi({ example: '待受理' }),
    dueAt: z.string().openapi({ description: '热线受理时限（ISO 8601）' }),
    replyWorkingDays: z.number().int().openapi({ description: '派单后承办单位答复的工作日时限' }),
    urgency: z.enum(URGENCIES).openapi({ description: '热线按同一规则（紧急和应急规则、受理模型）判定的紧急程度；客户端不能指定' }),
    urgencyLabel: z.string().openapi({ example: '一般' }),
  })
  .openapi('TicketCreated');

/** The receipt a channel shows the citizen (ticket number, query code, limit). */
export function ticketCreatedBody(created: CreatedTicket): z.infer<typeof TicketCreated> {
  return {
    ticketNo: created.ticket.ticketNo,
    queryCode: created.queryCode,
    status: created.ticket.status,
    statusLabel: STATUS_LABELS[created.ticket.status],
    dueAt: created.ticket.acceptDueAt!.toISOString(),
    replyWorkingDays: created.replyWorkingDays,
    urgency: created.urgency.level,
    urgencyLabel: URGENCY_LABELS[created.urgency.level],
  };
}

const TicketNoParam = ticketNoParam();

const SimilarTicket = z
  .object({
    ticketNo: z.string().openapi({ example: '202611210042' }),
    title: z.string().openapi({ example: '和平路路灯不亮' }),
    status: z.string().openapi({ example: 'dispatched' }),
    statusLabel: z.string().openapi({ example: '已派单' }),
    reporters: z.number().int().openapi({ description: '已反映的市民人数：提交人、重复工单和关注人' }),
    filedAt: z.string().openapi({ description: '提交时间（ISO 8601）' }),
  })
  .openapi('SimilarTicket');

const FollowInput = z
  .object({
    channel: z.enum(CHANNELS),
    channelUserId: z.string().trim().min(1).max(200).optional(),
    phone: PhoneNumber.optional(),
  })
  .openapi('FollowInput');

const FollowedTicketSchema = SimilarTicket.omit({ filedAt: true })
  .extend({ added: z.boolean().openapi({ description: 'false：此前已关注过' }) })
  .openapi('FollowedTicket');

/**
 * What a request offers besides the code: a solved challenge (needed once a
 * ticket has drawn wrong codes), or that it comes from this process's chat
 * bots, whose client key is the chat account (`chat:…`), a trusted channel.
 */
function citizenProof(c: Context<AppEnv>, deps: AppDeps): CitizenProof {
  const challenge = c.req.header('pow-challenge');
  const nonce = c.req.header('pow-nonce');
  return {
    secret: deps.secret,
    pow: challenge && nonce ? { challenge: challenge.slice(0, 200), nonce: nonce.slice(0, 16) } : null,
    trusted: isInternalRequest(c, deps) && clientKey(c).startsWith('chat:'),
  };
}

export function publicTicketRoutes(deps: AppDeps) {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/tickets',
      tags: ['public'],
      summary: '提交诉求（所有渠道）',
      description:
        '创建工单。`Idempotency-Key` 请求头（可选）按 Stripe 的语义去重：相同的键和请求体重放第一次的响应；相同的键、不同的请求体返回 422；第一次请求仍在处理时返回 409。',
      request: {
        headers: z.object({
          'idempotency-key': z.string().optional().openapi({ description: '客户端生成的唯一键，如 UUID 或渠道消息 ID' }),
          'pow-challenge': z.string().max(200).optional().openapi({ description: '网页和市长信箱渠道：GET /api/pow/challenge 的 challenge' }),
          'pow-nonce': z.string().max(16).optional().openapi({ description: '使 SHA-256(challenge:nonce) 前 bits 位为 0 的 nonce' }),
          'pow-answer': z.string().max(8).optional().openapi({ description: '无法计算 nonce 时：验证题（question）的答案' }),
        }),
        body: { ...json(CreateTicketInput, '工单内容'), required: true },
      },
      responses: { 201: json(TicketCreated, '已创建'), ...errors(400, 403, 409, 415, 422, 429) },
    }),
    async (c) => {
      const input = c.req.valid('json');
      // Chat filings name the citizen's chat account; only our own bots (internal token) may say whose it is.
      if ((input.channel === 'wechat' || input.channel === 'telegram' || input.channelUserId) && !isInternalRequest(c, deps)) {
        throw new DomainError('FORBIDDEN', '微信和 Telegram 的诉求请通过对应的聊天渠道提交');
      }
      const ctx = await domainContext(c, deps, { kind: 'citizen', channel: input.channel, channelUserId: input.channelUserId ?? null });
      const key = c.req.header('idempotency-key');
      const respond = ticketCreatedBody;
      // Flood limits: per address (known for the portal), per phone, per chat account.
      const limits: RateLimitUse[] = [];
      const ip = c.get('clientIp');
      // Per address only for the browser channels: chat filings all arrive from the bot's one address.
      if (ip && (input.channel === 'web' || input.channel === 'mailbox')) limits.push([LIMITS.filingPerClient, ip]);
      if (input.contact?.phone) limits.push([LIMITS.filingPerPhone, input.contact.phone]);
      if (input.channelUserId) limits.push([LIMITS.filingPerChatUser, `${input.channel}:${input.channelUserId}`]);
      // Web and mailbox filings are anonymous until the hotline calls back: make each one cost a moment of work.
      const needsPow = deps.config.powBits > 0 && (input.channel === 'web' || input.channel === 'mailbox');
      const checkPow = () => {
        if (!needsPow) return null;
        const challenge = c.req.header('pow-challenge');
        if (!challenge) throw new DomainError('VALIDATION', '请完成人机验证', [{ path: 'pow', message: '请完成人机验证' }]);
        return verifySolution(deps.secret, deps.config.powBits, { challenge, nonce: c.req.header('pow-nonce'), answer: c.req.header('pow-answer') }, ctx.now());
      };
      // The filing is counted in its own transaction, inside the ticket's own statement: a refused
      // or failed filing counts for nothing, and concurrent filings cannot slip past a limit.
      const flooded = '提交过于频繁，请稍后再试；紧急情况请直接拨打 12345';
      if (key === undefined) {
        deps.limiter.assertNotSpent(limits, flooded);
        const pow = checkPow();
        const created = await createTicket(ctx, input, {
          intakeRules: deps.knowledge,
          limits: deps.limiter.prepareTake(limits, flooded),
          inTransaction: pow ? (tx) => consumeChallenge(tx, pow) : undefined,
        });
        return c.json(respond(created), 201);
      }

      if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
        throw new DomainError('VALIDATION', 'Idempotency-Key 应为 1-255 个可见 ASCII 字符', [{ path: 'Idempotency-Key', message: '格式不正确' }]);
      }
      const claim = await claimIdempotencyKey(ctx.db, key, hashRequest('POST /api/tickets', await c.req.json()), ctx.now());
      if (claim.kind === 'replay') {
        c.header('Idempotent-Replayed', 'true');
        return c.json(claim.body as z.infer<typeof TicketCreated>, 201);
      }
      try {
        deps.limiter.assertNotSpent(limits, flooded);
        const pow = checkPow();
        const created = await createTicket(ctx, input, {
          intakeRules: deps.knowledge,
          limits: deps.limiter.prepareTake(limits, flooded),
          inTransaction: async (tx, result) => {
            if (pow) await consumeChallenge(tx, pow);
            await claim.complete(tx, 201, respond(result));
          },
        });
        return c.json(respond(created), 201);
      } catch (error) {
        await claim.release();
        throw error;
      }
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/tickets/check',
      tags: ['public'],
      summary: '只校验、不提交',
      description:
        '与 POST /api/tickets 相同的校验（字段、分类、区与街道、写信对象），通过时返回将适用的时限，以及 `similar`：近 30 天内各渠道已有的、仍在办理的同一问题工单（文字相近、同一街道或附近、分类相符；只含公开字段），市民可以关注其中之一（POST /api/tickets/{ticketNo}/follow）而不再重复提交。供表单的确认步骤和聊天渠道使用；不需要人机验证，不计入提交次数。',
      request: { body: { ...json(CreateTicketInput, '工单内容'), required: true } },
      responses: {
        200: json(
          z
            .object({
              valid: z.literal(true),
              acceptDueAt: z.string(),
              replyWorkingDays: z.number().int(),
              similar: z.array(SimilarTicket).openapi({ description: '可能是同一问题、仍在办理的工单，最相近的在前（最多 3 条）' }),
            })
            .openapi('TicketCheck'),
          '可以提交',
        ),
        ...errors(400),
      },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const ctx = await domainContext(c, deps, { kind: 'citizen', channel: input.channel, channelUserId: input.channelUserId ?? null });
      const checked = await checkTicket(ctx, input, deps.knowledge);
      const location = input.location ?? {};
      const similar = await similarForFiling(ctx, {
        title: input.title ?? '',
        description: input.description,
        address: location.address ?? null,
        lat: location.lat ?? null,
        lng: location.lng ?? null,
        ...checked.refs,
      });
      return c.json({ valid: true as const, acceptDueAt: checked.acceptDueAt.toISOString(), replyWorkingDays: checked.replyWorkingDays, similar }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/tickets/{ticketNo}/follow',
      tags: ['public'],
      summary: '关注已有工单（不再重复提交）',
      description:
        '市民关注一件仍在办理的工单，代替重复提交：计入该工单的反映人数（reporters），工单的公开进展通过关注人自己的渠道通知（微信、Telegram）。网站和电话渠道填写手机号码；微信和 Telegram 只能由本系统的聊天渠道代为关注（channelUserId）。同一人关注同一工单只算一次（added 为 false）。',
      request: { params: TicketNoParam, body: { ...json(FollowInput, '关注人'), required: true } },
      responses: { 200: json(FollowedTicketSchema, '已关注'), ...errors(400, 403, 404, 409, 429) },
    }),
    async (c) => {
      const { ticketNo } = c.req.valid('param');
      const input = c.req.valid('json');
      if ((input.channel === 'wechat' || input.channel === 'telegram' || input.channelUserId) && !isInternalRequest(c, deps)) {
        throw new DomainError('FORBIDDEN', '微信和 Telegram 的关注请通过对应的聊天渠道进行');
      }
      const ctx = await domainContext(c, deps, { kind: 'citizen', channel: input.channel, channelUserId: input.channelUserId ?? null });
      // Following counts a reporter: as many per address as filings would.
      const ip = c.get('clientIp');
      const perClient = ip && (input.channel === 'web' || input.channel === 'mailbox') ? ip : null;
      if (perClient) await deps.limiter.assertWithin(LIMITS.filingPerClient, perClient, '操作过于频繁，请稍后再试');
      const followed = await followTicket(ctx, ticketNo, input);
      if (perClient && followed.added) await deps.limiter.hit(LIMITS.filingPerClient, perClient);
      return c.json(followed, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/tickets/lookup',
      tags: ['public'],
      summary: '进度查询',
      description: '凭工单编号和查询码查看工单。查询码只放在请求体中，不出现在 URL 里。编号不存在与查询码错误返回同样的 404；同一地址连续失败会被限流。某工单近期错误查询较多时，对它的查询（含评价、上传图片）返回 429，`details.pow` 为一道人机验证题：算出 nonce 后连同 Pow-Challenge、Pow-Nonce 请求头重试（查询码正确的人不会因此被锁定）。',
      request: { body: { ...json(LookupInput, '工单编号与查询码'), required: true } },
      responses: { 200: json(CitizenTicketViewSchema, '工单（个人信息已脱敏）'), ...errors(400, 404, 429) },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const ctx = await domainContext(c, deps, { kind: 'citizen', channel: 'web', channelUserId: null });
      return c.json(await lookupTicket(ctx, deps.limiter, input, clientKey(c), citizenProof(c, deps)), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/tickets/{ticketNo}/rating',
      tags: ['public'],
      summary: '评价答复',
      description: '答复后评价一次。评价为不满意且仍在重办期限内时，工单重新办理。',
      request: { params: TicketNoParam, body: { ...json(CitizenRatingInput, '评价'), required: true } },
      responses: { 200: json(CitizenTicketViewSchema, '评价后的工单'), ...errors(400, 404, 409, 429) },
    }),
    async (c) => {
      const { ticketNo } = c.req.valid('param');
      const { queryCode, ...rating } = c.req.valid('json');
      const ctx = await domainContext(c, deps, { kind: 'citizen', channel: 'web', channelUserId: null });
      const ticket = await authenticateCitizen(ctx, deps.limiter, { ticketNo, queryCode }, clientKey(c), citizenProof(c, deps));
      const citizenCtx = { ...ctx, actor: { kind: 'citizen' as const, channel: ticket.channel, channelUserId: ticket.channelUserId } };
      const { ticket: rated } = await rateByCitizen(citizenCtx, ticket, rating);
      return c.json(await buildCitizenView(ctx.db, ctx, rated), 200);
    },
  );

  const AttachmentForm = z.object({
    queryCode: QueryCode,
    file: z
      .instanceof(File, { message: '请选择要上传的图片' })
      .openapi({ type: 'string', format: 'binary', description: 'JPEG、PNG、WebP 或 GIF，10 MB 以内' }),
  });

  router.use(
    '/api/tickets/:ticketNo/attachments',
    bodyLimit({
      maxSize: ATTACHMENT_LIMITS.maxBytes + 64 * 1024,
      onError: () => {
        throw new DomainError('PAYLOAD_TOO_LARGE', '图片不能超过 10 MB');
      },
    }),
  );
  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/tickets/{ticketNo}/attachments',
      tags: ['public'],
      summary: '上传图片',
      description: '每次一张，每个工单最多 6 张。只接受真实的图片内容（按文件头识别）；图片会重新编码，EXIF/GPS 等元数据被去除。',
      request: { params: TicketNoParam, body: { content: { 'multipart/form-data': { schema: AttachmentForm } }, required: true } },
      responses: {
        201: json(z.object({ id: z.string(), width: z.number(), height: z.number(), byteSize: z.number() }).openapi('AttachmentCreated'), '已上传'),
        ...errors(400, 404, 409, 413, 415, 429),
      },
    }),
    async (c) => {
      const { ticketNo } = c.req.valid('param');
      const { queryCode, file } = c.req.valid('form');
      const ctx = await domainContext(c, deps, { kind: 'citizen', channel: 'web', channelUserId: null });
      const ticket = await authenticateCitizen(ctx, deps.limiter, { ticketNo, queryCode }, clientKey(c), citizenProof(c, deps));
      const bytes = new Uint8Array(await file.arrayBuffer());
      return c.json(await addAttachment(ctx, ticket, bytes, 'citizen'), 201);
    },
  );

  return router;
}
