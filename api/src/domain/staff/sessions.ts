import { createHash, randomBytes } from 'node:crypto';
import { type Db, staffAccounts, staffSessions } from '@hotline/db';
import { and, eq, gt, lt, sql } from 'drizzle-orm';
import type { StaffActor } from '../context.ts';
import { DomainError } from '../errors.ts';
import { DUMMY_HASH, verifyPassword } from './passwords.ts';

export const SESSION_HOURS = 12;
const MAX_FAILURES = 5;
const LOCK_MINUTES = 15;

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export interface LoginResult {
  token: string;
  expiresAt: Date;
  staff: StaffActor;
}

/**
 * Password login. Five failures in a row lock the account for 15 minutes;
 * an unknown username costs the same time and gets the same answer as a
 * wrong password.
 */
export async function login(
  db: Db,
  input: { username: string; password: string },
  meta: { ip: string | null; userAgent: string | null; now: Date },
): Promise<LoginResult> {
  const invalid = new DomainError('UNAUTHORIZED', '用户名或密码错误');
  const [account] = await db.select().from(staffAccounts).where(eq(staffAccounts.username, input.username.trim().toLowerCase()));
  if (!account || !account.active) {
    await verifyPassword(input.password, DUMMY_HASH);
    throw invalid;
  }
  if (account.lockedUntil && account.lockedUntil > meta.now) {
    const minutes = Math.ceil((account.lockedUntil.getTime() - meta.now.getTime()) / 60_000);
    throw new DomainError('RATE_LIMITED', `登录失败次数过多，账号已锁定，请 ${minutes} 分钟后再试`, { retryAfterSeconds: minutes * 60 });
  }
  if (!(await verifyPassword(input.password, account.passwordHash))) {
    const failures = account.failedLogins + 1;
    const locked = failures >= MAX_FAILURES;
    await db
      .update(staffAccounts)
      .set({
        failedLogins: locked ? 0 : sql`${staffAccounts.failedLogins} + 1`,
        lockedUntil: locked ? new Date(meta.now.getTime() + LOCK_MINUTES * 60_000) : account.lockedUntil,
      })
      .where(eq(staffAccounts.id, account.id));
    if (locked) throw new DomainError('RATE_LIMITED', `登录失败次数过多，账号已锁定 ${LOCK_MINUTES} 分钟`, { retryAfterSeconds: LOCK_MINUTES * 60 });
    throw invalid;
  }
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(meta.now.getTime() + SESSION_HOURS * 3600_000);
  await db.transaction(async (tx) => {
    await tx.update(staffAccounts).set({ failedLogins: 0, lockedUntil: null, lastLoginAt: meta.now }).where(eq(staffAccounts.id, account.id));
    await tx.insert(staffSessions).values({
      tokenHash: hashToken(token),
      staffId: account.id,
      createdAt: meta.now,
      expiresAt,
      ip: meta.ip,
      userAgent: meta.userAgent?.slice(0, 300) ?? null,
    });
  });
  return { token, expiresAt, staff: toActor(account) };
}

function toActor(account: typeof staffAccounts.$inferSelect): StaffActor {
  return { kind: 'staff', id: account.id, username: account.username, displayName: account.displayName, role: account.role, unitId: account.unitId };
}

/** The staff member behind a session token, or null if it is unknown, expired or the account is disabled. */
export async function resolveSession(db: Db, token: string, now: Date): Promise<StaffActor | null> {
  if (!token || token.length > 100) return null;
  const [row] = await db
    .select({ account: staffAccounts })
    .from(staffSessions)
    .innerJoin(staffAccounts, eq(staffAccounts.id, staffSessions.staffId))
    .where(and(eq(staffSessions.tokenHash, hashToken(token)), gt(staffSessions.expiresAt, now)));
  if (!row || !row.account.active) return null;
  return toActor(row.account);
}

export async function logout(db: Db, token: string): Promise<void> {
  await db.delete(staffSessions).where(eq(staffSessions.tokenHash, hashToken(token)));
}

export async function purgeExpiredSessions(db: Db, now: Date): Promise<void> {
  await db.delete(staffSessions).where(lt(staffSessions.expiresAt, now));
}
