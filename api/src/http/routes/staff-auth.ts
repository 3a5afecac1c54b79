import { createRoute, z } from '@hono/zod-openapi';
import { deleteCookie, setCookie } from 'hono/cookie';
import { LIMITS } from '../../domain/rate-limits/rate-limiter.ts';
import { ROLE_LABELS } from '../../domain/labels.ts';
import { login, logout } from '../../domain/staff/sessions.ts';
import { ErrorBody } from '../errors.ts';
import { requireLogin, SESSION_COOKIE, secureCookies } from '../middleware.ts';
import { clientKey, createRouter } from '../router.ts';
import type { AppDeps } from '../types.ts';

const StaffSchema = z
  .object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    role: z.string(),
    roleLabel: z.string(),
    unitId: z.string().nullable(),
  })
  .openapi('Staff');

const LoginInput = z.object({
  username: z.string({ error: '请填写用户名' }).trim().min(1, '请填写用户名').max(64),
  password: z.string({ error: '请填写密码' }).min(1, '请填写密码').max(200),
});

export function staffAuthRoutes(deps: AppDeps) {
  const router = createRouter();
  const now = deps.now ?? (() => new Date());

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/staff/login',
      tags: ['staff'],
      summary: '工作人员登录',
      description: '成功后设置会话 Cookie（HttpOnly、SameSite=Strict），并在响应中返回同一令牌，供脚本以 `Authorization: Bearer` 使用。同一账号连续失败 4 次后，每次再试须等待 1、2、4……秒，最长 5 分钟；同一地址 15 分钟内最多失败 20 次。',
      request: { body: { content: { 'application/json': { schema: LoginInput } }, required: true } },
      responses: {
        200: {
          content: { 'application/json': { schema: z.object({ staff: StaffSchema, token: z.string(), expiresAt: z.string() }) } },
          description: '已登录',
        },
        401: { content: { 'application/json': { schema: ErrorBody } }, description: '用户名或密码错误' },
        429: { content: { 'application/json': { schema: ErrorBody } }, description: '失败次数过多' },
      },
    }),
    async (c) => {
      const input = c.req.valid('json');
      // Reserved before the password is checked, given back on success: of
      // concurrent attempts from one address at most the limit are checked.
      await deps.limiter.reserve(LIMITS.loginFailurePerClient, clientKey(c), '登录失败次数过多，请稍后再试');
      const result = await login(deps.database.db, input, { ip: c.get('clientIp'), userAgent: c.req.header('user-agent') ?? null, now: now() });
      await deps.limiter.release(LIMITS.loginFailurePerClient, clientKey(c));
      setCookie(c, SESSION_COOKIE, result.token, {
        httpOnly: true,
        sameSite: 'Strict',
        secure: secureCookies(c, deps),
        path: '/',
        expires: result.expiresAt,
      });
      const s = result.staff;
      return c.json(
        {
          staff: { id: s.id, username: s.username, displayName: s.displayName, role: s.role, roleLabel: ROLE_LABELS[s.role], unitId: s.unitId },
          token: result.token,
          expiresAt: result.expiresAt.toISOString(),
        },
        200,
      );
    },
  );

  router.use('/api/staff/logout', requireLogin);
  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/staff/logout',
      tags: ['staff'],
      summary: '退出登录',
      responses: { 204: { description: '已退出' } },
    }),
    async (c) => {
      await logout(deps.database.db, c.get('sessionToken')!);
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.body(null, 204);
    },
  );

  router.use('/api/staff/me', requireLogin);
  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/staff/me',
      tags: ['staff'],
      summary: '当前登录的工作人员',
      responses: { 200: { content: { 'application/json': { schema: StaffSchema } }, description: '当前用户' } },
    }),
    (c) => {
      const s = c.get('actor');
      if (s?.kind !== 'staff') throw new Error('unreachable: requireLogin ran');
      return c.json({ id: s.id, username: s.username, displayName: s.displayName, role: s.role, roleLabel: ROLE_LABELS[s.role], unitId: s.unitId }, 200);
    },
  );

  return router;
}
