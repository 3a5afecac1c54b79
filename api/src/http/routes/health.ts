import { createRoute, z } from '@hono/zod-openapi';
import { createRouter } from '../router.ts';
import type { AppDeps } from '../types.ts';

export function healthRoutes(deps: AppDeps) {
  const router = createRouter();
  router.openapi(
    createRoute({
      method: 'get',
      path: '/healthz',
      tags: ['ops'],
      summary: '存活检查：进程在运行',
      responses: { 200: { content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } }, description: '存活' } },
    }),
    (c) => c.json({ status: 'ok' as const }, 200),
  );
  router.openapi(
    createRoute({
      method: 'get',
      path: '/readyz',
      tags: ['ops'],
      summary: '就绪检查：数据库可用',
      responses: {
        200: { content: { 'application/json': { schema: z.object({ status: z.literal('ready'), database: z.string() }) } }, description: '就绪' },
        503: { content: { 'application/json': { schema: z.object({ status: z.literal('unavailable'), database: z.string() }) } }, description: '未就绪' },
      },
    }),
    async (c) => {
      try {
        await deps.database.ping();
        await deps.rules.get();
        return c.json({ status: 'ready' as const, database: deps.database.engine }, 200);
      } catch {
        return c.json({ status: 'unavailable' as const, database: deps.database.engine }, 503);
      }
    },
  );
  return router;
}
