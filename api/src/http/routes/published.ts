import { createRoute, z } from '@hono/zod-openapi';
import { EchoWallQuery, LettersQuery, listEchoWall, listMailboxLetters } from '../../domain/publication/published-cases.ts';
import { PublicFiguresQuery, publicFigures } from '../../domain/metrics/public-figures.ts';
import { ErrorBody } from '../errors.ts';
import { RatioSchema } from './schemas.ts';
import { createRouter, domainContext } from '../router.ts';
import type { AppDeps } from '../types.ts';

const PublicCase = z
  .object({
    ticketNo: z.string(),
    title: z.string(),
    content: z.string(),
    category: z.object({ code: z.string(), name: z.string() }).nullable(),
    district: z.string().nullable(),
    addressee: z.string().nullable(),
    unit: z.string().nullable(),
    submittedAt: z.string(),
    repliedAt: z.string().nullable(),
    reply: z.string().nullable(),
  })
  .openapi('PublicCase');
const CasePage = z.object({ items: z.array(PublicCase), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });
const citizen = { kind: 'citizen' as const, channel: 'web' as const, channelUserId: null };

export function publishedRoutes(deps: AppDeps) {
  const router = createRouter();
  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/mailbox/letters',
      tags: ['public'],
      summary: '公开的市长信箱来信与答复',
      description: '只含写信人同意公开、已答复的来信；姓名、电话、证件号和门牌号已去除。',
      request: { query: LettersQuery },
      responses: { 200: { content: { 'application/json': { schema: CasePage } }, description: '一页来信' }, 400: { content: { 'application/json': { schema: ErrorBody } }, description: '参数有误' } },
    }),
    async (c) => c.json(await listMailboxLetters(await domainContext(c, deps, citizen), c.req.valid('query')), 200),
  );
  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/echo-wall',
      tags: ['public'],
      summary: '回音壁：公开的办结案例',
      description: '只含诉求人同意公开、非保密、已办结的工单（不含举报）；个人信息已去除。按分类、区、答复月份筛选。',
      request: { query: EchoWallQuery },
      responses: { 200: { content: { 'application/json': { schema: CasePage } }, description: '一页案例' }, 400: { content: { 'application/json': { schema: ErrorBody } }, description: '参数有误' } },
    }),
    async (c) => c.json(await listEchoWall(await domainContext(c, deps, citizen), c.req.valid('query')), 200),
  );
  const Ratio = RatioSchema;
  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/figures',
      tags: ['public'],
      summary: '每月办理情况：受理量、按时办结率、满意率、解决率、反映最多的问题',
      description:
        '全市一个月（北京时间）的数字，与工作台统计看板同一口径（DESIGN.md）；不含承办单位、工单和任何个人信息。month 缺省为本月（至今），只能查看最近 12 个月。',
      request: { query: PublicFiguresQuery },
      responses: {
        200: {
          content: {
            'application/json': {
              schema: z
                .object({
                  month: z.string(),
                  months: z.array(z.string()),
                  partial: z.boolean(),
                  received: z.number().int(),
                  onTime: Ratio,
                  processSatisfaction: Ratio,
                  resultSatisfaction: Ratio,
                  resolution: Ratio,
                  topCategories: z.array(z.object({ label: z.string(), count: z.number().int() })),
                })
                .openapi('PublicFigures'),
            },
          },
          description: '一个月的数字',
        },
        400: { content: { 'application/json': { schema: ErrorBody } }, description: '参数有误' },
      },
    }),
    async (c) => c.json(await publicFigures(await domainContext(c, deps, citizen), c.req.valid('query')), 200),
  );
  return router;
}
