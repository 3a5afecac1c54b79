import { createRoute, z } from '@hono/zod-openapi';
import { BulkActionInput, bulkAct } from '../../domain/tickets/bulk.ts';
import { assistCall, CallAssistInput, PhoneCallInput, registerCall } from '../../domain/tickets/phone-intake.ts';
import { requireLogin } from '../middleware.ts';
import { createRouter, domainContext } from '../router.ts';
import type { AppDeps } from '../types.ts';
import { errorResponses } from './staff-tickets.ts';

const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });

const CallAssist = z
  .object({
    draft: z.object({
      type: z.string(),
      category: z.string().nullable(),
      urgency: z.enum(['normal', 'urgent']),
      title: z.string(),
      location: z.object({ district: z.string().optional(), street: z.string().optional(), address: z.string().optional() }),
    }),
    emergency: z.enum(['110', '119', '120']).nullable().openapi({ description: '须立即转接的号码' }),
    emergencyAdvice: z.string().nullable(),
    answers: z.object({
      available: z.boolean().openapi({ description: 'false：知识库搜索暂不可用' }),
      confident: z.boolean(),
      hits: z.array(z.object({ id: z.string(), question: z.string(), answer: z.string(), category: z.string(), subcategory: z.string().nullable(), score: z.number() })),
    }),
    similar: z.array(
      z.object({
        ticketNo: z.string(),
        title: z.string(),
        status: z.string(),
        statusLabel: z.string(),
        districtName: z.string().nullable(),
        address: z.string().nullable(),
        createdAt: z.string(),
        score: z.number(),
      }),
    ),
  })
  .openapi('CallAssist');

const CallRegistered = z
  .object({ ticketNo: z.string(), queryCode: z.string(), status: z.string(), statusLabel: z.string(), outcome: z.enum(['register', 'answer']) })
  .openapi('CallRegistered');

const BulkResult = z
  .object({
    results: z.array(
      z.object({
        ticketNo: z.string(),
        ok: z.boolean(),
        statusLabel: z.string().optional(),
        error: z.object({ code: z.string(), message: z.string() }).optional(),
      }),
    ),
    succeeded: z.number().int(),
    failed: z.number().int(),
  })
  .openapi('BulkResult');

/** 电话受理 and 批量操作: the workbench's intake aids and its multi-ticket actions. */
export function staffIntakeRoutes(deps: AppDeps) {
  const router = createRouter();
  router.use('/api/staff/phone/*', requireLogin);
  router.use('/api/staff/bulk', requireLogin);

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/staff/phone/assist',
      tags: ['staff'],
      summary: '来电实时草稿（受理员）',
      description:
        '从来电内容生成工单草稿（类型、分类、紧急程度、地点，与 POST /api/intake/draft 同一受理链），附可向来电人宣读的知识库答复和近 30 天相似的未办结工单；emergency 为须立即转接的号码。不记入未解答问题。',
      request: { body: { ...json(CallAssistInput, '来电内容'), required: true } },
      responses: { 200: json(CallAssist, '草稿与参考'), ...errorResponses },
    }),
    async (c) => c.json(await assistCall(await domainContext(c, deps), deps.knowledge, c.req.valid('json')), 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/staff/phone/calls',
      tags: ['staff'],
      summary: '登记来电并受理或直接答复（受理员）',
      description: '按电话渠道建单，随即经状态机受理（outcome = register，进入待派单）或直接答复（outcome = answer，answer 为答复内容）。',
      request: { body: { ...json(PhoneCallInput, '来电工单'), required: true } },
      responses: { 201: json(CallRegistered, '已登记'), ...errorResponses },
    }),
    async (c) => c.json(await registerCall(await domainContext(c, deps), c.req.valid('json')), 201),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/staff/bulk',
      tags: ['staff: transitions'],
      summary: '批量受理、派单、催办',
      description: '对每件工单分别执行同一操作（各自经状态机、各自成败）；results 逐件说明成功后的状态或失败原因。一次最多 50 件。',
      request: { body: { ...json(BulkActionInput, '操作与工单编号'), required: true } },
      responses: { 200: json(BulkResult, '逐件结果'), ...errorResponses },
    }),
    async (c) => c.json(await bulkAct(await domainContext(c, deps), c.req.valid('json')), 200),
  );

  return router;
}
