import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { type Queryable, rateLimitCounters } from '@hotline/db';
import { DomainError } from '../errors.ts';

// A self-hosted speed bump for anonymous filing: the browser spends a moment
// finding a nonce whose SHA-256 with the challenge starts with `bits` zero
// bits; a browser without JavaScript answers a small sum instead. Challenges
// are signed (no state until one is used) and are good for one filing.

export const POW_TTL_MS = 2 * 3600_000;
const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

export interface PowChallenge {
  challenge: string;
  bits: number;
  /** For browsers without JavaScript: a sum in Chinese numerals, answered in digits. */
  question: string;
  expiresAt: string;
}

export interface PowSolution {
  challenge: string;
  nonce?: string;
  answer?: string;
}

const sign = (secret: string, payload: string) => createHmac('sha256', secret).update(payload).digest('base64url').slice(0, 22);

function terms(secret: string, id: string): [number, number] {
  const digest = createHmac('sha256', secret).update(`sum:${id}`).digest();
  return [1 + (digest[0]! % 9), 1 + (digest[1]! % 9)];
}

export function issueChallenge(secret: string, bits: number, now: Date): PowChallenge {
  const id = randomBytes(12).toString('base64url');
  const payload = `${id}.${now.getTime().toString(36)}.${bits}`;
  const [a, b] = terms(secret, id);
  return {
    challenge: `${payload}.${sign(secret, payload)}`,
    bits,
    question: `${DIGITS[a]}加${DIGITS[b]}等于几？`,
    expiresAt: new Date(now.getTime() + POW_TTL_MS).toISOString(),
  };
}

/** Leading zero bits of SHA-256(`challenge:nonce`). */
export function workBits(challenge: string, nonce: string): number {
  const digest = createHash('sha256').update(`${challenge}:${nonce}`).digest();
  let bits = 0;
  for (const byte of digest) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    bits += Math.clz32(byte) - 24;
    break;
  }
  return bits;
}

const fail = (message: string) => new DomainError('VALIDATION', message, [{ path: 'pow', message }]);

/**
 * Checks a solution without using it up; returns the challenge's id and
 * issue time, which `consumeChallenge` needs.
 */
export function verifySolution(secret: string, minBits: number, solution: PowSolution, now: Date): { id: string; issuedAt: Date } {
  const parts = solution.challenge.split('.');
  if (parts.length !== 4) throw fail('人机验证无效，请刷新页面后重试');
  const [id, issued, bitsText, mac] = parts as [string, string, string, string];
  const expected = sign(secret, `${id}.${issued}.${bitsText}`);
  if (mac.length !== expected.length || !timingSafeEqual(Buffer.from(mac), Buffer.from(expected))) throw fail('人机验证无效，请刷新页面后重试');
  const issuedAt = new Date(Number.parseInt(issued, 36));
  const bits = Number(bitsText);
  if (!Number.isFinite(issuedAt.getTime()) || now.getTime() - issuedAt.getTime() > POW_TTL_MS || issuedAt.getTime() > now.getTime() + 60_000) {
    throw fail('人机验证已过期，请重新提交');
  }
  if (bits < minBits) throw fail('人机验证无效，请刷新页面后重试');
  if (solution.nonce !== undefined && solution.nonce !== '') {
    if (!/^[0-9a-z]{1,16}$/.test(solution.nonce) || workBits(solution.challenge, solution.nonce) < bits) throw fail('人机验证未通过，请重新提交');
  } else if (solution.answer !== undefined && solution.answer.trim() !== '') {
    const [a, b] = terms(secret, id);
    const answer = solution.answer.trim().replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
    if (answer !== String(a + b)) throw fail('验证题答案不正确，请重新计算');
  } else {
    throw fail('请回答验证题');
  }
  return { id, issuedAt };
}

/**
 * Marks a challenge used, inside the transaction that files the ticket: a
 * second filing with it waits for the first and then fails.
 */
export async function consumeChallenge(db: Queryable, used: { id: string; issuedAt: Date }): Promise<void> {
  const rows = await db
    .insert(rateLimitCounters)
    .values({ key: `pow-used:${used.id}`, windowStart: used.issuedAt, count: 1 })
    .onConflictDoNothing()
    .returning({ key: rateLimitCounters.key });
  if (rows.length === 0) throw fail('这次人机验证已经用过了，请重新提交');
}
