import { type Db, rateLimitCounters } from '@hotline/db';
import { and, eq, lt, sql } from 'drizzle-orm';
import { DomainError } from '../errors.ts';

export interface RateLimit {
  /** Names the limit in keys and messages, e.g. `lookup-miss`. */
  name: string;
  limit: number;
  windowMs: number;
}

/**
 * Fixed-window counters in the database, so a limit holds across all API
 * instances. Used for things that should be rare (failed lookups, logins,
 * filings per phone), not for every request.
 */
export class RateLimiter {
  readonly #db: Db;
  readonly #now: () => Date;

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

  /** Drops windows that ended more than a day ago. */
  async purge(): Promise<void> {
    await this.#db.delete(rateLimitCounters).where(lt(rateLimitCounters.windowStart, new Date(this.#now().getTime() - 24 * 3600_000)));
  }
}

export const LIMITS = {
  /** Wrong ticket number or query code, per client address. */
  lookupMissPerClient: { name: 'lookup-miss-client', limit: 10, windowMs: 15 * 60_000 },
  /** Wrong query codes for one ticket number, from anywhere (stops distributed guessing). */
  lookupMissPerTicket: { name: 'lookup-miss-ticket', limit: 10, windowMs: 60 * 60_000 },
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
