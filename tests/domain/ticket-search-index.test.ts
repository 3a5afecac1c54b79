import { tickets } from '@hotline/db';
import { and, count, ilike, or, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TICKET_SEARCH_TEXT } from '../../api/src/domain/tickets/queue.ts';
import { seedVolume } from '../../api/src/seed/volume.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';

// Free-text search narrows by the bigram index (migration 0011) before ilike
// checks the words: the narrowing must never lose a ticket, and the query's
// expression must be the index's, or the search scans the whole table.

let database: TestDatabase;
beforeAll(async () => {
  database = await openTestDatabase();
  await seedVolume(database.db, { tickets: 300, days: 60, now: new Date('2026-11-20T10:00:00+08:00'), seed: 11 });
});
afterAll(() => database.close());

const rowsOf = (result: unknown) => (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Record<string, unknown>[];

it('finds exactly the tickets ilike finds, for words from titles, descriptions and addresses', async () => {
  const sample = await database.db.select({ title: tickets.title, description: tickets.description, address: tickets.address }).from(tickets).limit(40);
  const words = new Set<string>(['路灯', '人民路', '噪音扰民', '锦绣家园3栋', '不存在的词语']);
  for (const t of sample) {
    words.add([...t.title].slice(2, 5).join(''));
    words.add([...t.description].slice(6, 8).join(''));
    if (t.address) words.add([...t.address].slice(0, 4).join(''));
  }
  let found = 0;
  for (const word of words) {
    const pattern = `%${word}%`;
    const matches = or(ilike(tickets.title, pattern), ilike(tickets.description, pattern), ilike(tickets.address, pattern))!;
    const [plain] = await database.db.select({ n: count() }).from(tickets).where(matches);
    const [narrowed] = await database.db
      .select({ n: count() })
      .from(tickets)
      .where(and(sql`${TICKET_SEARCH_TEXT} @> hotline_bigrams(lower(${word}))`, matches));
    expect(Number(narrowed!.n), word).toBe(Number(plain!.n));
    found += Number(plain!.n);
  }
  expect(found).toBeGreaterThan(100);
});

it("splits text into its distinct two-character pieces", async () => {
  const [row] = rowsOf(await database.db.execute(sql`select hotline_bigrams('路灯不亮路灯') as b, hotline_bigrams('路') as one`));
  expect([...(row!.b as string[])].sort()).toEqual(['不亮', '亮路', '灯不', '路灯'].sort());
  expect(row!.one).toEqual([]);
});

it('uses tickets_search_bigrams_idx for the search expression', async () => {
  const plan = await database.db.transaction(async (tx) => {
    await tx.execute(sql`set local enable_seqscan = off`);
    return rowsOf(await tx.execute(sql`explain select id from ${tickets} where ${TICKET_SEARCH_TEXT} @> hotline_bigrams(lower(${'路灯'}))`));
  });
  expect(plan.map((r) => Object.values(r)[0]).join('\n')).toContain('tickets_search_bigrams_idx');
});
