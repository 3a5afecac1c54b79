import { routingRules } from '@hotline/db';
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DomainContext } from '../context.ts';
import { type FieldIssue, DomainError, notFound } from '../errors.ts';
import { requireRole } from '../tickets/internal.ts';
import { recordAudit } from './audit.ts';

const code = (what: string) => z.string().trim().min(1, `请选择${what}`).max(64);

export const RoutingRuleInput = z
  .object({
    categoryCode: code('诉求分类'),
    subcategoryCode: code('二级分类').nullable().default(null),
    districtCode: code('区').nullable().default(null),
    leadUnitId: code('主办单位').nullable().default(null),
    /** 属地: the street office (or district government) where the matter happened leads. */
    jurisdiction: z.enum(['street', 'district'], { error: '属地应为街道或区' }).nullable().default(null),
    coUnitIds: z.array(code('协办单位')).max(5, '协办单位最多 5 个').default([]),
    note: z.string().trim().max(200, '说明不超过 200 字').nullable().default(null),
    priority: z.number({ error: '优先级应为整数' }).int('优先级应为整数').min(0, '优先级在 0 到 100 之间').max(100, '优先级在 0 到 100 之间').default(0),
  })
  .superRefine((v, ctx) => {
    if (!v.leadUnitId && !v.jurisdiction) ctx.addIssue({ code: 'custom', path: ['leadUnitId'], message: '请选择主办单位，或选择由属地主办' });
    if (v.leadUnitId && v.jurisdiction) ctx.addIssue({ code: 'custom', path: ['leadUnitId'], message: '主办单位与属地只能选一个' });
    if (v.leadUnitId && v.coUnitIds.includes(v.leadUnitId)) ctx.addIssue({ code: 'custom', path: ['coUnitIds'], message: '协办单位不能与主办单位相同' });
    if (new Set(v.coUnitIds).size !== v.coUnitIds.length) ctx.addIssue({ code: 'custom', path: ['coUnitIds'], message: '协办单位有重复' });
  });
export type RoutingRuleInput = z.infer<typeof RoutingRuleInput>;

type RuleRow = typeof routingRules.$inferSelect;
const ruleView = (r: RuleRow | RoutingRuleInput) => ({
  categoryCode: r.categoryCode,
  subcategoryCode: r.subcategoryCode,
  districtCode: r.districtCode,
  leadUnitId: r.leadUnitId,
  jurisdiction: r.jurisdiction,
  coUnitIds: r.coUnitIds,
  note: r.note,
  priority: r.priority,
});
const matchText = (r: { categoryCode: string; subcategoryCode: string | null; districtCode: string | null }) =>
  [r.subcategoryCode ?? r.categoryCode, r.districtCode ?? '全市'].join(' / ');

/** Every code must name something in the catalog: a rule that points nowhere would dispatch nowhere. */
function checkReferences(ctx: DomainContext, v: RoutingRuleInput): void {
  const { catalog } = ctx.rules;
  const issues: FieldIssue[] = [];
  const category = catalog.categories.get(v.categoryCode);
  if (!category || category.parentCode) issues.push({ path: 'categoryCode', message: '没有这个一级诉求分类' });
  if (v.subcategoryCode && catalog.categories.get(v.subcategoryCode)?.parentCode !== v.categoryCode) {
    issues.push({ path: 'subcategoryCode', message: '二级分类不属于所选的一级分类' });
  }
  if (v.districtCode && !catalog.districts.has(v.districtCode)) issues.push({ path: 'districtCode', message: '没有这个区' });
  for (const [path, id] of [['leadUnitId', v.leadUnitId] as const, ...v.coUnitIds.map((u) => ['coUnitIds', u] as const)]) {
    if (!id) continue;
    const unit = catalog.units.get(id);
    if (!unit) issues.push({ path, message: `单位「${id}」不存在` });
    else if (!unit.active) issues.push({ path, message: `单位「${unit.name}」已停用` });
  }
  if (issues.length > 0) throw new DomainError('VALIDATION', issues[0]!.message, issues);
}

/**
 * 保存派单规则: one rule per (category, second-level category, district);
 * saving a rule for a match that already has one replaces it (the record
 * keeps the old one).
 */
export async function saveRoutingRule(ctx: DomainContext, input: RoutingRuleInput) {
  const staff = requireRole(ctx.actor, ['admin'], '维护派单规则');
  checkReferences(ctx, input);
  return ctx.db.transaction(async (tx) => {
    const [existing] = await tx
      .select()
      .from(routingRules)
      .where(
        sql`${routingRules.categoryCode} = ${input.categoryCode}
          and ${routingRules.subcategoryCode} is not distinct from ${input.subcategoryCode}
          and ${routingRules.districtCode} is not distinct from ${input.districtCode}`,
      )
      .for('update');
    const values = ruleView(input);
    const [row] = existing
      ? await tx.update(routingRules).set(values).where(eq(routingRules.id, existing.id)).returning()
      : await tx.insert(routingRules).values(values).returning();
    await recordAudit(tx, staff, ctx.now(), {
      subject: 'routing_rule',
      subjectId: String(row!.id),
      action: existing ? 'update' : 'create',
      summary: `${existing ? '修改' : '新增'}派单规则 ${matchText(input)} → ${input.leadUnitId ?? (input.jurisdiction === 'street' ? '属地街道' : '属地区政府')}`,
      before: existing ? ruleView(existing) : null,
      after: values,
    });
    return { ...row!, created: !existing };
  });
}

export async function deleteRoutingRule(ctx: DomainContext, id: number) {
  const staff = requireRole(ctx.actor, ['admin'], '维护派单规则');
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx.delete(routingRules).where(eq(routingRules.id, id)).returning();
    if (!row) throw notFound('未找到这条派单规则');
    await recordAudit(tx, staff, ctx.now(), {
      subject: 'routing_rule',
      subjectId: String(id),
      action: 'delete',
      summary: `删除派单规则 ${matchText(row)}`,
      before: ruleView(row),
    });
  });
}
