import { staffAccounts, staffSessions } from '@hotline/db';
import { and, eq, ne } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { DomainContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { requireStaff } from '../tickets/internal.ts';
import { hashPassword, isStrongEnough, PASSWORD_RULE, verifyPassword } from './passwords.ts';

export const ChangePasswordInput = z
  .object({
    currentPassword: z.string({ error: '请填写当前密码' }).min(1, '请填写当前密码').max(200, '密码不能超过 200 位'),
    newPassword: z.string({ error: '请填写新密码' }).min(1, '请填写新密码').max(200, '密码不能超过 200 位').refine(isStrongEnough, PASSWORD_RULE),
  })
  .refine((v) => v.currentPassword !== v.newPassword, { path: ['newPassword'], message: '新密码不能与当前密码相同' });
export type ChangePasswordInput = z.infer<typeof ChangePasswordInput>;

/**
 * 修改密码: the signed-in staff member, with their current password. Every
 * other session of the account ends (a password changed because it leaked
 * must also shut out whoever used it); the session in use stays.
 */
export async function changeOwnPassword(ctx: DomainContext, input: ChangePasswordInput, currentSessionToken: string | null): Promise<void> {
  const staff = requireStaff(ctx.actor);
  const [account] = await ctx.db.select().from(staffAccounts).where(eq(staffAccounts.id, staff.id));
  if (!account || !account.active) throw new DomainError('UNAUTHORIZED', '请先登录');
  if (!(await verifyPassword(input.currentPassword, account.passwordHash))) {
    throw new DomainError('VALIDATION', '当前密码不正确', [{ path: 'currentPassword', message: '当前密码不正确' }]);
  }
  const passwordHash = await hashPassword(input.newPassword);
  const keep = currentSessionToken ? createHash('sha256').update(currentSessionToken).digest('hex') : '';
  await ctx.db.transaction(async (tx) => {
    await tx.update(staffAccounts).set({ passwordHash }).where(eq(staffAccounts.id, staff.id));
    await tx.delete(staffSessions).where(and(eq(staffSessions.staffId, staff.id), ne(staffSessions.tokenHash, keep)));
  });
}
