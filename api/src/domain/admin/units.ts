import { routingRules, staffAccounts, units } from '@hotline/db';
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DomainContext } from '../context.ts';
import { DomainError, notFound } from '../errors.ts';
import { requireRole } from '../tickets/internal.ts';
import { recordAudit } from './audit.ts';

export const UpdateUnitInput = z
  .object({
    name: z.string().trim().min(2, '请填写单位名称（至少 2 个字）').max(60, '单位名称不超过 60 字').optional(),
    active: z.boolean({ error: '请说明单位是否启用' }).optional(),
  })
  .refine((v) => v.name !== undefined || v.active !== undefined, { message: '没有要修改的内容', path: ['(body)'] });
export type UpdateUnitInput = z.infer<typeof UpdateUnitInput>;

/**
 * 修改承办单位: rename, or stop and restart it. A unit that routing rules
 * still send tickets to cannot be stopped: the dispatcher would be offered
 * a unit nobody works in. Its accounts stay as they are (disable them one
 * by one if the people leave).
 */
export async function updateUnit(ctx: DomainContext, id: string, input: UpdateUnitInput) {
  const staff = requireRole(ctx.actor, ['admin'], '管理单位');
  return ctx.db.transaction(async (tx) => {
    const [unit] = await tx.select().from(units).where(eq(units.id, id)).for('update');
    if (!unit) throw notFound('未找到该单位');
    if (input.name && input.name !== unit.name) {
      const [same] = await tx.select({ id: units.id }).from(units).where(eq(units.name, input.name));
      if (same) throw new DomainError('CONFLICT', `已有名为「${input.name}」的单位`, [{ path: 'name', message: '已有同名单位' }]);
    }
    if (input.active === false && unit.active) {
      const [{ n } = { n: 0 }] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(routingRules)
        .where(sql`${routingRules.leadUnitId} = ${id} or ${routingRules.coUnitIds} @> ${JSON.stringify([id])}::jsonb`);
      if (Number(n) > 0) {
        const message = `仍有 ${n} 条派单规则把工单派给该单位，请先修改这些规则再停用`;
        throw new DomainError('CONFLICT', message, [{ path: 'active', message }]);
      }
    }
    const next = { name: input.name ?? unit.name, active: input.active ?? unit.active };
    const [row] = await tx.update(units).set(next).where(eq(units.id, id)).returning();
    const changes: string[] = [];
    if (next.name !== unit.name) changes.push(`名称由「${unit.name}」改为「${next.name}」`);
    if (next.active !== unit.active) changes.push(next.active ? '启用' : '停用');
    if (changes.length > 0) {
      await recordAudit(tx, staff, ctx.now(), {
        subject: 'unit',
        subjectId: id,
        action: next.active !== unit.active ? (next.active ? 'enable' : 'disable') : 'update',
        summary: `单位 ${id}：${changes.join('；')}`,
        before: { name: unit.name, active: unit.active },
        after: { name: row!.name, active: row!.active },
      });
    }
    return row!;
  });
}

/** How many active accounts each unit has, for the units page. */
export async function unitAccountCounts(ctx: DomainContext): Promise<Record<string, number>> {
  requireRole(ctx.actor, ['admin'], '管理单位');
  const rows = await ctx.db
    .select({ unitId: staffAccounts.unitId, n: sql<number>`count(*)::int` })
    .from(staffAccounts)
    .where(and(eq(staffAccounts.active, true), sql`${staffAccounts.unitId} is not null`))
    .groupBy(staffAccounts.unitId);
  return Object.fromEntries(rows.map((r) => [r.unitId!, Number(r.n)]));
}
