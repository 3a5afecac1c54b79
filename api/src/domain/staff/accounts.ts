import { newId, type Queryable, staffAccounts, units } from '@hotline/db';
import { STAFF_ROLES, UNIT_KINDS } from '@hotline/db/enums';
import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { DomainContext } from '../context.ts';
import { DomainError, validationError } from '../errors.ts';
import { ROLE_LABELS } from '../labels.ts';
import { recordAudit } from '../admin/audit.ts';
import { requireRole } from '../tickets/internal.ts';
import { hashPassword, isStrongEnough, PASSWORD_RULE } from './passwords.ts';

export const Username = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_.-]{2,31}$/, '用户名为 3-32 位小写字母、数字、下划线、点或连字符，以字母开头');

export const CreateAccountInput = z
  .object({
    username: Username,
    displayName: z.string().trim().min(1, '请填写姓名').max(40),
    role: z.enum(STAFF_ROLES, { error: `角色应为 ${STAFF_ROLES.join('、')} 之一` }),
    unitId: z.string().trim().min(1).max(64).optional(),
    password: z.string().refine(isStrongEnough, PASSWORD_RULE),
  })
  .superRefine((value, ctx) => {
    if (value.role === 'unit_handler' && !value.unitId) ctx.addIssue({ code: 'custom', path: ['unitId'], message: '承办单位账号必须指定所属单位' });
    if (value.role !== 'unit_handler' && value.unitId) ctx.addIssue({ code: 'custom', path: ['unitId'], message: '只有承办单位账号可以指定所属单位' });
  });
export type CreateAccountInput = z.infer<typeof CreateAccountInput>;

export const CreateUnitInput = z.object({
  id: z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9_-]{1,63}$/, '单位编码为小写字母、数字、下划线或连字符，以字母开头'),
  name: z.string().trim().min(2, '请填写单位名称').max(60),
  kind: z.enum(UNIT_KINDS),
  districtCode: z.string().trim().max(64).optional(),
  streetCode: z.string().trim().max(64).optional(),
});
export type CreateUnitInput = z.infer<typeof CreateUnitInput>;

/** Without an actor check: used by the admin CLI and the seed, which run with the operator's own authority. */
export async function insertAccount(db: Queryable, input: CreateAccountInput & { demo?: boolean }) {
  if (input.unitId) {
    const [unit] = await db.select({ id: units.id }).from(units).where(eq(units.id, input.unitId));
    if (!unit) throw validationError(`单位「${input.unitId}」不存在`, 'unitId');
  }
  const [existing] = await db.select({ id: staffAccounts.id }).from(staffAccounts).where(eq(staffAccounts.username, input.username));
  if (existing) throw new DomainError('CONFLICT', `用户名 ${input.username} 已存在`, [{ path: 'username', message: '用户名已存在' }]);
  const [row] = await db
    .insert(staffAccounts)
    .values({
      id: newId(),
      username: input.username,
      displayName: input.displayName,
      role: input.role,
      unitId: input.unitId ?? null,
      passwordHash: await hashPassword(input.password),
      demo: input.demo ?? false,
    })
    .returning();
  return publicAccount(row!);
}

export async function insertUnit(db: Queryable, input: CreateUnitInput) {
  const [existing] = await db.select({ id: units.id }).from(units).where(eq(units.id, input.id));
  if (existing) throw new DomainError('CONFLICT', `单位编码 ${input.id} 已存在`, [{ path: 'id', message: '单位编码已存在' }]);
  const [row] = await db
    .insert(units)
    .values({ id: input.id, name: input.name, kind: input.kind, districtCode: input.districtCode ?? null, streetCode: input.streetCode ?? null })
    .returning();
  return row!;
}

export function publicAccount(row: typeof staffAccounts.$inferSelect) {
  return {
    id: row.id,
    username: row.username,
    displayName: row.displayName,
    role: row.role,
    roleLabel: ROLE_LABELS[row.role],
    unitId: row.unitId,
    active: row.active,
    lockedUntil: row.lockedUntil?.toISOString() ?? null,
    lastLoginAt: row.lastLoginAt?.toISOString() ?? null,
  };
}

export async function createAccount(ctx: DomainContext, input: CreateAccountInput) {
  const staff = requireRole(ctx.actor, ['admin'], '管理账号');
  return ctx.db.transaction(async (tx) => {
    const account = await insertAccount(tx, input);
    await recordAudit(tx, staff, ctx.now(), {
      subject: 'account',
      subjectId: account.id,
      action: 'create',
      summary: `新增账号 ${account.username}（${account.displayName}，${account.roleLabel}${account.unitId ? `，${account.unitId}` : ''}）`,
      after: { displayName: account.displayName, role: account.role, unitId: account.unitId, active: account.active },
    });
    return account;
  });
}

export async function createUnit(ctx: DomainContext, input: CreateUnitInput) {
  const staff = requireRole(ctx.actor, ['admin'], '管理单位');
  return ctx.db.transaction(async (tx) => {
    const unit = await insertUnit(tx, input);
    await recordAudit(tx, staff, ctx.now(), { subject: 'unit', subjectId: unit.id, action: 'create', summary: `新增单位 ${unit.id}（${unit.name}）`, after: input });
    return unit;
  });
}

export async function listAccounts(ctx: DomainContext) {
  requireRole(ctx.actor, ['admin'], '管理账号');
  const rows = await ctx.db.select().from(staffAccounts).orderBy(asc(staffAccounts.username));
  return rows.map(publicAccount);
}
