import { createRoute, z } from '@hono/zod-openapi';
import { dueSoonCondition, overdueCondition } from '../../domain/tickets/queue.ts';
import { computeMetrics, MetricsQuery } from '../../domain/metrics/compute-metrics.ts';
import { computeVolumeProfile, VolumeQuery } from '../../domain/metrics/volume-profile.ts';
import { LIMITS } from '../../domain/rate-limits/rate-limiter.ts';
import { requireRole } from '../../domain/tickets/internal.ts';
import { tickets } from '@hotline/db';
import { eq, sql } from 'drizzle-orm';
import { ErrorBody } from '../errors.ts';
import { requireLogin } from '../middleware.ts';
import { createRouter, domainContext } from '../router.ts';
import type { AppDeps } from '../types.ts';
import { RatioSchema } from './schemas.ts';

const Ratio = RatioSchema;
const MetricsSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    groupBy: z.string(),
    groups: z.array(
      z.object({
        key: z.string(),
        label: z.string(),
        metrics: z.object({
          onTimeCompletion: Ratio.openapi({ description: '按期办结率' }),
          contact: Ratio.openapi({ description: '联系率' }),
          processSatisfaction: Ratio.openapi({ description: '过程满意率' }),
          resultSatisfaction: Ratio.openapi({ description: '结果满意率' }),
          resolution: Ratio.openapi({ description: '解决率' }),
          directAnswer: Ratio.openapi({ description: '直接答复率' }),
          dispatchAccuracy: Ratio.openapi({ description: '转办准确率' }),
          repeat: Ratio.openapi({ description: '重复诉求率' }),
          callback: Ratio.openapi({ description: '回访率（答复后已回访：已评价，或多次联系不上后办结）' }),
        }),
      }),
    ),
  })
  .openapi('Metrics');

export function staffMetricsRoutes(deps: AppDeps) {
  const router = createRouter();
  router.use('/api/staff/metrics', requireLogin);
  router.use('/api/staff/metrics/*', requireLogin);
  router.use('/api/staff/warnings', requireLogin);

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/staff/metrics',
      tags: ['staff'],
      summary: '考核指标',
      description: '任意时段（北京时间，含首尾两日），可按承办单位、分类、区或渠道分组。定义见 DESIGN.md。',
      request: { query: MetricsQuery },
      responses: {
        200: { content: { 'application/json': { schema: MetricsSchema } }, description: '指标' },
        400: { content: { 'application/json': { schema: ErrorBody } }, description: '参数有误' },
        403: { content: { 'application/json': { schema: ErrorBody } }, description: '无权查看' },
      },
    }),
    async (c) => c.json(await computeMetrics(await domainContext(c, deps), c.req.valid('query')), 200),
  );

  const Counted = z.object({ key: z.string(), label: z.string(), count: z.number().int() });
  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/staff/metrics/volume',
      tags: ['staff'],
      summary: '受理量：按日、按小时、按星期，及分类、街道前十',
      description: '时段内（北京时间，含首尾两日）创建的工单。星期从周一（0）起。',
      request: { query: VolumeQuery },
      responses: {
        200: {
          content: {
            'application/json': {
              schema: z
                .object({
                  from: z.string(),
                  to: z.string(),
                  total: z.number().int(),
                  byHour: z.array(z.number().int()),
                  byWeekday: z.array(z.number().int()),
                  byDay: z.array(z.object({ day: z.string(), count: z.number().int() })),
                  topCategories: z.array(Counted),
                  topStreets: z.array(Counted),
                })
                .openapi('VolumeProfile'),
            },
          },
          description: '受理量',
        },
        400: { content: { 'application/json': { schema: ErrorBody } }, description: '参数有误' },
        403: { content: { 'application/json': { schema: ErrorBody } }, description: '无权查看' },
      },
    }),
    async (c) => c.json(await computeVolumeProfile(await domainContext(c, deps), c.req.valid('query')), 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/staff/warnings',
      tags: ['staff'],
      summary: '预警：超期与临期工单数，被猜查询码的工单',
      responses: {
        200: {
          content: {
            'application/json': {
              schema: z.object({
                overdue: z.number().int(),
                dueSoon: z.number().int(),
                supervised: z.number().int(),
                lookupAttacks: z
                  .array(z.object({ ticketNo: z.string(), failures: z.number().int() }))
                  .openapi({ description: '本小时内错误查询码达到告警线的工单（可能有人在猜查询码）' }),
              }),
            },
          },
          description: '计数',
        },
      },
    }),
    async (c) => {
      const ctx = await domainContext(c, deps);
      requireRole(ctx.actor, ['supervisor', 'dispatcher', 'operator'], '查看预警');
      const now = ctx.now();
      const count = (where: ReturnType<typeof overdueCondition>) =>
        ctx.db.select({ n: sql<number>`count(*)::int` }).from(tickets).where(where).then((r) => Number(r[0]?.n ?? 0));
      const [overdue, dueSoon, supervised] = await Promise.all([
        count(overdueCondition(now)),
        count(dueSoonCondition(now, ctx.rules.settings.timeLimits.dueSoonHours)),
        count(sql`${eq(tickets.supervised, true)} and ${tickets.status} not in ('closed', 'rejected', 'merged')`),
      ]);
      // Someone guessing a ticket's query code from many addresses: the staff see the ticket here.
      const lookupAttacks = (await deps.limiter.reached(LIMITS.lookupMissPerTicket)).map((r) => ({ ticketNo: r.key, failures: r.count }));
      return c.json({ overdue, dueSoon, supervised, lookupAttacks }, 200);
    },
  );

  return router;
}
