import { createRoute, z } from '@hono/zod-openapi';
import { draftMissing } from '@hotline/knowledge/chains/place';
import { answerQuestion, draftTicket, searchEntries } from '../../domain/knowledge/ask.ts';
import { getPublicEntry, listPublicEntries, PublicListQuery } from '../../domain/knowledge/read-entries.ts';
import { AskInput, DraftInput, FeedbackInput, SearchQuery } from '../../domain/knowledge/schemas.ts';
import { recordFeedback } from '../../domain/knowledge/unanswered.ts';
import { TicketDraft } from '../../domain/tickets/schemas.ts';
import { ErrorBody } from '../errors.ts';
import { createRouter, domainContext } from '../router.ts';
import type { AppDeps } from '../types.ts';

const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });
const err = (description: string) => json(ErrorBody, description);
const citizen = (channel: string) => ({ kind: 'citizen' as const, channel: channel as 'web', channelUserId: null });

const SearchResponse = z
  .object({
    hits: z.array(
      z.object({
        id: z.string(),
        question: z.string(),
        answer: z.string().openapi({ description: 'Markdown' }),
        category: z.string(),
        subcategory: z.string().nullable(),
        score: z.number().openapi({ description: '0-1，越大越匹配' }),
      }),
    ),
    confident: z.boolean().openapi({ description: '第一条是否足以直接作答' }),
  })
  .openapi('KbSearchResult');

const AnswerResponse = z
  .object({
    answer: z.string(),
    sources: z.array(z.object({ id: z.string(), question: z.string() })),
    confident: z.boolean(),
    suggestFiling: z.boolean(),
    emergency: z.enum(['110', '119', '120']).nullable(),
    related: z.array(z.object({ id: z.string(), question: z.string() })),
    mode: z.enum(['extractive', 'llm', 'none']),
    searchAvailable: z.boolean(),
    language: z.enum(['zh', 'en']).openapi({ description: '答复的语言：英文提问得到英文说明（可以用英文提交诉求）' }),
  })
  .openapi('Answer');

const DraftResponse = z
  .object({
    draft: TicketDraft,
    emergency: z.enum(['110', '119', '120']).nullable(),
    emergencyAdvice: z.string().nullable(),
    missing: z.array(z.enum(['location', 'address', 'contact', 'category'])),
    evidence: z.object({ category: z.array(z.string()), type: z.array(z.string()), urgency: z.array(z.string()), emergency: z.array(z.string()) }),
    source: z.enum(['rules', 'llm']),
  })
  .openapi('IntakeDraft');

const PublicEntry = z
  .object({
    id: z.string(),
    question: z.string(),
    answer: z.string(),
    answerHtml: z.string().openapi({ description: '已安全渲染的 HTML（不含脚本和原始 HTML）' }),
    category: z.string(),
    categoryName: z.string().nullable(),
    subcategory: z.string().nullable(),
    subcategoryName: z.string().nullable(),
    unitName: z.string().nullable(),
    reviewedAt: z.string().nullable(),
  })
  .openapi('KbEntry');

export function knowledgeRoutes(deps: AppDeps) {
  const router = createRouter();
  const kb = deps.knowledge;

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/kb/search',
      tags: ['public'],
      summary: '搜索知识库（仅已发布、在有效期内的条目）',
      request: { query: SearchQuery },
      responses: { 200: json(SearchResponse, '结果'), 400: err('参数有误'), 503: err('搜索暂时不可用') },
    }),
    async (c) => {
      const ctx = await domainContext(c, deps, citizen('web'));
      return c.json(await searchEntries(ctx, kb, c.req.valid('query')), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/answer',
      tags: ['public'],
      summary: '回答市民的问题（所有渠道的统一入口）',
      description:
        '先判断是否紧急（emergency 为需立即拨打的号码），再检索知识库；有把握时给出条目原文（配置了大模型时可在条目范围内改写）和来源，没有把握时建议提交诉求，问题进入编辑的未解答队列。',
      request: { body: { ...json(AskInput, '问题'), required: true } },
      responses: { 200: json(AnswerResponse, '答复'), 400: err('参数有误') },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const ctx = await domainContext(c, deps, citizen(input.channel));
      const { canonical: _canonical, ...answer } = await answerQuestion(ctx, kb, input);
      return c.json(answer, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/intake/draft',
      tags: ['public'],
      summary: '从市民的一段话生成工单草稿',
      description: '类型、分类、紧急程度、地点和标题；紧急情况优先提示拨打 110/119/120。草稿字段与 POST /api/tickets 使用同一校验，missing 列出提交前还需补充的信息（location：区；address：有固定地点的事项还需详细地址，如门牌号、小区楼栋或标志性地点）。',
      request: { body: { ...json(DraftInput, '市民的原话'), required: true } },
      responses: { 200: json(DraftResponse, '草稿'), 400: err('参数有误') },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const ctx = await domainContext(c, deps, citizen(input.channel));
      const draft = await draftTicket(ctx, kb, input);
      const fields = TicketDraft.parse({
        type: draft.type,
        ...(draft.category ? { category: draft.category } : {}),
        title: [...draft.title].length >= 2 ? draft.title : `${draft.title}诉求`,
        description: [...draft.description].length >= 5 ? draft.description : `${draft.description}（市民留言）`,
        location: draft.location,
        urgency: draft.urgency,
        channel: input.channel === 'phone' ? 'web' : input.channel,
      });
      // The place as every channel asks for it: the district, and a detailed address where the matter has a fixed place.
      const missing = draftMissing(draft);
      return c.json(
        { draft: fields, emergency: draft.emergency, emergencyAdvice: draft.emergencyAdvice, missing, evidence: draft.evidence, source: draft.source },
        200,
      );
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/kb/feedback',
      tags: ['public'],
      summary: '答复是否解决了问题（解决了/没解决）',
      request: { body: { ...json(FeedbackInput, '反馈'), required: true } },
      responses: { 204: { description: '已记录' }, 400: err('参数有误'), 404: err('条目不存在') },
    }),
    async (c) => {
      const input = c.req.valid('json');
      await recordFeedback(await domainContext(c, deps, citizen(input.channel)), input);
      return c.body(null, 204);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/kb/entries',
      tags: ['public'],
      summary: '按分类浏览常见问题',
      request: { query: PublicListQuery },
      responses: {
        200: json(
          z.object({
            items: z.array(z.object({ id: z.string(), question: z.string(), category: z.string(), subcategory: z.string().nullable() })),
            total: z.number().int(),
            page: z.number().int(),
            pageSize: z.number().int(),
          }),
          '条目',
        ),
      },
    }),
    async (c) => c.json(await listPublicEntries(await domainContext(c, deps, citizen('web')), c.req.valid('query')), 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/kb/entries/{id}',
      tags: ['public'],
      summary: '一条已发布的答复',
      request: { params: z.object({ id: z.string().max(64).openapi({ param: { name: 'id', in: 'path' }, example: 'F001' }) }) },
      responses: { 200: json(PublicEntry, '条目'), 404: err('不存在或已下线') },
    }),
    async (c) => c.json(await getPublicEntry(await domainContext(c, deps, citizen('web')), c.req.valid('param').id), 200),
  );

  return router;
}
