import { createHash, randomBytes } from 'node:crypto';
import { type Db, staffAccounts, staffSessions } from '@hotline/db';
import { and, eq, gt, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { StaffActor } from '../context.ts';
import { DomainError } from '../errors.ts';
import { DUMMY_HASH, verifyPassword } from './passwords.ts';

export const SESSION_HOURS = 12;
/** Failures in a row an account may have before each further attempt waits. */
export const FREE_LOGIN_FAILURES = 4;
/** The longest wait between attempts on one account: strangers who know a username can delay its owner this much, no more. */
export const MAX_LOGIN_DELAY_SECONDS = 300;

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export interface LoginResult {
  token: string;
  expiresAt: Date;
  staff: StaffActor;
}

/** `登录失败次数过多，请 30 秒后再试`: the wait in the unit a person reads it in. */
function tooManyFailures(seconds: number): DomainError {
  const wait = seconds < 60 ? `${seconds} 秒` : `${Math.ceil(seconds / 60)} 分钟`;
  return new DomainError('RATE_LIMITED', `登录失败次数过多，请 ${wait}后再试`, { retryAfterSeconds: seconds });
}

/**
 * Password login. An attempt on an account is reserved, atomically, before
 * the slow password check: one conditional UPDATE counts it as a failure and
 * sets when the next attempt may come, and only if the account is not
 * waiting. So concurrent guesses cannot all be checked against one stale
 * count: after FREE_LOGIN_FAILURES failures in a row each further attempt
 * waits 1, 2, 4 … seconds, capped at MAX_LOGIN_DELAY_SECONDS (a delay, not
 * a lock a stranger can hold). A correct password clears the count. An
 * unknown username costs the same time and gets the same answer as a wrong
 * password.
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
  // `locked_until` is when the next attempt may come. Row locks serialise
  // concurrent reservations; each sees the count the previous one left.
  const next = sql`case when ${staffAccounts.failedLogins} + 1 > ${FREE_LOGIN_FAILURES}
    then ${meta.now.toISOString()}::timestamptz + least(power(2, ${staffAccounts.failedLogins} - ${FREE_LOGIN_FAILURES}), ${MAX_LOGIN_DELAY_SECONDS}) * interval '1 second'
    else null end`;
  const reserved = await db
    .update(staffAccounts)
    .set({ failedLogins: sql`${staffAccounts.failedLogins} + 1`, lockedUntil: next })
    .where(and(eq(staffAccounts.id, account.id), or(isNull(staffAccounts.lockedUntil), lte(staffAccounts.lockedUntil, meta.now))))
    .returning({ id: staffAccounts.id });
  if (reserved.length === 0) {
    const [current] = await db.select({ until: staffAccounts.lockedUntil }).from(staffAccounts).where(eq(staffAccounts.id, account.id));
    const seconds = current?.until ? Math.max(1, Math.ceil((current.until.getTime() - meta.now.getTime()) / 1000)) : 1;
    throw tooManyFailures(seconds);
  }
  if (!(await verifyPassword(input.password, account.passwordHash))) throw invalid;
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
