import { type Queryable, staffAccounts, staffSessions, units } from '@hotline/db';
import { STAFF_ROLES } from '@hotline/db/enums';
import { and, eq, ne } from 'drizzle-orm';
import { z } from 'zod';
import type { DomainContext } from '../context.ts';
import { DomainError, notFound, validationError } from '../errors.ts';
import { ROLE_LABELS } from '../labels.ts';
import { hashPassword, isStrongEnough, PASSWORD_RULE } from '../staff/passwords.ts';
import { publicAccount } from '../staff/accounts.ts';
import { requireRole } from '../tickets/internal.ts';
import { recordAudit } from './audit.ts';

export const UpdateAccountInput = z
  .object({
    displayName: z.string().trim().min(1, '请填写姓名').max(40, '姓名不超过 40 字').optional(),
    role: z.enum(STAFF_ROLES, { error: '请选择角色' }).optional(),
    /** null: no unit (every role but unit handler). */
    unitId: z.string().trim().min(1, '请选择所属单位').max(64).nullable().optional(),
    active: z.boolean({ error: '请说明账号是否启用' }).optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: '没有要修改的内容', path: ['(body)'] });
export type UpdateAccountInput = z.infer<typeof UpdateAccountInput>;

export const ResetPasswordInput = z.object({
  password: z.string({ error: '请填写新密码' }).min(1, '请填写新密码').max(200, '密码不能超过 200 位').refine(isStrongEnough, PASSWORD_RULE),
});
export type ResetPasswordInput = z.infer<typeof ResetPasswordInput>;

const NO_ADMIN_LEFT = '系统中须至少保留一名在用的管理员：请先让另一名管理员启用，再停用或改变这个账号';

/** The values the audit record keeps of an account (never its password). */
const auditView = (a: typeof staffAccounts.$inferSelect) => ({ displayName: a.displayName, role: a.role, unitId: a.unitId, active: a.active });

/**
 * 修改账号: name, role and unit, enable or disable. Disabling ends every
 * session of the account at once. The office never loses its last active
 * administrator: the active admins' rows are locked before they are
 * counted, so two admins demoting each other at the same moment cannot
 * both succeed.
 */
export async function updateAccount(ctx: DomainContext, id: string, input: UpdateAccountInput) {
  const staff = requireRole(ctx.actor, ['admin'], '管理账号');
  return ctx.db.transaction(async (tx) => {
    const [account] = await tx.select().from(staffAccounts).where(eq(staffAccounts.id, id)).for('update');
    if (!account) throw notFound('未找到该账号');
    const role = input.role ?? account.role;
    // A unit belongs to unit handlers only; a role change away from it drops the unit.
    const unitId = role === 'unit_handler' ? (input.unitId !== undefined ? input.unitId : account.unitId) : null;
    if (role === 'unit_handler' && !unitId) throw validationError('承办单位账号必须指定所属单位', 'unitId');
    if (role !== 'unit_handler' && input.unitId) throw validationError('只有承办单位账号可以指定所属单位', 'unitId');
    if (unitId && unitId !== account.unitId) await assertUnit(tx, unitId);
    const active = input.active ?? account.active;
    const next = { displayName: input.displayName ?? account.displayName, role, unitId, active };

    const wasAdmin = account.role === 'admin' && account.active;
    if (wasAdmin && !(next.role === 'admin' && next.active)) {
      const admins = await tx
        .select({ id: staffAccounts.id })
        .from(staffAccounts)
        .where(and(eq(staffAccounts.role, 'admin'), eq(staffAccounts.active, true), ne(staffAccounts.id, id)))
        .for('update');
      if (admins.length === 0) throw new DomainError('CONFLICT', NO_ADMIN_LEFT, [{ path: input.active === false ? 'active' : 'role', message: NO_ADMIN_LEFT }]);
    }

    const [row] = await tx.update(staffAccounts).set(next).where(eq(staffAccounts.id, id)).returning();
    if (account.active && !active) await tx.delete(staffSessions).where(eq(staffSessions.staffId, id));

    const changes: string[] = [];
    if (next.displayName !== account.displayName) changes.push(`姓名改为「${next.displayName}」`);
    if (next.role !== account.role) changes.push(`角色由${ROLE_LABELS[account.role]}改为${ROLE_LABELS[next.role]}`);
    if (next.unitId !== account.unitId) changes.push(next.unitId ? `所属单位改为 ${next.unitId}` : '不再属于承办单位');
    if (next.active !== account.active) changes.push(next.active ? '启用' : '停用（已登录的会话全部结束）');
    if (changes.length > 0) {
      const action = next.active !== account.active ? (next.active ? 'enable' : 'disable') : 'update';
      await recordAudit(tx, staff, ctx.now(), {
        subject: 'account',
        subjectId: id,
        action,
        summary: `账号 ${account.username}：${changes.join('；')}`,
        before: auditView(account),
        after: auditView(row!),
      });
    }
    return publicAccount(row!);
  });
}

/**
 * 重置密码: an administrator sets a new password for someone who forgot
 * theirs. Every session of the account ends and a login delay is lifted.
 * The record says that it happened, never the password.
 */
export async function resetPassword(ctx: DomainContext, id: string, input: ResetPasswordInput) {
  const staff = requireRole(ctx.actor, ['admin'], '管理账号');
  const passwordHash = await hashPassword(input.password);
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx.update(staffAccounts).set({ passwordHash, failedLogins: 0, lockedUntil: null }).where(eq(staffAccounts.id, id)).returning();
    if (!row) throw notFound('未找到该账号');
    await tx.delete(staffSessions).where(eq(staffSessions.staffId, id));
    await recordAudit(tx, staff, ctx.now(), {
      subject: 'account',
      subjectId: id,
      action: 'reset_password',
      summary: `账号 ${row.username}：重置密码（已登录的会话全部结束）`,
    });
    return publicAccount(row);
  });
}

async function assertUnit(db: Queryable, unitId: string) {
  const [unit] = await db.select({ id: units.id, active: units.active }).from(units).where(eq(units.id, unitId));
  if (!unit) throw validationError(`单位「${unitId}」不存在`, 'unitId');
  if (!unit.active) throw validationError('该单位已停用，不能再分配账号', 'unitId');
}
