import { createHash, randomInt } from 'node:crypto';
import { type Database, type Db, idempotencyKeys, type Tx } from '@hotline/db';
import { and, eq, lt, sql } from 'drizzle-orm';
import { DomainError } from '../errors.ts';

const TTL_MS = 24 * 3600_000;
/** An in-flight claim older than this belongs to a request that died; its work rolled back with it. */
const STALE_MS = 60_000;

// Which API process works on an in-flight key. A key whose process is gone
// (killed, crashed) is abandoned at once instead of answering 409 for a
// minute: on PostgreSQL each process holds a session advisory lock
// (INSTANCE_LOCK_NAMESPACE, its id) for as long as it lives, and PostgreSQL
// drops it when the connection dies; on PGlite one process owns the data
// directory, so every key in flight at its start belongs to a dead one.
const INSTANCE_LOCK_NAMESPACE = 12345_0002;

interface Instance {
  id: string;
  engine: Database['engine'];
  release: () => Promise<void>;
}
let instance: Instance | null = null;

/**
 * Registers this process as the worker of the keys it claims (at start,
 * after migrations). On PGlite it also abandons the keys left in flight by
 * the previous process. Returns what stops it (at shutdown).
 */
export async function registerIdempotencyInstance(database: Database): Promise<() => Promise<void>> {
  const id = randomInt(1, 2 ** 31 - 1);
  let release = async () => {};
  if (database.engine === 'pglite') {
    await database.db.delete(idempotencyKeys).where(eq(idempotencyKeys.state, 'in_flight'));
  } else if (database.holdSessionLock) {
    release = await database.holdSessionLock(INSTANCE_LOCK_NAMESPACE, id);
  }
  const own: Instance = { id: String(id), engine: database.engine, release };
  instance = own;
  return async () => {
    if (instance === own) instance = null;
    await own.release();
  };
}

/** Whether the process that claimed `row` is gone, so its work rolled back and the key is free. */
async function abandoned(db: Db, row: { instanceId: string | null }): Promise<boolean> {
  if (!instance || !row.instanceId || row.instanceId === instance.id) return false;
  if (instance.engine === 'pglite') return true;
  const result = await db.execute(
    sql`select exists (select 1 from pg_locks where locktype = 'advisory' and classid = ${INSTANCE_LOCK_NAMESPACE} and objid = ${Number(row.instanceId)} and objsubid = 2 and granted) as alive`,
  );
  const rows = (Array.isArray(result) ? result : (result as { rows: { alive: boolean }[] }).rows) as { alive: boolean }[];
  return rows[0]?.alive === false;
}

export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** Nesting canonical() follows; the HTTP edge already refuses JSON deeper than 32 levels. */
const MAX_CANONICAL_DEPTH = 64;

/**
 * Canonical JSON (sorted keys), so the same body hashes the same however its
 * keys were ordered. Recursive, so bounded: 5,000 nested arrays overflowed the stack.
 */
function canonical(value: unknown, depth = 0): string {
  if (value !== null && typeof value === 'object' && depth >= MAX_CANONICAL_DEPTH) {
    throw new DomainError('VALIDATION', `请求内容嵌套过深（最多 ${MAX_CANONICAL_DEPTH} 层）`);
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonical(v, depth + 1)).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k], depth + 1)}`)
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
      .values({ key, requestHash, state: 'in_flight', lockedAt: now, instanceId: instance?.id ?? null, expiresAt: new Date(now.getTime() + TTL_MS) })
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
    if (now.getTime() - row.lockedAt.getTime() < STALE_MS && !(await abandoned(db, row))) {
      throw new DomainError('CONFLICT', '相同的请求正在处理中，请稍候', { key });
    }
    const taken = await db
      .update(idempotencyKeys)
      .set({ lockedAt: now, instanceId: instance?.id ?? null })
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
