import { createRoute, z } from '@hono/zod-openapi';
import { CreateAccountInput, createAccount, createUnit, CreateUnitInput, listAccounts } from '../../domain/staff/accounts.ts';
import {
  CalendarOverrideInput,
  deleteCalendarOverride,
  describeYear,
  listRoutingRules,
  listUnits,
  LocalDayParam,
  putCalendarOverride,
  putSetting,
  UpcomingQuery,
  upcomingDays,
} from '../../domain/settings/manage.ts';
import { SETTING_KEYS } from '../../domain/settings/settings.ts';
import { AuditQuery, listAudit } from '../../domain/admin/audit.ts';
import { deleteRoutingRule, RoutingRuleInput, saveRoutingRule } from '../../domain/admin/routing-rules.ts';
import { ResetPasswordInput, resetPassword, UpdateAccountInput, updateAccount } from '../../domain/admin/update-account.ts';
import { unitAccountCounts, UpdateUnitInput, updateUnit } from '../../domain/admin/units.ts';
import { requireRole } from '../../domain/tickets/internal.ts';
import { ErrorBody } from '../errors.ts';
import { requireLogin } from '../middleware.ts';
import { createRouter, domainContext } from '../router.ts';
import type { AppDeps } from '../types.ts';

const ok = <T extends z.ZodType>(schema: T, description = '成功') => ({ content: { 'application/json': { schema } }, description });
const errors = {
  400: ok(ErrorBody, '输入有误'),
  401: ok(ErrorBody, '未登录'),
  403: ok(ErrorBody, '无权操作'),
};
const anyObject = z.record(z.string(), z.unknown());

