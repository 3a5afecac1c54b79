import { createRoute, z } from '@hono/zod-openapi';
import type { DomainContext } from '../../domain/context.ts';
import { DomainError } from '../../domain/errors.ts';
import { createEntry } from '../../domain/knowledge/create-entry.ts';
import { exportEntries } from '../../domain/knowledge/export-entries.ts';
import { importEntries } from '../../domain/knowledge/import-entries.ts';
import { PreviewAnswerInput, previewAnswer } from '../../domain/knowledge/preview-answer.ts';
import { AnalyticsQuery, analyticsCsv, readAnalytics } from '../../domain/knowledge/analytics.ts';
import { RankDraftInput, rankDraft } from '../../domain/knowledge/rank-draft.ts';
import {
  addRegressionQuestion,
  readRegression,
  RegressionQuestionInput,
  removeRegressionQuestion,
  runRegression,
  scheduleRegression,
  vocabularyImpact,
} from '../../domain/knowledge/regression.ts';
import { requireEditor } from '../../domain/knowledge/internal.ts';
import { EditorListQuery, getEntryForEditor, listEntriesForEditor } from '../../domain/knowledge/read-entries.ts';
import { restoreVersion } from '../../domain/knowledge/restore-version.ts';
import { approveEntry, archiveEntry, returnEntry, submitEntry } from '../../domain/knowledge/review-entry.ts';
import { saveEntry } from '../../domain/knowledge/save-entry.ts';
import { IntakeRulesInput, KbContentInput, RestoreInput, ReviewNoteInput, SaveEntryInput, VocabularyInput } from '../../domain/knowledge/schemas.ts';
import { attachUnanswered, createEntryFromUnanswered, DISMISS_REASONS, type DismissReason, dismissUnanswered, listUnanswered } from '../../domain/knowledge/unanswered.ts';
import { IntakeRulesTestInput, testIntakeRules } from '../../domain/knowledge/intake-rules-test.ts';
import { getIntakeRules, getVocabulary, putIntakeRules, putVocabulary } from '../../domain/knowledge/vocabulary.ts';
import { ErrorBody } from '../errors.ts';
import { requireLogin } from '../middleware.ts';
import { createRouter, domainContext } from '../router.ts';
import type { AppDeps } from '../types.ts';

const ok = <T extends z.ZodType>(schema: T, description = '成功') => ({ content: { 'application/json': { schema } }, description });
const errors = {
  400: ok(ErrorBody, '输入有误'),
  401: ok(ErrorBody, '未登录'),
  403: ok(ErrorBody, '无权操作（需知识编辑）'),
  404: ok(ErrorBody, '不存在'),
  409: ok(ErrorBody, '状态不允许或已被他人修改'),
};
const anyObject = z.record(z.string(), z.unknown());
const IdParam = z.object({ id: z.string().max(64).openapi({ param: { name: 'id', in: 'path' }, example: 'F001' }) });
const QueueIdParam = z.object({ id: z.coerce.number().int().min(1).openapi({ param: { name: 'id', in: 'path' } }) });
const MAX_IMPORT_BYTES = 20 * 1024 * 1024;

