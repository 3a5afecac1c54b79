import { createRoute, z } from '@hono/zod-openapi';
import { DomainError } from '../../domain/errors.ts';
import { buildCitizenView } from '../../domain/tickets/citizen-view.ts';
import { CHAT_CHANNELS, getChatTicket, listChatTickets } from '../../domain/tickets/chat-tickets.ts';
import { rateByCitizen } from '../../domain/tickets/rate.ts';
import { ownSimilarOpenTickets, supplementChatTicket } from '../../domain/tickets/supplement.ts';
import { RatingFields } from '../../domain/tickets/schemas.ts';
import { ErrorBody } from '../errors.ts';
import { isInternalRequest } from '../middleware.ts';
import { createRouter, domainContext } from '../router.ts';
import type { AppDeps } from '../types.ts';
import { CitizenTicketViewSchema, ticketNoParam } from './schemas.ts';

const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });
const err = (description: string) => json(ErrorBody, description);

const ChatAccount = z.object({
  channel: z.enum(CHAT_CHANNELS, { error: '渠道无效：应为 wechat 或 telegram' }),
  channelUserId: z.string().trim().min(1).max(128),
});

const ChatTicketList = z
  .object({
    items: z.array(
      z.object({
        ticketNo: z.string(),
        title: z.string(),
        status: z.string(),
        statusLabel: z.string(),
        createdAt: z.string(),
        canRate: z.boolean(),
      }),
    ),
  })
  .openapi('ChatTicketList');

/**
 * For the chat bots of this process only (the internal token): the chat
 * account stands in for the query code, since the network has already told
 * us who is writing. Without the token every route answers 403.
 */
export function chatRoutes(deps: AppDeps) {
  const router = createRouter();
  router.use('/api/chat/*', async (c, next) => {
    if (!isInternalRequest(c, deps)) throw new DomainError('FORBIDDEN', '此接口仅供本系统的聊天渠道使用');
    await next();
  });

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/chat/tickets',
      tags: ['public'],
      summary: '聊天账号提交的工单（仅限本系统的聊天机器人）',
      request: { body: { ...json(ChatAccount, '聊天账号'), required: true } },
      responses: { 200: json(ChatTicketList, '最近的工单'), 400: err('参数有误'), 403: err('无内部令牌') },
    }),
    async (c) => {
      const account = c.req.valid('json');
      const ctx = await domainContext(c, deps, { kind: 'citizen', ...account });
      return c.json({ items: await listChatTickets(ctx, account) }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/chat/tickets/{ticketNo}/view',
      tags: ['public'],
      summary: '查看本聊天账号提交的工单（仅限本系统的聊天机器人）',
      request: { params: ticketNoParam(), body: { ...json(ChatAccount, '聊天账号'), required: true } },
      responses: { 200: json(CitizenTicketViewSchema, '工单'), 400: err('参数有误'), 403: err('无内部令牌'), 404: err('不是本账号的工单') },
    }),
    async (c) => {
      const account = c.req.valid('json');
      const ctx = await domainContext(c, deps, { kind: 'citizen', ...account });
      const ticket = await getChatTicket(ctx, account, c.req.valid('param').ticketNo);
      return c.json(await buildCitizenView(ctx.db, ctx, ticket), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/chat/tickets/{ticketNo}/rating',
      tags: ['public'],
      summary: '评价或申请重办本聊天账号提交的工单（仅限本系统的聊天机器人）',
      description: '与 POST /api/tickets/{ticketNo}/rating 相同，以聊天账号代替查询码。申请重办即评价为不满意并说明理由。',
      request: { params: ticketNoParam(), body: { ...json(ChatAccount.extend(RatingFields.shape), '评价'), required: true } },
      responses: { 200: json(CitizenTicketViewSchema, '评价后的工单'), 400: err('参数有误'), 403: err('无内部令牌'), 404: err('不是本账号的工单'), 409: err('当前不能评价') },
    }),
    async (c) => {
      const { channel, channelUserId, ...rating } = c.req.valid('json');
      const account = { channel, channelUserId };
      const ctx = await domainContext(c, deps, { kind: 'citizen', ...account });
      const ticket = await getChatTicket(ctx, account, c.req.valid('param').ticketNo);
      const { ticket: rated } = await rateByCitizen(ctx, ticket, rating);
      return c.json(await buildCitizenView(ctx.db, ctx, rated), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/chat/tickets/similar-open',
      tags: ['public'],
      summary: '本聊天账号办理中的同类工单（仅限本系统的聊天机器人）',
      description: '市民再次发来同一件事时，先找出本账号办理中、内容相近的工单，以便作为补充而不是重复提交。',
      request: { body: { ...json(ChatAccount.extend({ text: z.string().trim().min(2).max(5000) }), '聊天账号和新消息'), required: true } },
      responses: {
        200: json(z.object({ items: z.array(z.object({ ticketNo: z.string(), title: z.string(), status: z.string(), statusLabel: z.string(), similarity: z.number() })) }), '相近的办理中工单'),
        400: err('参数有误'),
        403: err('无内部令牌'),
      },
    }),
    async (c) => {
      const { text, ...account } = c.req.valid('json');
      const ctx = await domainContext(c, deps, { kind: 'citizen', ...account });
      return c.json({ items: await ownSimilarOpenTickets(ctx, account, text) }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/chat/tickets/{ticketNo}/supplement',
      tags: ['public'],
      summary: '补充本聊天账号提交的工单（仅限本系统的聊天机器人）',
      description: '补充内容作为公开的办理记录（诉求人补充）写入工单，承办单位在工单详情中可见；不改变工单状态。',
      request: {
        params: ticketNoParam(),
        body: {
          ...json(ChatAccount.extend({ text: z.string().trim().min(2).max(5000), voiceMediaId: z.string().trim().regex(/^[A-Za-z0-9_-]{1,200}$/, '语音编号无效').optional() }), '补充内容'),
          required: true,
        },
      },
      responses: { 200: json(CitizenTicketViewSchema, '补充后的工单'), 400: err('参数有误'), 403: err('无内部令牌'), 404: err('不是本账号的工单'), 409: err('工单已办结，不能补充') },
    }),
    async (c) => {
      const { channel, channelUserId, text, voiceMediaId } = c.req.valid('json');
      const account = { channel, channelUserId };
      const ctx = await domainContext(c, deps, { kind: 'citizen', ...account });
      const ticket = await supplementChatTicket(ctx, account, c.req.valid('param').ticketNo, { text, voiceMediaId });
      return c.json(await buildCitizenView(ctx.db, ctx, ticket), 200);
    },
  );

  return router;
}
