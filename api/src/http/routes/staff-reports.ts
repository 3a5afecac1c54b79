import { createRoute, z } from '@hono/zod-openapi';
import { ScorecardQuery, scorecardsFor } from '../../domain/metrics/scorecards.ts';
import { buildReport, reportFileName, ReportQuery } from '../../domain/reports/report.ts';
import { reportPdf } from '../../domain/reports/report-pdf.ts';
import { reportXlsx } from '../../domain/reports/report-xlsx.ts';
import { requireLogin } from '../middleware.ts';
import { createRouter, domainContext } from '../router.ts';
import type { AppDeps } from '../types.ts';
import { RatioSchema } from './schemas.ts';
import { errorResponses } from './staff-tickets.ts';

const anyObject = z.record(z.string(), z.unknown());
const Rates = z.object({
  onTimeCompletion: RatioSchema,
  contact: RatioSchema,
  processSatisfaction: RatioSchema,
  resultSatisfaction: RatioSchema,
  resolution: RatioSchema,
});
const ScorecardSchema = z
  .object({
    unitId: z.string(),
    unitName: z.string(),
    received: z.number().int().openapi({ description: '本期派给本单位（主办）的工单数' }),
    rates: Rates,
    overdue: z.number().int().openapi({ description: '本期到期、未按期答复的工单数' }),
    returned: z.number().int().openapi({ description: '本期派来、被本单位退回的次数' }),
    reopened: z.number().int().openapi({ description: '本期重办的工单数' }),
    score: z.number().nullable().openapi({ description: '各项比率的加权平均（0-100），没有任何计数时为 null' }),
    rank: z.number().int().nullable().openapi({ description: '名次；接收量不足或无得分时为 null（不排名）' }),
  })
  .openapi('Scorecard');
const PeriodSchema = z.object({ kind: z.string(), from: z.string(), to: z.string(), label: z.string() });

const MIME = {
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

/** 单位考核 and 报告 (周报、月报、季报): JSON for the pages, PDF and .xlsx for printing and filing. */
export function staffReportRoutes(deps: AppDeps) {
  const router = createRouter();
  for (const path of ['/api/staff/scorecards', '/api/staff/reports', '/api/staff/reports/*']) router.use(path, requireLogin);

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/staff/scorecards',
      tags: ['staff: oversight'],
      summary: '单位考核：某月各承办单位的接收量、各项比率、超期、退回、重办、得分与名次',
      description:
        '得分为按期办结、联系、过程满意、结果满意、解决五项比率的加权平均（权重见设置 scorecard，管理员可改），只算本月有计数的比率；接收少于 minimumTickets 件的单位列出但不排名。值班长、管理员、派单员看全部单位；承办单位只看本单位（unitId 省略即本单位），并附近六个月的得分与名次。',
      request: { query: ScorecardQuery },
      responses: {
        200: {
          content: {
            'application/json': {
              schema: z.object({
                period: PeriodSchema,
                partial: z.boolean(),
                scope: z.enum(['all', 'unit']),
                weights: z.record(z.string(), z.number()),
                minimumTickets: z.number().int(),
                rankedCount: z.number().int(),
                units: z.array(ScorecardSchema),
                unit: z
                  .object({
                    card: ScorecardSchema.nullable(),
                    trend: z.array(z.object({ month: z.string(), score: z.number().nullable(), rank: z.number().int().nullable(), received: z.number().int() })),
                  })
                  .nullable(),
              }),
            },
          },
          description: '考核',
        },
        ...errorResponses,
      },
    }),
    async (c) => c.json(await scorecardsFor(await domainContext(c, deps), c.req.valid('query')), 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/staff/reports',
      tags: ['staff: oversight'],
      summary: '周报、月报、季报：与上期对比的指标、单位排名、热点预警、反复出现的问题（季报另附疑难问题清单）',
      description: 'at 为周期内任一天，省略时为最近一个已结束的周期。示例工单的标题已隐去姓名、号码与门牌。仅值班长、管理员。',
      request: { query: ReportQuery },
      responses: { 200: { content: { 'application/json': { schema: anyObject } }, description: '报告' }, ...errorResponses },
    }),
    async (c) => c.json(await buildReport(await domainContext(c, deps), c.req.valid('query')), 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/staff/reports/{format}',
      tags: ['staff: oversight'],
      summary: '下载报告：PDF（打印、存档）或 Excel（.xlsx）',
      request: {
        params: z.object({ format: z.enum(['pdf', 'xlsx'], { error: '格式应为 pdf 或 xlsx' }).openapi({ param: { name: 'format', in: 'path' } }) }),
        query: ReportQuery,
      },
      responses: {
        200: {
          content: {
            [MIME.pdf]: { schema: z.string().openapi({ format: 'binary' }) },
            [MIME.xlsx]: { schema: z.string().openapi({ format: 'binary' }) },
          },
          description: '报告文件',
        },
        ...errorResponses,
      },
    }),
    async (c) => {
      const { format } = c.req.valid('param');
      const report = await buildReport(await domainContext(c, deps), c.req.valid('query'));
      const body = format === 'pdf' ? await reportPdf(report) : await reportXlsx(report);
      const name = `${reportFileName(report)}.${format}`;
      c.header('Content-Type', MIME[format]);
      c.header('Content-Disposition', `attachment; filename="${name.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`);
      c.header('Cache-Control', 'private, no-store');
      return c.body(new Uint8Array(body), 200);
    },
  );

  return router;
}
