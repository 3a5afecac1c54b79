import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
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

export function hashQueryCode(code: string): string {
  return createHash('sha256').update(`hotline12345:query-code:${code}`).digest('hex');
}

export function queryCodeMatches(code: string, hash: string): boolean {
  const a = Buffer.from(hashQueryCode(code), 'hex');
  const b = Buffer.from(hash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
