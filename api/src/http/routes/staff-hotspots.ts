import { createRoute, z } from '@hono/zod-openapi';
import {
  acknowledgeHotspot,
  AssignHotspotInput,
  assignHotspot,
  CloseHotspotInput,
  closeHotspot,
  getHotspot,
  HotspotId,
  HotspotListQuery,
  listHotspots,
} from '../../domain/hotspots/warnings.ts';
import { requireLogin } from '../middleware.ts';
import { createRouter, domainContext } from '../router.ts';
import type { AppDeps } from '../types.ts';
import { errorResponses } from './staff-tickets.ts';

const anyObject = z.record(z.string(), z.unknown());
const IdParam = z.object({ id: HotspotId.openapi({ param: { name: 'id', in: 'path' } }) });
const ok = (description: string) => ({ 200: { content: { 'application/json': { schema: anyObject } }, description }, ...errorResponses });

/** 热点预警 (supervisors and administrators): the warnings the hot-spot job raised, and 确认 / 指派 / 关闭. */
export function staffHotspotRoutes(deps: AppDeps) {
  const router = createRouter();
  router.use('/api/staff/hotspots', requireLogin);
  router.use('/api/staff/hotspots/*', requireLogin);

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/staff/hotspots',
      tags: ['staff: hotspots'],
      summary: '热点预警：未关闭的预警（地点、分类、工单数、增长数字与原因），最近触发的在前',
      request: { query: HotspotListQuery },
      responses: ok('预警列表'),
    }),
    async (c) => c.json(await listHotspots(await domainContext(c, deps), c.req.valid('query')), 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/staff/hotspots/{id}',
      tags: ['staff: hotspots'],
      summary: '一条预警及其工单和领导推送情况',
      request: { params: IdParam },
      responses: ok('预警'),
    }),
    async (c) => c.json(await getHotspot(await domainContext(c, deps), c.req.valid('param').id), 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/staff/hotspots/{id}/acknowledge',
      tags: ['staff: hotspots'],
      summary: '确认预警',
      request: { params: IdParam },
      responses: ok('已确认'),
    }),
    async (c) => c.json(await acknowledgeHotspot(await domainContext(c, deps), c.req.valid('param').id), 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/staff/hotspots/{id}/assign',
      tags: ['staff: hotspots'],
      summary: '指派：预警中待受理、已受理的工单一并派给一个承办单位（每件经状态机受理、派单）',
      request: { params: IdParam, body: { content: { 'application/json': { schema: AssignHotspotInput } }, required: true } },
      responses: ok('每件工单的结果'),
    }),
    async (c) => c.json(await assignHotspot(await domainContext(c, deps), c.req.valid('param').id, c.req.valid('json')), 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/staff/hotspots/{id}/close',
      tags: ['staff: hotspots'],
      summary: '关闭预警（须填写说明）',
      request: { params: IdParam, body: { content: { 'application/json': { schema: CloseHotspotInput } }, required: true } },
      responses: ok('已关闭'),
    }),
    async (c) => c.json(await closeHotspot(await domainContext(c, deps), c.req.valid('param').id, c.req.valid('json')), 200),
  );
  return router;
}
