import { outbox, ticketEvents, tickets } from '@hotline/db';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { PgDialect } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { bindStatement, compileStatement, StatementShapes } from '../../../api/src/domain/compiled-statement.ts';

// The intake path runs its statement from text rendered once; what reaches the
// driver must be exactly what drizzle would have rendered from the values.
const db = drizzle.mock();
const dialect = new PgDialect();
const at = new Date('2026-12-04T08:00:00.000Z');
const ticket = {
  id: '019aea3c-0000-7000-8000-000000000001',
  ticketNo: '202612040001',
  queryCodeHash: 'h1$abc',
  type: 'complaint',
  categoryCode: 'utilities',
  subcategoryCode: 'utilities.water_outage',
  title: '停水',
  description: '和平路 1 号小区从昨晚开始停水；$1 不是参数',
  lat: null,
  anonymous: false,
  channel: 'web',
  urgency: 'normal',
  acceptDueAt: at,
  createdAt: at,
  updatedAt: at,
  status: 'submitted',
  version: 1,
} as const;
const event = { ticketId: ticket.id, action: 'submit', fromStatus: null, toStatus: 'submitted', actorKind: 'citizen', actorName: '诉求人', public: true, data: { channel: 'web', note: "it's" }, createdAt: at } as const;

const statement = (t: Record<string, unknown>, e: Record<string, unknown>, payload: unknown, createdAt: unknown) =>
  sql`with ${sql.join(
    [
      sql`t as (${db.insert(tickets).values(t as typeof tickets.$inferInsert).getSQL()})`,
      sql`e as (${db.insert(ticketEvents).values(e as typeof ticketEvents.$inferInsert).returning({ id: ticketEvents.id }).getSQL()})`,
      sql`o as (insert into ${outbox} (topic, payload, created_at) select 'ticket.public_event', ${payload}::jsonb, ${createdAt}::timestamptz from e)`,
    ],
    sql`, `,
  )} select id from e`;
const placeholders = (prefix: string, o: object) => Object.fromEntries(Object.keys(o).map((k) => [k, sql.placeholder(prefix + k)]));

describe('compiled statements', () => {
  it('send the text and the encoded values drizzle renders from the same values', () => {
    const direct = dialect.sqlToQuery(statement(ticket, event, '{"a":1}', at.toISOString()));
    const compiled = compileStatement(statement(placeholders('t.', ticket), placeholders('e.', event), sql.placeholder('p'), sql.placeholder('c')));
    const values: Record<string, unknown> = { p: '{"a":1}', c: at.toISOString() };
    for (const [k, v] of Object.entries(ticket)) values[`t.${k}`] = v;
    for (const [k, v] of Object.entries(event)) values[`e.${k}`] = v;
    const bound = dialect.sqlToQuery(bindStatement(compiled, values));
    expect(bound.sql).toBe(direct.sql);
    expect(bound.params).toEqual(direct.params);
    // Dates and JSON are encoded as their columns encode them; text stays a parameter, never SQL.
    expect(bound.params).toContain(at.toISOString());
    expect(bound.params).toContain(JSON.stringify(event.data));
    expect(bound.sql).not.toContain('和平路');
  });

  it('refuses a statement with a value that is not a placeholder, and builds each shape once', () => {
    expect(() => compileStatement(sql`select ${1}`)).toThrow(/placeholder/);
    const shapes = new StatementShapes();
    let builds = 0;
    const build = () => {
      builds++;
      return sql`select ${sql.placeholder('x')}`;
    };
    const first = shapes.get('one', build);
    expect(shapes.get('one', build)).toBe(first);
    shapes.get('two', build);
    expect(builds).toBe(2);
    expect(dialect.sqlToQuery(bindStatement(first, { x: null })).params).toEqual([null]);
  });
});
