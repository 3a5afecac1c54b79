import { createHash, createHmac, createSecretKey, type KeyObject, randomInt, timingSafeEqual } from 'node:crypto';
import { type Db, ticketCounters } from '@hotline/db';
import { sql } from 'drizzle-orm';
import { localDayOf } from '../calendar/local-time.ts';

/** Numbers a process takes from the daily counter at a time. */
export const TICKET_NO_BLOCK = 10;

interface Block {
  day: string;
  next: number;
  end: number;
}

const blocks = new WeakMap<Db, { current?: Block; refill?: Promise<Block> }>();

async function reserveBlock(db: Db, day: string): Promise<Block> {
  const [row] = await db
    .insert(ticketCounters)
    .values({ day, last: TICKET_NO_BLOCK })
    .onConflictDoUpdate({ target: ticketCounters.day, set: { last: sql`${ticketCounters.last} + ${TICKET_NO_BLOCK}` } })
    .returning({ last: ticketCounters.last });
  return { day, next: row!.last - TICKET_NO_BLOCK + 1, end: row!.last };
}

/**
 * Ticket numbers are read aloud on the phone: the Beijing date and a daily
 * sequence, `YYYYMMDD` + at least four digits (202611210042). Each process
 * reserves the sequence in blocks of ten with one statement of its own,
 * outside the ticket's transaction: the counter row is locked for that
 * statement only and written once per ten tickets. So numbers are unique and
 * rise within a process; with several instances they interleave by blocks,
 * and numbers left in a block at shutdown (or by a failed creation) are
 * skipped, which is harmless.
 */
export async function allocateTicketNo(db: Db, now: Date): Promise<string> {
  const day = localDayOf(now).replaceAll('-', '');
  let state = blocks.get(db);
  if (!state) blocks.set(db, (state = {}));
  for (;;) {
    const block = state.current;
    if (block && block.day === day && block.next <= block.end) {
      return `${day}${String(block.next++).padStart(4, '0')}`;
    }
    // One refill at a time; concurrent callers wait for it and then take numbers from it.
    if (!state.refill) {
      const own = state;
      const refill = reserveBlock(db, day)
        .then((fresh) => (own.current = fresh))
        .finally(() => {
          if (own.refill === refill) own.refill = undefined;
        });
      own.refill = refill;
      await refill;
    } else {
      await state.refill.catch(() => undefined);
    }
  }
}

export const TICKET_NO_PATTERN = /^\d{12,14}$/;
export const QUERY_CODE_PATTERN = /^\d{8}$/;

/** Eight random digits: easy to type on a phone keypad, 10⁸ possibilities, and lookups are rate limited. */
export function generateQueryCode(): string {
  return String(randomInt(0, 100_000_000)).padStart(8, '0');
}

// Query codes are stored as HMAC-SHA-256 under a key kept outside the
// database (QUERY_CODE_KEY, or DATA_DIR/query-code.key: see
// security/query-code-key.ts), so a dump of the database alone cannot be
// searched for the 10⁸ possible codes. The stored value names its scheme:
// `h1$<hex>`; a bare 64-hex value is the legacy unkeyed SHA-256 of earlier
// versions, still accepted and replaced by `h1$` on the next correct lookup.
const KEYED_PREFIX = 'h1$';
// A KeyObject, made once: createHmac with a Buffer builds one on every call (a few % of a filing's CPU).
let queryCodeKey: KeyObject | null = null;

/** Installs the process's query-code key (at start, before any ticket is filed or looked up). */
export function useQueryCodeKey(key: Buffer): void {
  if (key.length < 32) throw new Error('query-code key must be at least 32 bytes');
  queryCodeKey = createSecretKey(key);
}

function keyedDigest(code: string): string {
  if (!queryCodeKey) throw new Error('query-code key not loaded (useQueryCodeKey)');
  return createHmac('sha256', queryCodeKey).update(`hotline12345:query-code:${code}`).digest('hex');
}

function legacyDigest(code: string): string {
  return createHash('sha256').update(`hotline12345:query-code:${code}`).digest('hex');
}

export function hashQueryCode(code: string): string {
  return `${KEYED_PREFIX}${keyedDigest(code)}`;
}

const sameHex = (a: string, b: string) => {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === 32 && x.length === y.length && timingSafeEqual(x, y);
};

/**
 * Whether `code` is the ticket's query code: `keyed` for a current hash,
 * `legacy` for a match against an old unkeyed hash (the caller upgrades it),
 * `false` otherwise. Constant-time in the digest.
 */
export function matchQueryCode(code: string, stored: string): 'keyed' | 'legacy' | false {
  if (stored.startsWith(KEYED_PREFIX)) return sameHex(keyedDigest(code), stored.slice(KEYED_PREFIX.length)) ? 'keyed' : false;
  return sameHex(legacyDigest(code), stored) ? 'legacy' : false;
}

export function queryCodeMatches(code: string, stored: string): boolean {
  return matchQueryCode(code, stored) !== false;
}
