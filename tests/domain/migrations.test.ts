import { readdirSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { seedReferenceData } from '../../api/src/seed/seed.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await openTestDatabase({ seed: false });
});
afterAll(() => database.close());

const rows = async <T>(query: ReturnType<typeof sql>) => ((await database.db.execute(query)) as unknown as { rows: T[] }).rows;

it('applies every committed migration once; a second run changes nothing', async () => {
  const files = readdirSync(new URL('../../db/migrations', import.meta.url)).filter((f) => f.endsWith('.sql'));
  const applied = await rows<{ n: number }>(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
  expect(Number(applied[0]!.n)).toBe(files.length);
  await database.migrate();
  const again = await rows<{ n: number }>(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
  expect(Number(again[0]!.n)).toBe(files.length);
  const tables = await rows<{ table_name: string }>(sql`select table_name from information_schema.tables where table_schema = 'public' order by 1`);
  expect(tables.map((t) => t.table_name)).toEqual(
    expect.arrayContaining([
      'tickets', 'ticket_events', 'attachments', 'categories', 'districts', 'streets', 'units', 'routing_rules',
      'staff_accounts', 'staff_sessions', 'calendar_overrides', 'idempotency_keys', 'outbox', 'settings',
    ]),
  );
});

it('seeds 示范市 on an empty database only', async () => {
  expect(await seedReferenceData(database.db)).toBe(true);
  expect(await seedReferenceData(database.db)).toBe(false);
  const [counts] = await rows<Record<string, number>>(sql`
    select (select count(*)::int from districts) as districts,
           (select count(*)::int from streets) as streets,
           (select count(*)::int from categories where parent_code is null) as first_level,
           (select count(*)::int from categories where parent_code is not null) as second_level,
           (select count(*)::int from units) as units,
           (select count(distinct category_code)::int from routing_rules where subcategory_code is null and district_code is null) as covered`);
  expect(Number(counts!.districts)).toBeGreaterThanOrEqual(4);
  expect(Number(counts!.first_level)).toBe(16);
  expect(Number(counts!.second_level)).toBeGreaterThan(60);
  expect(Number(counts!.units)).toBeGreaterThanOrEqual(20);
  // Every first-level category has a category-wide routing rule.
  expect(Number(counts!.covered)).toBe(16);
});

it('keeps the event log append-only: updates and deletes are refused by the database', async () => {
  await database.db.execute(sql`insert into tickets (id, ticket_no, query_code_hash, type, title, description, channel, status)
    values ('t-append-only', '202611230999', 'x', 'complaint', '测试', '测试事件日志只增不改', 'web', 'submitted')`);
  await database.db.execute(sql`insert into ticket_events (ticket_id, action, to_status, actor_kind, public)
    values ('t-append-only', 'submit', 'submitted', 'citizen', true)`);
  await expect(database.db.execute(sql`update ticket_events set note = 'rewritten' where ticket_id = 't-append-only'`)).rejects.toThrow(/append-only/);
  await expect(database.db.execute(sql`delete from ticket_events where ticket_id = 't-append-only'`)).rejects.toThrow(/append-only/);
  const left = await rows<{ note: string | null }>(sql`select note from ticket_events where ticket_id = 't-append-only'`);
  expect(left).toEqual([{ note: null }]);
});
