import { createHash } from 'node:crypto';
import { type Db, idempotencyKeys, type Tx } from '@hotline/db';
import { and, eq, lt } from 'drizzle-orm';
import { DomainError } from '../errors.ts';

const TTL_MS = 24 * 3600_000;
/** An in-flight claim older than this belongs to a request that died; its work rolled back with it. */
const STALE_MS = 60_000;

export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** Canonical JSON (sorted keys), so the same body hashes the same however its keys were ordered. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function hashRequest(scope: string, body: unknown): string {
  return createHash('sha256').update(`${scope}\n${canonical(body)}`).digest('hex');
}

export type Claim =
  | { kind: 'replay'; status: number; body: unknown }
  | {
      kind: 'new';
      /** Completes the claim inside the transaction that does the work, so work and record commit together. */
      complete: (tx: Tx, status: number, body: unknown) => Promise<void>;
      /** Gives the key up after a failure, so the client may retry with it. */
      release: () => Promise<void>;
    };

/**
 * Stripe's semantics: the first request with a key does the work; a repeat
 * with the same body replays its response; a repeat with a different body is
 * refused (IDEMPOTENCY_MISMATCH, 422); a repeat while the first is still
 * running is a CONFLICT (409). Keys live 24 hours.
 */
export async function claimIdempotencyKey(db: Db, key: string, requestHash: string, now: Date): Promise<Claim> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const inserted = await db
      .insert(idempotencyKeys)
      .values({ key, requestHash, state: 'in_flight', lockedAt: now, expiresAt: new Date(now.getTime() + TTL_MS) })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    if (inserted.length > 0) return newClaim(db, key);

    const [row] = await db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, key));
    if (!row) continue; // released or expired between the two statements
    if (row.expiresAt <= now) {
      await db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.key, key), lt(idempotencyKeys.expiresAt, now)));
      continue;
    }
    if (row.requestHash !== requestHash) {
      throw new DomainError('IDEMPOTENCY_MISMATCH', '该 Idempotency-Key 已用于另一个不同的请求', { key });
    }
    if (row.state === 'done') return { kind: 'replay', status: row.responseStatus ?? 200, body: row.responseBody };
    if (now.getTime() - row.lockedAt.getTime() < STALE_MS) {
      throw new DomainError('CONFLICT', '相同的请求正在处理中，请稍候', { key });
    }
    const taken = await db
      .update(idempotencyKeys)
      .set({ lockedAt: now })
      .where(and(eq(idempotencyKeys.key, key), eq(idempotencyKeys.state, 'in_flight'), eq(idempotencyKeys.lockedAt, row.lockedAt)))
      .returning({ key: idempotencyKeys.key });
    if (taken.length > 0) return newClaim(db, key);
  }
  throw new DomainError('CONFLICT', '相同的请求正在处理中，请稍候', { key });
}

function newClaim(db: Db, key: string): Claim {
  return {
    kind: 'new',
    async complete(tx, status, body) {
      await tx
        .update(idempotencyKeys)
        .set({ state: 'done', responseStatus: status, responseBody: body })
        .where(and(eq(idempotencyKeys.key, key), eq(idempotencyKeys.state, 'in_flight')));
    },
    async release() {
      await db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.key, key), eq(idempotencyKeys.state, 'in_flight')));
    },
  };
}

export async function purgeExpiredKeys(db: Db, now: Date): Promise<void> {
  await db.delete(idempotencyKeys).where(lt(idempotencyKeys.expiresAt, now));
}
