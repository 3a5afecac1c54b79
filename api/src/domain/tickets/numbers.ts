import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { type Db, ticketCounters } from '@hotline/db';
import { sql } from 'drizzle-orm';
import { localDayOf } from '../calendar/local-time.ts';

/**
 * Ticket numbers are read aloud on the phone: the Beijing date and a daily
 * sequence, `YYYYMMDD` + at least four digits (202611210042). The counter is
 * bumped in its own statement, outside the ticket's transaction, so the
 * counter row is locked for one statement only; a failed creation leaves a
 * gap, which is harmless.
 */
export async function allocateTicketNo(db: Db, now: Date): Promise<string> {
  const day = localDayOf(now).replaceAll('-', '');
  const [row] = await db
    .insert(ticketCounters)
    .values({ day, last: 1 })
    .onConflictDoUpdate({ target: ticketCounters.day, set: { last: sql`${ticketCounters.last} + 1` } })
    .returning({ last: ticketCounters.last });
  return `${day}${String(row!.last).padStart(4, '0')}`;
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
