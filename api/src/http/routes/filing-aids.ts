import { createRoute, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { ATTACHMENT_LIMITS } from '../../domain/attachments/add-attachment.ts';
import { createUploadDraft } from '../../domain/attachments/upload-drafts.ts';
import { DomainError } from '../../domain/errors.ts';
import { issueChallenge } from '../../domain/pow/proof-of-work.ts';
import { LIMITS } from '../../domain/rate-limits/rate-limiter.ts';
import { ErrorBody } from '../errors.ts';
import { clientKey, createRouter, domainContext } from '../router.ts';
import type { AppDeps } from '../types.ts';

const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });
const citizen = { kind: 'citizen' as const, channel: 'web' as const, channelUserId: null };

/** What a citizen's client fetches before filing: a proof-of-work challenge and photo uploads. */
export function filingAidRoutes(deps: AppDeps) {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/pow/challenge',
      tags: ['public'],
      summary: '人机验证题（网页和市长信箱提交前）',
      description:
        '找到 nonce 使 SHA-256(`challenge:nonce`) 的前 bits 位为 0，提交时放在 Pow-Challenge 和 Pow-Nonce 请求头里；不能运行脚本的浏览器回答 question（Pow-Answer）。两小时内有效，只能用一次。',
      responses: {
        200: json(
          z.object({ challenge: z.string(), bits: z.number().int(), question: z.string(), expiresAt: z.string() }).openapi('PowChallenge'),
          '验证题',
        ),
      },
    }),
    (c) => {
      c.header('Cache-Control', 'no-store');
      return c.json(issueChallenge(deps.secret, deps.config.powBits, (deps.now ?? (() => new Date()))()), 200);
    },
  );

  router.use(
    '/api/uploads',
    bodyLimit({
      maxSize: ATTACHMENT_LIMITS.maxBytes + 64 * 1024,
      onError: () => {
        throw new DomainError('PAYLOAD_TOO_LARGE', '图片不能超过 10 MB', [{ path: 'file', message: '图片不能超过 10 MB' }]);
      },
    }),
  );
  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/uploads',
      tags: ['public'],
      summary: '提交前先上传照片',
      description:
        '照片重新编码（去除 EXIF/GPS），保留 24 小时；提交工单时把 uploadId 放进 photos 数组即成为工单的附件。每个地址每小时最多 60 张。',
      request: {
        body: {
          content: {
            'multipart/form-data': {
              schema: z.object({
                file: z.instanceof(File, { message: '请选择要上传的图片' }).openapi({ type: 'string', format: 'binary', description: 'JPEG、PNG、WebP 或 GIF，10 MB 以内' }),
              }),
            },
          },
          required: true,
        },
      },
      responses: {
        201: json(z.object({ uploadId: z.string(), width: z.number(), height: z.number(), byteSize: z.number() }).openapi('UploadDraft'), '已上传'),
        400: json(ErrorBody, '不是图片或已损坏'),
        413: json(ErrorBody, '太大'),
        415: json(ErrorBody, '格式不支持'),
        429: json(ErrorBody, '太频繁'),
      },
    }),
    async (c) => {
      const { file } = c.req.valid('form');
      const ctx = await domainContext(c, deps, citizen);
      await deps.limiter.assertWithin(LIMITS.uploadPerClient, clientKey(c), '上传过于频繁，请稍后再试');
      const draft = await createUploadDraft(ctx, new Uint8Array(await file.arrayBuffer()));
      await deps.limiter.hit(LIMITS.uploadPerClient, clientKey(c));
      return c.json(draft, 201);
    },
  );

  return router;
}
