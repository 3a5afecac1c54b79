import { type Db, type Queryable, rateLimitCounters } from '@hotline/db';
import { and, eq, gte, like, lt, type SQL, sql } from 'drizzle-orm';
import { runStatement, StatementShapes } from '../compiled-statement.ts';
import { DomainError } from '../errors.ts';

/** takeAll's upsert by number of keys: rendered once (see compiled-statement.ts). */
const takeStatements = new StatementShapes();

export interface RateLimit {
  /** Names the limit in keys and messages, e.g. `lookup-miss`. */
  name: string;
  limit: number;
  windowMs: number;
}

/** One use of a limit by a key (an address, a phone number, a chat account). */
export type RateLimitUse = readonly [limit: RateLimit, key: string];

/** A counter row after the upsert. */
export interface TakenRow {
  key: string;
  count: number | string;
}

/** One use of each of some limits, to be counted by an upsert and then settled (RateLimiter.prepareTake). */
export interface PreparedTake {
  /** How many counters the upsert writes (its shape). */
  size: number;
  /** `insert … on conflict … returning key, count`, its values placeholders named prefix + key0, start0, … */
  upsert(q: Pick<Db, 'insert'>, prefix: string): SQL;
  values(prefix: string): Record<string, unknown>;
  /** Throws RATE_LIMITED if a counter went over its limit (the caller's transaction then takes the uses back). */
  settle(rows: readonly TakenRow[]): void;
}

/**
 * Fixed-window counters in the database, so a limit holds across all API
 * instances. Used for things that should be rare (failed lookups, logins,
 * filings per phone), not for every request.
 */
export class RateLimiter {
  readonly #db: Db;
  readonly #now: () => Date;
  /**
   * Keys found at their limit by takeAll, with the end of that window: a
   * count taken with takeAll only rises within its window, so further
   * attempts can be refused without a round trip (assertNotSpent).
   */
  readonly #spent = new Map<string, number>();

  constructor(db: Db, now: () => Date = () => new Date()) {
    this.#db = db;
    this.#now = now;
  }

