import { is, Param, Placeholder, type Query, SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Queryable } from '@hotline/db';

/**
 * A statement rendered to SQL once per shape and afterwards only given new
 * values. Drizzle renders a query by walking its whole tree on every call; for
 * the intake path's statement (a 30-column ticket insert, its event and its
 * outbox message) that walk cost more CPU than everything else the handler
 * does, so the ticket path keeps the rendered text and only encodes the new
 * values. Values still travel as bind parameters, never as SQL text.
 */
export interface CompiledStatement {
  /** The server-side name of the statement: PostgreSQL parses and plans it once per connection. */
  name: string;
  text: string;
  slots: { name: string; encode: (value: unknown) => unknown }[];
}

const dialect = new PgDialect();

/** Renders `statement`, whose every value must be a `sql.placeholder(name)` (or a column value set to one). */
export function compileStatement(statement: SQL): CompiledStatement {
  const { sql: text, params } = dialect.sqlToQuery(statement);
  const slots = params.map((p) => {
    if (is(p, Param) && is(p.value, Placeholder)) {
      const { encoder } = p;
      return { name: p.value.name, encode: (value: unknown) => (value === null || value === undefined ? null : encoder.mapToDriverValue(value)) };
    }
    if (is(p, Placeholder)) return { name: p.name, encode: (value: unknown) => value ?? null };
    throw new Error('compileStatement: every value of the statement must be a placeholder');
  });
  return { name: `hl_${++compiled}`, text, slots };
}

let compiled = 0;

/**
 * Runs the compiled statement with these values on `q`, as a named statement,
 * so PostgreSQL keeps its plan per connection (an unnamed statement of this
 * size is parsed and planned again on every filing). Rows as `execute` gives them.
 */
export async function runStatement(q: Queryable, compiledStatement: CompiledStatement, values: Record<string, unknown>): Promise<unknown[]> {
  const query = { sql: compiledStatement.text, params: compiledStatement.slots.map((slot) => slot.encode(values[slot.name])) };
  const result = (await q._.session.prepareQuery(query, undefined, compiledStatement.name, false).execute()) as unknown;
  return Array.isArray(result) ? result : (result as { rows: unknown[] }).rows;
}

/** An SQL already rendered: drizzle asks every SQL for its query (toQuery) before it runs it. */
class RenderedSQL extends SQL {
  readonly #query: Query;

  constructor(query: Query) {
    super([]);
    this.#query = query;
  }

  override toQuery(): Query {
    return this.#query;
  }
}

/** The compiled statement with these values, ready for `execute`. */
export function bindStatement(compiled: CompiledStatement, values: Record<string, unknown>): SQL {
  return new RenderedSQL({ sql: compiled.text, params: compiled.slots.map((slot) => slot.encode(values[slot.name])) });
}

/** Compiled statements by shape: build() runs once per key. */
export class StatementShapes {
  readonly #byShape = new Map<string, CompiledStatement>();

  get(shape: string, build: () => SQL): CompiledStatement {
    let compiled = this.#byShape.get(shape);
    if (!compiled) {
      compiled = compileStatement(build());
      this.#byShape.set(shape, compiled);
    }
    return compiled;
  }
}