export function knowledgeAdminRoutes(deps: AppDeps) {
  const router = createRouter();
  const kb = deps.knowledge;
  router.use('/api/kb/admin/*', requireLogin);
  router.use('/api/kb/import', requireLogin);
  router.use('/api/kb/export', requireLogin);

  /** Every change refreshes this instance's cached vocabulary and corpus at once. */
  const changed = <T>(value: T): T => {
    kb.invalidate();
    return value;
  };
  /**
   * Published changes reach the index before the editor gets the answer, so
   * what was just imported or approved is searchable at once. The outbox
   * message written with the change stays the guarantee: if the search
   * server is down now, the index catches up later.
   */
  const indexNow = async (entryIds: string[]) => {
    kb.invalidate();
    await kb.syncEntries(entryIds).catch(() => undefined);
  };

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/kb/import',
      tags: ['knowledge'],
      summary: '导入知识条目（JSON Lines）',
      description:
        '请求体为 JSON Lines（Content-Type: application/x-ndjson 或 text/plain），每行一条：{"id","question","alternates","answer","category","keywords"}。全部成功或全部不导入；错误逐行报告行号。新建和修改的条目成为待审核的工作稿（提交人为导入者），须另一位编辑逐条审核后才发布；已发布内容在审核前不变。相同文件重复导入不产生任何变化。替换全部条目（--replace）只能由管理员在服务器上用命令行导入。',
      request: {
        query: z.object({
          replace: z.enum(['true', 'false', '1', '0']).optional(),
          dryRun: z.enum(['true', 'false', '1', '0']).optional().openapi({ description: '预览：照常检查并逐条列出将新建、修改、归档的条目（preview），但不写入任何内容' }),
        }),
      },
      responses: {
        200: ok(
          z.object({
            created: z.array(z.string()),
            updated: z.array(z.string()),
            unchanged: z.number(),
            archived: z.array(z.string()),
            review: z.boolean(),
            preview: z
              .array(z.object({ id: z.string(), question: z.string(), change: z.enum(['create', 'update', 'archive']), fields: z.array(z.string()) }))
              .optional(),
          }),
          '导入结果：新建和修改的条目进入待审核，须另一位编辑审核后发布',
        ),
        ...errors,
      },
    }),
    async (c) => {
      const ctx = await domainContext(c, deps);
      requireEditor(ctx, '导入知识条目');
      const type = c.req.header('content-type') ?? '';
      if (!/^(application\/(x-ndjson|jsonl|x-jsonlines)|text\/plain)/i.test(type)) {
        throw new DomainError('UNSUPPORTED_MEDIA_TYPE', '请以 application/x-ndjson 或 text/plain 提交 JSON Lines 内容');
      }
      const text = await c.req.text();
      if (text.length > MAX_IMPORT_BYTES) throw new DomainError('PAYLOAD_TOO_LARGE', '导入文件不能超过 20 MB');
      const query = c.req.valid('query');
      const replace = ['true', '1'].includes(query.replace ?? '');
      const dryRun = ['true', '1'].includes(query.dryRun ?? '');
      const result = await importEntries(ctx, text, { replace, dryRun });
      if (!dryRun) await indexNow([...result.created, ...result.updated, ...result.archived]);
      return c.json(result, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/kb/export',
      tags: ['knowledge'],
      summary: '导出已发布条目（JSON Lines）',
      responses: { 200: { content: { 'application/x-ndjson': { schema: z.string() } }, description: 'JSON Lines' }, ...errors },
    }),
    async (c) => {
      const body = await exportEntries(await domainContext(c, deps));
      c.header('Content-Type', 'application/x-ndjson; charset=utf-8');
      c.header('Content-Disposition', 'attachment; filename="knowledge.jsonl"');
      // A text body: the typed-route helpers only model JSON responses.
      return c.body(body, 200) as never;
    },
  );

  router.openapi(
    createRoute({ method: 'get', path: '/api/kb/admin/entries', tags: ['knowledge'], summary: '条目列表（全部状态）', request: { query: EditorListQuery }, responses: { 200: ok(anyObject), ...errors } }),
    async (c) => c.json(await listEntriesForEditor(await domainContext(c, deps), c.req.valid('query')), 200),
  );
  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/kb/admin/entries',
      tags: ['knowledge'],
      summary: '新建条目（草稿）',
      request: { body: { ...ok(KbContentInput, '内容'), required: true } },
      responses: { 201: ok(anyObject), ...errors },
    }),
    async (c) => c.json(changed(await createEntry(await domainContext(c, deps), c.req.valid('json'))), 201),
  );
  router.openapi(
    createRoute({ method: 'get', path: '/api/kb/admin/entries/{id}', tags: ['knowledge'], summary: '条目详情与历史版本', request: { params: IdParam }, responses: { 200: ok(anyObject), ...errors } }),
    async (c) => c.json(await getEntryForEditor(await domainContext(c, deps), c.req.valid('param').id), 200),
  );
  router.openapi(
    createRoute({
      method: 'put',
      path: '/api/kb/admin/entries/{id}',
      tags: ['knowledge'],
      summary: '保存修改（新版本，回到草稿；已发布的答复在审核通过前保持不变）',
      request: { params: IdParam, body: { ...ok(SaveEntryInput, '内容'), required: true } },
      responses: { 200: ok(anyObject), ...errors },
    }),
    async (c) => c.json(changed(await saveEntry(await domainContext(c, deps), c.req.valid('param').id, c.req.valid('json'))), 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/kb/admin/preview',
      tags: ['knowledge'],
      summary: '预览答案（网站显示与聊天消息，含微信长度提示）',
      request: { body: { ...ok(PreviewAnswerInput, '答案'), required: true } },
      responses: {
        200: ok(z.object({ html: z.string(), chatText: z.string(), chars: z.number(), chatBytes: z.number(), wechatMaxBytes: z.number(), wechatMessages: z.number() })),
        ...errors,
      },
    }),
    async (c) => c.json(previewAnswer(await domainContext(c, deps), c.req.valid('json')), 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/kb/admin/rank',
      tags: ['knowledge'],
      summary: '试一试：草稿（未发布）对一种市民问法的排名、排在它前面的条目与命中的词、是否会直接答复',
      request: { body: { ...ok(RankDraftInput, '草稿内容与问法'), required: true } },
      responses: { 200: ok(anyObject), ...errors },
    }),
    async (c) => c.json(await rankDraft(await domainContext(c, deps), kb, c.req.valid('json')), 200),
  );

  const review = (path: string, summary: string, verb: (ctx: DomainContext, id: string, input: { note?: string | undefined }) => Promise<unknown>) =>
    router.openapi(
      createRoute({
        method: 'post',
        path: `/api/kb/admin/entries/{id}/${path}`,
        tags: ['knowledge'],
        summary,
        request: { params: IdParam, body: { ...ok(ReviewNoteInput, '备注'), required: false } },
        responses: { 200: ok(anyObject), ...errors },
      }),
      async (c) => {
        const ctx = await domainContext(c, deps);
        const row = (await verb(ctx, c.req.valid('param').id, c.req.valid('json'))) as Record<string, unknown>;
        await indexNow([c.req.valid('param').id]);
        // What citizens are answered from changed: the regression questions run again, in the background.
        if (path === 'approve' || path === 'archive') void scheduleRegression(ctx, kb, 'publish');
        return c.json(row, 200);
      },
    );
  review('submit', '提交审核', submitEntry);
  review('approve', '审核发布（须另一位编辑）', approveEntry);
  review('return', '退回修改', returnEntry);
  review('archive', '归档（下线）', archiveEntry);

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/kb/admin/entries/{id}/restore',
      tags: ['knowledge'],
      summary: '恢复历史版本（作为新的草稿版本）',
      request: { params: IdParam, body: { ...ok(RestoreInput, '版本号'), required: true } },
      responses: { 200: ok(anyObject), ...errors },
    }),
    async (c) => c.json(changed(await restoreVersion(await domainContext(c, deps), c.req.valid('param').id, c.req.valid('json'))), 200),
  );

  router.openapi(
    createRoute({ method: 'get', path: '/api/kb/admin/vocabulary', tags: ['knowledge'], summary: '同义词组与停用词', responses: { 200: ok(VocabularyInput), ...errors } }),
    async (c) => c.json(await getVocabulary(await domainContext(c, deps)), 200),
  );
  router.openapi(
    createRoute({
      method: 'put',
      path: '/api/kb/admin/vocabulary',
      tags: ['knowledge'],
      summary: '替换同义词组与停用词（每组第一个词为标准词）',
      request: { body: { ...ok(VocabularyInput, '词表'), required: true } },
      responses: { 200: ok(anyObject), ...errors },
    }),
    async (c) => {
      const ctx = await domainContext(c, deps);
      const result = await putVocabulary(ctx, c.req.valid('json'));
      kb.invalidate();
      await kb.syncVocabulary().catch(() => undefined);
      void scheduleRegression(ctx, kb, 'vocabulary');
      return c.json(result, 200);
    },
  );
  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/kb/admin/vocabulary/impact',
      tags: ['knowledge'],
      summary: '保存词表修改前：哪些回归问题的首条答复会变（变好或变差）',
      request: { body: { ...ok(VocabularyInput, '修改后的词表'), required: true } },
      responses: { 200: ok(anyObject), ...errors },
    }),
    async (c) => c.json(await vocabularyImpact(await domainContext(c, deps), c.req.valid('json')), 200),
  );
  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/kb/admin/regression',
      tags: ['knowledge'],
      summary: '回归问题：最近一次运行与上一次的对比（变差的在前）',
      request: { query: z.object({ limit: z.coerce.number().int().min(1).max(2000).default(200) }) },
      responses: { 200: ok(anyObject), ...errors },
    }),
    async (c) => c.json(await readRegression(await domainContext(c, deps), c.req.valid('query')), 200),
  );
  router.openapi(
    createRoute({ method: 'post', path: '/api/kb/admin/regression/run', tags: ['knowledge'], summary: '立即运行回归问题', responses: { 200: ok(anyObject), ...errors } }),
    async (c) => c.json(await runRegression(await domainContext(c, deps), kb, 'manual'), 200),
  );
  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/kb/admin/regression/questions',
      tags: ['knowledge'],
      summary: '添加回归问题（问法 → 应答条目）',
      request: { body: { ...ok(RegressionQuestionInput, '问题与条目'), required: true } },
      responses: { 201: ok(anyObject), ...errors },
    }),
    async (c) => c.json(await addRegressionQuestion(await domainContext(c, deps), c.req.valid('json')), 201),
  );
  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/kb/admin/regression/questions/{id}/remove',
      tags: ['knowledge'],
      summary: '移除回归问题',
      request: { params: QueueIdParam },
      responses: { 204: { description: '已移除' }, ...errors },
    }),
    async (c) => {
      await removeRegressionQuestion(await domainContext(c, deps), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/kb/admin/analytics',
      tags: ['knowledge'],
      summary: '搜索分析：某时段的提问、直接答复比例、没解决投票、热门问题，按条目和分类（format=csv 导出）',
      request: { query: AnalyticsQuery },
      responses: { 200: ok(anyObject), ...errors },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const result = await readAnalytics(await domainContext(c, deps), query);
      if (query.format !== 'csv') return c.json(result, 200);
      c.header('Content-Type', 'text/csv; charset=utf-8');
      c.header('Content-Disposition', `attachment; filename="kb-analytics-${result.from}-${result.to}.csv"`);
      c.header('Cache-Control', 'no-store');
      // A text body: the typed-route helpers only model JSON responses.
      return c.body(analyticsCsv(result), 200) as never;
    },
  );

  router.openapi(
    createRoute({ method: 'get', path: '/api/kb/admin/intake-rules', tags: ['knowledge'], summary: '受理规则（分类、类型、紧急）', responses: { 200: ok(z.array(anyObject)), ...errors } }),
    async (c) => c.json(await getIntakeRules(await domainContext(c, deps)), 200),
  );
  router.openapi(
    createRoute({
      method: 'put',
      path: '/api/kb/admin/intake-rules',
      tags: ['knowledge'],
      summary: '替换受理规则',
      request: { body: { ...ok(IntakeRulesInput, '规则'), required: true } },
      responses: { 200: ok(anyObject), ...errors },
    }),
    async (c) => c.json(changed(await putIntakeRules(await domainContext(c, deps), c.req.valid('json').rules)), 200),
  );
  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/kb/admin/intake-rules/test',
      tags: ['knowledge'],
      summary: '试一试：按给出的规则（未保存）或已保存的规则，把一段市民留言生成受理草稿，并列出起作用的规则和命中的词（不写入任何内容）',
      request: { body: { ...ok(IntakeRulesTestInput, '市民留言与规则（可选）'), required: true } },
      responses: { 200: ok(anyObject), ...errors },
    }),
    async (c) => c.json(await testIntakeRules(await domainContext(c, deps), kb, c.req.valid('json')), 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/kb/admin/unanswered',
      tags: ['knowledge'],
      summary: '未解答问题队列',
      request: {
        query: z.object({
          status: z.enum(['open', 'resolved', 'dismissed']).default('open'),
          page: z.coerce.number().int().min(1).default(1),
          pageSize: z.coerce.number().int().min(1).max(200).default(50),
        }),
      },
      responses: { 200: ok(anyObject), ...errors },
    }),
    async (c) => c.json(await listUnanswered(await domainContext(c, deps), c.req.valid('query')), 200),
  );
  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/kb/admin/unanswered/{id}/create-entry',
      tags: ['knowledge'],
      summary: '据此新建条目（草稿）',
      request: { params: QueueIdParam, body: { ...ok(KbContentInput, '新条目内容'), required: true } },
      responses: { 201: ok(anyObject), ...errors },
    }),
    async (c) => c.json(changed(await createEntryFromUnanswered(await domainContext(c, deps), c.req.valid('param').id, c.req.valid('json'))), 201),
  );
  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/kb/admin/unanswered/{id}/attach',
      tags: ['knowledge'],
      summary: '作为已有条目的其他问法（进入草稿待审核）',
      request: { params: QueueIdParam, body: { ...ok(z.object({ entryId: z.string().min(1).max(64) }), '条目'), required: true } },
      responses: { 200: ok(anyObject), ...errors },
    }),
    async (c) => c.json(changed(await attachUnanswered(await domainContext(c, deps), c.req.valid('param').id, c.req.valid('json').entryId)), 200),
  );
  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/kb/admin/unanswered/{id}/dismiss',
      tags: ['knowledge'],
      summary: '忽略（写明原因：不需要条目、重复、不是咨询、无意义，或其他并说明）',
      request: {
        params: QueueIdParam,
        body: {
          ...ok(
            z.object({
              reason: z.enum(Object.keys(DISMISS_REASONS) as [DismissReason, ...DismissReason[]], { error: '请选择忽略的原因' }),
              note: z.string().trim().max(200, '说明不能超过 200 个字').optional(),
            }),
            '忽略的原因',
          ),
          required: true,
        },
      },
      responses: { 204: { description: '已忽略' }, ...errors },
    }),
    async (c) => {
      await dismissUnanswered(await domainContext(c, deps), c.req.valid('param').id, c.req.valid('json'));
      return c.body(null, 204);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/kb/admin/reconcile',
      tags: ['knowledge'],
      summary: '核对数据库与搜索索引',
      responses: { 200: ok(z.object({ missing: z.array(z.string()), extra: z.array(z.string()), stale: z.array(z.string()), inSync: z.boolean(), documents: z.number() })), ...errors, 503: ok(ErrorBody, '搜索服务不可用') },
    }),
    async (c) => {
      requireEditor(await domainContext(c, deps), '核对索引');
      return c.json(await kb.reconcile(), 200);
    },
  );
  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/kb/admin/rebuild',
      tags: ['knowledge'],
      summary: '从数据库重建搜索索引（新索引建好后替换）',
      responses: { 200: ok(z.object({ documents: z.number() })), ...errors, 503: ok(ErrorBody, '搜索服务不可用') },
    }),
    async (c) => {
      requireEditor(await domainContext(c, deps), '重建索引');
      return c.json(await kb.rebuild(), 200);
    },
  );

  return router;
}