  #window(limit: RateLimit) {
    const now = this.#now().getTime();
    const start = Math.floor(now / limit.windowMs) * limit.windowMs;
    return { start: new Date(start), retryAfterSeconds: Math.max(1, Math.ceil((start + limit.windowMs - now) / 1000)) };
  }

  async count(limit: RateLimit, key: string): Promise<number> {
    const { start } = this.#window(limit);
    const [row] = await this.#db
      .select({ count: rateLimitCounters.count })
      .from(rateLimitCounters)
      .where(and(eq(rateLimitCounters.key, `${limit.name}:${key}`), eq(rateLimitCounters.windowStart, start)));
    return row?.count ?? 0;
  }

  /** Throws RATE_LIMITED if `key` has used up `limit` in the current window. */
  async assertWithin(limit: RateLimit, key: string, message: string): Promise<void> {
    if ((await this.count(limit, key)) >= limit.limit) {
      const { retryAfterSeconds } = this.#window(limit);
      throw new DomainError('RATE_LIMITED', message, { retryAfterSeconds });
    }
  }

  /**
   * Counts one use of every limit in one statement on `q`, which should be the
   * transaction of the work it counts: a refusal, or a failure later in that
   * transaction, takes the uses back with it, and as the counter rows stay
   * locked until commit, of concurrent callers at most `limit.limit` get
   * through. Throws RATE_LIMITED if any key goes over its limit. Rows are
   * written in key order, so two transactions never wait for each other in a
   * cycle.
   */
  async takeAll(q: Queryable, uses: readonly RateLimitUse[], message: string): Promise<void> {
    const take = this.prepareTake(uses, message);
    if (!take) return;
    const statement = takeStatements.get(String(take.size), () => take.upsert(q, ''));
    take.settle((await runStatement(q, statement, take.values(''))) as TakenRow[]);
  }

  /**
   * takeAll's work for a caller that runs the upsert inside a statement of its
   * own (the filing statement: one round trip fewer on the intake path).
   * Null when there is nothing to count.
   */
  prepareTake(uses: readonly RateLimitUse[], message: string): PreparedTake | null {
    if (uses.length === 0) return null;
    const windows = new Map(uses.map(([limit, key]) => [`${limit.name}:${key}`, { limit, ...this.#window(limit) }]));
    const keys = [...windows.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return {
      size: keys.length,
      upsert: (q, prefix) =>
        q
          .insert(rateLimitCounters)
          .values(
            keys.map((_, i) => ({ key: sql.placeholder(`${prefix}key${i}`), windowStart: sql.placeholder(`${prefix}start${i}`), count: sql`1` })) as unknown as (typeof rateLimitCounters.$inferInsert)[],
          )
          .onConflictDoUpdate({
            target: [rateLimitCounters.key, rateLimitCounters.windowStart],
            set: { count: sql`${rateLimitCounters.count} + 1` },
          })
          .returning({ key: rateLimitCounters.key, count: rateLimitCounters.count })
          .getSQL(),
      values: (prefix) => {
        const values: Record<string, unknown> = {};
        keys.forEach((key, i) => {
          values[`${prefix}key${i}`] = key;
          values[`${prefix}start${i}`] = windows.get(key)!.start;
        });
        return values;
      },
      settle: (rows) => {
        let retryAfterSeconds = 0;
        for (const row of rows) {
          const w = windows.get(row.key)!;
          if (Number(row.count) <= w.limit.limit) continue;
          retryAfterSeconds = Math.max(retryAfterSeconds, w.retryAfterSeconds);
          this.#remember(row.key, w.start.getTime() + w.limit.windowMs);
        }
        if (retryAfterSeconds > 0) throw new DomainError('RATE_LIMITED', message, { retryAfterSeconds });
      },
    };
  }

  /** Throws RATE_LIMITED, without asking the database, if takeAll has already found one of `uses` at its limit in this window. */
  assertNotSpent(uses: readonly RateLimitUse[], message: string): void {
    const now = this.#now().getTime();
    let retryAfterSeconds = 0;
    for (const [limit, key] of uses) {
      const name = `${limit.name}:${key}`;
      const end = this.#spent.get(name);
      if (end === undefined) continue;
      if (end <= now) this.#spent.delete(name);
      else retryAfterSeconds = Math.max(retryAfterSeconds, Math.ceil((end - now) / 1000));
    }
    if (retryAfterSeconds > 0) throw new DomainError('RATE_LIMITED', message, { retryAfterSeconds });
  }

  #remember(name: string, windowEnd: number): void {
    // Bounded: past windows go first, then the oldest entries (forgetting one only costs a round trip).
    if (this.#spent.size >= 10_000) {
      const now = this.#now().getTime();
      for (const [k, end] of this.#spent) if (end <= now) this.#spent.delete(k);
      for (const k of this.#spent.keys()) {
        if (this.#spent.size < 10_000) break;
        this.#spent.delete(k);
      }
    }
    this.#spent.set(name, windowEnd);
  }

  async hit(limit: RateLimit, key: string): Promise<number> {
    const { start } = this.#window(limit);
    const [row] = await this.#db
      .insert(rateLimitCounters)
      .values({ key: `${limit.name}:${key}`, windowStart: start, count: 1 })
      .onConflictDoUpdate({
        target: [rateLimitCounters.key, rateLimitCounters.windowStart],
        set: { count: sql`${rateLimitCounters.count} + 1` },
      })
      .returning({ count: rateLimitCounters.count });
    return row!.count;
  }

  /**
   * Takes one use of `limit` before the work it guards, atomically: of any
   * number of concurrent callers at most `limit.limit` get through (a check
   * then a later hit would let all of them pass). `release` gives it back.
   */
  async reserve(limit: RateLimit, key: string, message: string): Promise<void> {
    if ((await this.hit(limit, key)) > limit.limit) {
      const { retryAfterSeconds } = this.#window(limit);
      throw new DomainError('RATE_LIMITED', message, { retryAfterSeconds });
    }
  }

  async release(limit: RateLimit, key: string): Promise<void> {
    const { start } = this.#window(limit);
    await this.#db
      .update(rateLimitCounters)
      .set({ count: sql`greatest(${rateLimitCounters.count} - 1, 0)` })
      .where(and(eq(rateLimitCounters.key, `${limit.name}:${key}`), eq(rateLimitCounters.windowStart, start)));
  }

  /** Keys (without the limit's name) that reached `limit` in the current window, with their counts. */
  async reached(limit: RateLimit): Promise<{ key: string; count: number }[]> {
    const { start } = this.#window(limit);
    const prefix = `${limit.name}:`;
    const rows = await this.#db
      .select({ key: rateLimitCounters.key, count: rateLimitCounters.count })
      .from(rateLimitCounters)
      .where(and(like(rateLimitCounters.key, `${prefix}%`), eq(rateLimitCounters.windowStart, start), gte(rateLimitCounters.count, limit.limit)));
    return rows.map((r) => ({ key: r.key.slice(prefix.length), count: r.count }));
  }

  /** Drops windows that ended more than a day ago. */
  async purge(): Promise<void> {
    await this.#db.delete(rateLimitCounters).where(lt(rateLimitCounters.windowStart, new Date(this.#now().getTime() - 24 * 3600_000)));
  }
}

export const LIMITS = {
  /** Wrong ticket number or query code, per client address. */
  lookupMissPerClient: { name: 'lookup-miss-client', limit: 10, windowMs: 15 * 60_000 },
  /**
   * Wrong query codes for one ticket number, from anywhere. Never blocks (strangers would lock the
   * owner out): it sets the proof of work each further attempt on the ticket needs (lookupPowBits).
   */
  lookupMissPerTicket: { name: 'lookup-miss-ticket', limit: 20, windowMs: 60 * 60_000 },
  /** Wrong query codes for one ticket from one address, per day: the hard cap on guessing one ticket. */
  lookupMissPerTicketClient: { name: 'lookup-miss-ticket-client', limit: 10, windowMs: 24 * 60 * 60_000 },
  /** An address that proved the code with work on a targeted ticket goes on without more work for the hour. */
  lookupPassedPerTicketClient: { name: 'lookup-pass-ticket-client', limit: 1, windowMs: 60 * 60_000 },
  loginFailurePerClient: { name: 'login-fail-client', limit: 20, windowMs: 15 * 60_000 },
  /** New tickets from one address (the portal passes the citizen's), per hour. */
  filingPerClient: { name: 'file-client', limit: 20, windowMs: 60 * 60_000 },
  /** New tickets with one phone number, per day. */
  filingPerPhone: { name: 'file-phone', limit: 10, windowMs: 24 * 60 * 60_000 },
  /** Photos uploaded before filing, per address. */
  uploadPerClient: { name: 'upload-client', limit: 60, windowMs: 60 * 60_000 },
  /** Lookups (right or wrong) per address: a person checks a few tickets, not hundreds. */
  lookupPerClient: { name: 'lookup-client', limit: 60, windowMs: 15 * 60_000 },
  /** New tickets from one chat account, per day. */
  filingPerChatUser: { name: 'file-chat-user', limit: 30, windowMs: 24 * 60 * 60_000 },
} as const satisfies Record<string, RateLimit>;
