import { createRoute, z } from '@hono/zod-openapi';
import {
  listPendingPublications,
  PendingPublicationsQuery,
  proposePublication,
  PublishInput,
  publishTicket,
  UnpublishInput,
  unpublishTicket,
} from '../../domain/publication/publication.ts';
import { requireLogin } from '../middleware.ts';
import { createRouter, domainContext } from '../router.ts';
import type { AppDeps } from '../types.ts';
import { ticketNoParam, TransitionResultSchema } from './schemas.ts';
import { errorResponses, transitionResult } from './staff-tickets.ts';

const TicketNoParam = ticketNoParam();
const anyObject = z.record(z.string(), z.unknown());

/** 典型案例: the queue 待公开, the proposed public text, 公开 and 撤下 (supervisors and administrators). */
export function staffPublicationRoutes(deps: AppDeps) {
  const router = createRouter();
  router.use('/api/staff/publications/*', requireLogin);
  router.use('/api/staff/tickets/*', requireLogin);

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/staff/publications/pending',
      tags: ['staff: publication'],
      summary: '待公开：同意公开、尚未决定的办结案例和已答复来信（最新在前）',
      request: { query: PendingPublicationsQuery },
      responses: { 200: { content: { 'application/json': { schema: anyObject } }, description: '一页案例' }, ...errorResponses },
    }),
    async (c) => c.json(await listPendingPublications(await domainContext(c, deps), c.req.valid('query')), 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/staff/tickets/{ticketNo}/publication',
      tags: ['staff: publication'],
      summary: '拟公开版本：标题、内容和答复中的个人信息已替换，每处替换都标出，供公开人核对',
      request: { params: TicketNoParam },
      responses: { 200: { content: { 'application/json': { schema: anyObject } }, description: '拟公开版本与当前公开状态' }, ...errorResponses },
    }),
    async (c) => c.json(await proposePublication(await domainContext(c, deps), c.req.valid('param').ticketNo), 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/staff/tickets/{ticketNo}/publish',
      tags: ['staff: publication'],
      summary: '公开（未给出的字段采用拟公开版本；不满意或未解决的案例须说明理由）',
      request: { params: TicketNoParam, body: { content: { 'application/json': { schema: PublishInput } }, required: false } },
      responses: { 200: { content: { 'application/json': { schema: TransitionResultSchema } }, description: '已公开' }, ...errorResponses },
    }),
    async (c) => {
      const ctx = await domainContext(c, deps);
      const result = await publishTicket(ctx, c.req.valid('param').ticketNo, c.req.valid('json') ?? {});
      return c.json(transitionResult(result), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/staff/tickets/{ticketNo}/unpublish',
      tags: ['staff: publication'],
      summary: '撤下公开案例（立即生效，须说明理由）',
      request: { params: TicketNoParam, body: { content: { 'application/json': { schema: UnpublishInput } }, required: true } },
      responses: { 200: { content: { 'application/json': { schema: TransitionResultSchema } }, description: '已撤下' }, ...errorResponses },
    }),
    async (c) => {
      const ctx = await domainContext(c, deps);
      return c.json(transitionResult(await unpublishTicket(ctx, c.req.valid('param').ticketNo, c.req.valid('json'))), 200);
    },
  );
  return router;
}
