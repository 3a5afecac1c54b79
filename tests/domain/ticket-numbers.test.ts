import { ticketCounters } from '@hotline/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { allocateTicketNo, TICKET_NO_BLOCK } from '../../api/src/domain/tickets/numbers.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await openTestDatabase({ seed: false });
});
afterAll(() => database.close());

it('hands out unique, consecutive numbers to concurrent callers, reserving them in blocks', async () => {
  const now = new Date('2026-11-23T10:00:00+08:00');
  const numbers = await Promise.all(Array.from({ length: 25 }, () => allocateTicketNo(database.db, now)));
  expect(new Set(numbers).size).toBe(25);
  expect(numbers.sort()).toEqual(Array.from({ length: 25 }, (_, i) => `20261123${String(i + 1).padStart(4, '0')}`));
  const [counter] = await database.db.select().from(ticketCounters).where(eq(ticketCounters.day, '20261123'));
  // Three blocks of ten were taken for 25 numbers.
  expect(counter!.last).toBe(3 * TICKET_NO_BLOCK);
});

it('starts again at 1 on a new Beijing day, even in the middle of a block', async () => {
  expect(await allocateTicketNo(database.db, new Date('2026-11-23T23:59:59+08:00'))).toBe('202611230026');
  expect(await allocateTicketNo(database.db, new Date('2026-11-24T00:00:01+08:00'))).toBe('202611240001');
});
