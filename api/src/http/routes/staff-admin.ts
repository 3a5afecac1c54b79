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
} from '../../domain/settings/manage.ts';
import { SETTING_KEYS } from '../../domain/settings/settings.ts';
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

  return router;
}
