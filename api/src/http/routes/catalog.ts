import { createRoute, z } from '@hono/zod-openapi';
import { CHANNELS, REQUEST_TYPES, SATISFACTION_LEVELS, URGENCIES } from '@hotline/db/enums';
import { CHANNEL_LABELS, REQUEST_TYPE_LABELS, SATISFACTION_LABELS, URGENCY_LABELS } from '../../domain/labels.ts';
import { STATUS_LABELS, TICKET_STATUSES } from '../../domain/tickets/state-machine.ts';
import { createRouter } from '../router.ts';
import type { AppDeps } from '../types.ts';

const CodeLabel = z.object({ code: z.string(), label: z.string() });
const CatalogSchema = z
  .object({
    districts: z.array(z.object({ code: z.string(), name: z.string(), streets: z.array(z.object({ code: z.string(), name: z.string() })) })),
    categories: z.array(z.object({ code: z.string(), name: z.string(), children: z.array(z.object({ code: z.string(), name: z.string() })) })),
    types: z.array(CodeLabel),
    channels: z.array(CodeLabel),
    urgencies: z.array(CodeLabel),
    statuses: z.array(CodeLabel),
    satisfaction: z.array(CodeLabel),
    replyWorkingDays: z.record(z.string(), z.number()),
    urgentReplyWorkingDays: z.number(),
    addressees: z.array(CodeLabel).openapi({ description: '市长信箱的写信对象' }),
    emergencyNumbers: z.array(z.object({ number: z.string(), label: z.string() })),
  })
  .openapi('Catalog');

export function catalogRoutes(deps: AppDeps) {
  const router = createRouter();
  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/catalog',
      tags: ['public'],
      summary: '表单所需的目录：区与街道、诉求分类、类型、状态',
      responses: { 200: { content: { 'application/json': { schema: CatalogSchema } }, description: '目录' } },
    }),
    async (c) => {
      const { catalog, settings } = await deps.rules.get();
      const streets = [...catalog.streets.values()];
      const categories = [...catalog.categories.values()].filter((x) => x.active);
      c.header('Cache-Control', 'public, max-age=300');
      return c.json(
        {
          districts: [...catalog.districts.values()].map((d) => ({
            code: d.code,
            name: d.name,
            streets: streets.filter((s) => s.districtCode === d.code).map((s) => ({ code: s.code, name: s.name })),
          })),
          categories: categories
            .filter((x) => x.parentCode === null)
            .map((x) => ({
              code: x.code,
              name: x.name,
              children: categories.filter((y) => y.parentCode === x.code).map((y) => ({ code: y.code, name: y.name })),
            })),
          types: REQUEST_TYPES.map((code) => ({ code, label: REQUEST_TYPE_LABELS[code] })),
          channels: CHANNELS.map((code) => ({ code, label: CHANNEL_LABELS[code] })),
          urgencies: URGENCIES.map((code) => ({ code, label: URGENCY_LABELS[code] })),
          statuses: TICKET_STATUSES.map((code) => ({ code, label: STATUS_LABELS[code] })),
          satisfaction: SATISFACTION_LEVELS.map((code) => ({ code, label: SATISFACTION_LABELS[code] })),
          replyWorkingDays: settings.timeLimits.replyWorkingDays,
          urgentReplyWorkingDays: settings.timeLimits.urgentReplyWorkingDays,
          addressees: settings.mailbox.addressees.map((a) => ({ code: a.code, label: a.label })),
          emergencyNumbers: [
            { number: '110', label: '报警（治安、刑事案件）' },
            { number: '119', label: '火警、燃气泄漏、抢险救援' },
            { number: '120', label: '医疗急救' },
          ],
        },
        200,
      );
    },
  );
  return router;
}