export function staffAdminRoutes(deps: AppDeps) {
  const router = createRouter();
  router.use('/api/staff/admin/*', requireLogin);
  router.use('/api/staff/calendar', requireLogin);
  router.use('/api/staff/units', requireLogin);

  router.openapi(
    createRoute({ method: 'get', path: '/api/staff/units', tags: ['staff'], summary: '承办单位列表', responses: { 200: ok(z.array(anyObject)), ...errors } }),
    async (c) => c.json(await listUnits(await domainContext(c, deps)), 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/staff/admin/units',
      tags: ['admin'],
      summary: '新增承办单位',
      request: { body: { ...ok(CreateUnitInput, '单位'), required: true } },
      responses: { 201: ok(anyObject), 409: ok(ErrorBody, '编码已存在'), ...errors },
    }),
    async (c) => {
      const unit = await createUnit(await domainContext(c, deps), c.req.valid('json'));
      deps.rules.invalidate();
      return c.json(unit, 201);
    },
  );

  router.openapi(
    createRoute({ method: 'get', path: '/api/staff/admin/accounts', tags: ['admin'], summary: '工作人员账号', responses: { 200: ok(z.array(anyObject)), ...errors } }),
    async (c) => c.json(await listAccounts(await domainContext(c, deps)), 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/staff/admin/accounts',
      tags: ['admin'],
      summary: '新增工作人员账号',
      request: { body: { ...ok(CreateAccountInput, '账号'), required: true } },
      responses: { 201: ok(anyObject), 409: ok(ErrorBody, '用户名已存在'), ...errors },
    }),
    async (c) => c.json(await createAccount(await domainContext(c, deps), c.req.valid('json')), 201),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/staff/calendar',
      tags: ['staff'],
      summary: '工作日历（节假日、调休与自定义）',
      request: { query: z.object({ year: z.coerce.number().int().min(2000).max(2100) }) },
      responses: { 200: ok(anyObject), ...errors },
    }),
    async (c) => c.json(await describeYear(await domainContext(c, deps), c.req.valid('query').year), 200),
  );

  const DayParam = z.object({ day: z.string().pipe(LocalDayParam).openapi({ param: { name: 'day', in: 'path' }, example: '2027-02-07' }) });
  router.openapi(
    createRoute({
      method: 'put',
      path: '/api/staff/admin/calendar/{day}',
      tags: ['admin'],
      summary: '设置某日是否为工作日（覆盖数据包）',
      request: { params: DayParam, body: { ...ok(CalendarOverrideInput, '设置'), required: true } },
      responses: { 200: ok(anyObject), ...errors },
    }),
    async (c) => {
      const result = await putCalendarOverride(await domainContext(c, deps), c.req.valid('param').day, c.req.valid('json'));
      deps.rules.invalidate();
      return c.json(result, 200);
    },
  );
  router.openapi(
    createRoute({
      method: 'delete',
      path: '/api/staff/admin/calendar/{day}',
      tags: ['admin'],
      summary: '删除某日的自定义设置',
      request: { params: DayParam },
      responses: { 204: { description: '已删除' }, 404: ok(ErrorBody, '没有设置'), ...errors },
    }),
    async (c) => {
      await deleteCalendarOverride(await domainContext(c, deps), c.req.valid('param').day);
      deps.rules.invalidate();
      return c.body(null, 204);
    },
  );

  router.openapi(
    createRoute({ method: 'get', path: '/api/staff/admin/settings', tags: ['admin'], summary: '时限与流程规则', responses: { 200: ok(anyObject), ...errors } }),
    async (c) => {
      const ctx = await domainContext(c, deps);
      requireRole(ctx.actor, ['admin', 'supervisor'], '查看规则');
      return c.json(ctx.rules.settings, 200);
    },
  );
  router.openapi(
    createRoute({
      method: 'put',
      path: '/api/staff/admin/settings/{key}',
      tags: ['admin'],
      summary: '修改时限或流程规则',
      request: {
        params: z.object({ key: z.enum(SETTING_KEYS).openapi({ param: { name: 'key', in: 'path' } }) }),
        body: { ...ok(anyObject, '完整的规则对象（缺省字段取默认值）'), required: true },
      },
      responses: { 200: ok(anyObject), ...errors },
    }),
    async (c) => {
      const value = await putSetting(await domainContext(c, deps), c.req.valid('param').key, c.req.valid('json'));
      deps.rules.invalidate();
      return c.json(value as Record<string, unknown>, 200);
    },
  );

  router.openapi(
    createRoute({ method: 'get', path: '/api/staff/admin/routing-rules', tags: ['admin'], summary: '派单规则', responses: { 200: ok(z.array(anyObject)), ...errors } }),
    async (c) => c.json(await listRoutingRules(await domainContext(c, deps)), 200),
  );

  const IdParam = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path' } }) });
  const conflictOrMissing = { 404: ok(ErrorBody, '未找到'), 409: ok(ErrorBody, '与现状冲突') };

  router.openapi(
    createRoute({
      method: 'patch',
      path: '/api/staff/admin/accounts/{id}',
      tags: ['admin'],
      summary: '修改账号（姓名、角色、所属单位、启用或停用；停用即结束其所有会话）',
      request: { params: IdParam, body: { ...ok(UpdateAccountInput, '要修改的字段'), required: true } },
      responses: { 200: ok(anyObject), ...conflictOrMissing, ...errors },
    }),
    async (c) => c.json(await updateAccount(await domainContext(c, deps), c.req.valid('param').id, c.req.valid('json')), 200),
  );
  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/staff/admin/accounts/{id}/password',
      tags: ['admin'],
      summary: '重置账号密码（结束其所有会话）',
      request: { params: IdParam, body: { ...ok(ResetPasswordInput, '新密码'), required: true } },
      responses: { 200: ok(anyObject), ...conflictOrMissing, ...errors },
    }),
    async (c) => c.json(await resetPassword(await domainContext(c, deps), c.req.valid('param').id, c.req.valid('json')), 200),
  );
  router.openapi(
    createRoute({
      method: 'patch',
      path: '/api/staff/admin/units/{id}',
      tags: ['admin'],
      summary: '修改承办单位（名称、启用或停用）',
      request: { params: IdParam, body: { ...ok(UpdateUnitInput, '要修改的字段'), required: true } },
      responses: { 200: ok(anyObject), ...conflictOrMissing, ...errors },
    }),
    async (c) => {
      const unit = await updateUnit(await domainContext(c, deps), c.req.valid('param').id, c.req.valid('json'));
      deps.rules.invalidate();
      return c.json(unit, 200);
    },
  );
  router.openapi(
    createRoute({ method: 'get', path: '/api/staff/admin/unit-accounts', tags: ['admin'], summary: '各单位在用账号数', responses: { 200: ok(z.record(z.string(), z.number())), ...errors } }),
    async (c) => c.json(await unitAccountCounts(await domainContext(c, deps)), 200),
  );
  router.openapi(
    createRoute({
      method: 'put',
      path: '/api/staff/admin/routing-rules',
      tags: ['admin'],
      summary: '保存派单规则（同一分类、二级分类与区只有一条，已有则替换）',
      request: { body: { ...ok(RoutingRuleInput, '规则'), required: true } },
      responses: { 200: ok(anyObject), ...errors },
    }),
    async (c) => c.json(await saveRoutingRule(await domainContext(c, deps), c.req.valid('json')), 200),
  );
  router.openapi(
    createRoute({
      method: 'delete',
      path: '/api/staff/admin/routing-rules/{ruleId}',
      tags: ['admin'],
      summary: '删除派单规则',
      request: { params: z.object({ ruleId: z.coerce.number().int().min(1).openapi({ param: { name: 'ruleId', in: 'path' } }) }) },
      responses: { 204: { description: '已删除' }, ...conflictOrMissing, ...errors },
    }),
    async (c) => {
      await deleteRoutingRule(await domainContext(c, deps), c.req.valid('param').ruleId);
      return c.body(null, 204);
    },
  );
  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/staff/admin/calendar',
      tags: ['admin'],
      summary: '接下来若干天（默认 60 天）的工作日历',
      request: { query: UpcomingQuery },
      responses: { 200: ok(anyObject), ...errors },
    }),
    async (c) => c.json(await upcomingDays(await domainContext(c, deps), c.req.valid('query')), 200),
  );
  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/staff/admin/audit',
      tags: ['admin'],
      summary: '管理操作记录（谁在何时改了什么）',
      request: { query: AuditQuery },
      responses: { 200: ok(z.array(anyObject)), ...errors },
    }),
    async (c) => c.json(await listAudit(await domainContext(c, deps), c.req.valid('query')), 200),
  );

  return router;
}
