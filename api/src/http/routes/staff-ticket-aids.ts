import { createRoute, z } from '@hono/zod-openapi';
import { dispatchCluster, ticketCluster } from '../../domain/tickets/dispatch-cluster.ts';
import { findSameMatter, knowledgeForTicket } from '../../domain/tickets/same-matter.ts';
import { DispatchInput } from '../../domain/tickets/schemas.ts';
import { requireLogin } from '../middleware.ts';
import { createRouter, domainContext } from '../router.ts';
import type { AppDeps } from '../types.ts';
import { ticketNoParam } from './schemas.ts';
import { errorResponses } from './staff-tickets.ts';

const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });

const SameMatter = z
  .object({
    items: z.array(
      z.object({
        ticketNo: z.string(),
        title: z.string(),
        status: z.string(),
        statusLabel: z.string(),
        channel: z.string(),
        channelLabel: z.string(),
        districtName: z.string().nullable(),
        streetName: z.string().nullable(),
        createdAt: z.string(),
        place: z.enum(['nearby', 'street', 'district', 'none']).openapi({ description: 'nearby：坐标相距 500 米内；street：同一街道；district：仅同一区' }),
        distanceMetres: z.number().nullable(),
        textScore: z.number().openapi({ description: '内容相似度 0…1' }),
        reason: z.string().openapi({ example: '同一街道 和平街道 · 内容相似 62%' }),
      }),
    ),
  })
  .openapi('SameMatterTickets');

const TicketKnowledge = z
  .object({
    available: z.boolean().openapi({ description: 'false：知识库搜索暂不可用' }),
    confident: z.boolean(),
    hits: z.array(z.object({ id: z.string(), question: z.string(), answer: z.string(), category: z.string(), subcategory: z.string().nullable(), score: z.number() })),
  })
  .openapi('TicketKnowledge');

/** 工单页旁: similar tickets (for 合并) and the closest knowledge entries (for 直接答复). */
export function staffTicketAidRoutes(deps: AppDeps) {
  const router = createRouter();
  router.use('/api/staff/tickets/*', requireLogin);
  const params = ticketNoParam();

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/staff/tickets/{ticketNo}/similar',
      tags: ['staff'],
      summary: '疑似同一诉求的工单',
      description:
        '近 30 天、任意渠道、同一或相近地点（同一街道，或双方都有坐标时相距 500 米内）且内容相似，或同一区且内容高度相似的工单，最相近的在前，最多 5 件；不含本工单和已合并、不予受理的工单（它们不能作为合并目标）。承办单位只能看到本单位主办或协办的工单。用 POST …/merge 把本工单合并到其中一件。',
      request: { params },
      responses: { 200: json(SameMatter, '疑似同一诉求的工单'), ...errorResponses },
    }),
    async (c) => c.json(await findSameMatter(await domainContext(c, deps), c.req.valid('param').ticketNo), 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/staff/tickets/{ticketNo}/knowledge',
      tags: ['staff'],
      summary: '与工单内容最相近的知识条目',
      description: '以标题和诉求内容检索知识库（与门户同一检索），最多 3 条，供直接答复时选用。检索不可用时 available = false。不记入未解答问题。',
      request: { params },
      responses: { 200: json(TicketKnowledge, '知识条目'), ...errorResponses },
    }),
    async (c) => c.json(await knowledgeForTicket(await domainContext(c, deps), deps.knowledge, c.req.valid('param').ticketNo), 200),
  );

  const Cluster = z
    .object({
      clusterId: z.string(),
      members: z.array(
        z.object({ ticketNo: z.string(), title: z.string(), status: z.string(), statusLabel: z.string(), channel: z.string(), channelLabel: z.string(), createdAt: z.string() }),
      ),
    })
    .openapi('TicketCluster');
  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/staff/tickets/{ticketNo}/cluster',
      tags: ['staff'],
      summary: '同一问题的工单组',
      description: '提交后自动关联的疑似重复工单（各渠道、近 30 天）组成的工单组，最早的在前，含本工单；没有重复时只有本工单。待派单队列按组显示，POST …/dispatch-cluster 一并派单。',
      request: { params },
      responses: { 200: json(Cluster, '工单组'), ...errorResponses },
    }),
    async (c) => c.json(await ticketCluster(await domainContext(c, deps), c.req.valid('param').ticketNo), 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/staff/tickets/{ticketNo}/dispatch-cluster',
      tags: ['staff'],
      summary: '一并派单（同一问题的工单组）',
      description:
        '把本工单派给主办和协办单位（与 POST …/dispatch 相同），并把同组中仍待派单的工单派给同一单位：每件工单各经状态机派单、各有一条派单记录。某件同组工单派单失败（如已被他人处理）只影响它自己，结果中说明。',
      request: { params, body: { content: { 'application/json': { schema: DispatchInput } }, required: true } },
      responses: {
        200: json(
          z
            .object({ ticketNo: z.string(), members: z.array(z.object({ ticketNo: z.string(), dispatched: z.boolean(), error: z.string().optional() })) })
            .openapi('ClusterDispatched'),
          '已派单',
        ),
        ...errorResponses,
      },
    }),
    async (c) => c.json(await dispatchCluster(await domainContext(c, deps), c.req.valid('param').ticketNo, c.req.valid('json')), 200),
  );

  return router;
}
