import { createRoute, z } from '@hono/zod-openapi';
import { LIMITS } from '../../domain/rate-limits/rate-limiter.ts';
import { ChangePasswordInput, changeOwnPassword } from '../../domain/staff/change-password.ts';
import { requireLogin } from '../middleware.ts';
import { clientKey, createRouter, domainContext } from '../router.ts';
import type { AppDeps } from '../types.ts';
import { errorResponses } from './staff-tickets.ts';

/** The signed-in staff member's own account. */
export function staffAccountRoutes(deps: AppDeps) {
  const router = createRouter();
  router.use('/api/staff/password', requireLogin);

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/staff/password',
      tags: ['staff'],
      summary: '修改自己的密码',
      description: '需提供当前密码；新密码至少 10 位，且同时包含字母和数字。成功后该账号的其他会话全部失效，本会话保留。当前密码输错与登录失败一同计入同一地址的失败次数。',
      request: { body: { content: { 'application/json': { schema: ChangePasswordInput } }, required: true } },
      responses: { 204: { description: '已修改' }, ...errorResponses, 429: { content: errorResponses[400].content, description: '失败次数过多' } },
    }),
    async (c) => {
      const input = c.req.valid('json');
      // A stolen session must not become a way to guess the password behind it.
      await deps.limiter.reserve(LIMITS.loginFailurePerClient, clientKey(c), '失败次数过多，请稍后再试');
      await changeOwnPassword(await domainContext(c, deps), input, c.get('sessionToken'));
      await deps.limiter.release(LIMITS.loginFailurePerClient, clientKey(c));
      return c.body(null, 204);
    },
  );

  return router;
}
