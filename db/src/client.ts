import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import pg from 'pg';
import { lockDataDir } from './pglite-lock.ts';
import * as schema from './schema/index.ts';

export type Schema = typeof schema;
/** The one database type domain code sees, whichever engine is underneath. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Anything queries can run on: the database or an open transaction. */
export type Queryable = Db | Tx;

export type Engine = 'postgres' | 'pglite';

export interface Database {
  db: Db;
  engine: Engine;
  migrate(): Promise<void>;
  ping(): Promise<void>;
  /**
   * PostgreSQL only: holds session-level advisory lock (key1, key2) on a
   * connection of its own until released or the process dies, so other
   * processes can tell this one is alive (pg_locks). Re-taken if the
   * connection drops.
   */
  holdSessionLock?(key1: number, key2: number): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

const migrationsFolder = new URL('../migrations', import.meta.url).pathname;

// An arbitrary constant: every instance migrating PostgreSQL takes this lock,
// so instances starting together apply each migration once.
const MIGRATION_LOCK_KEY = 12345_0001;

export interface PostgresOptions {
  url: string;
  poolSize?: number;
}

export function openPostgres({ url, poolSize = 10 }: PostgresOptions): Database {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  pool.on('error', (error) => console.error(JSON.stringify({ level: 'error', msg: 'postgres pool error', error: error.message })));
  const db = drizzleNodePg({ client: pool, schema }) as unknown as Db;
  return {
    db,
    engine: 'postgres',
    async migrate() {
      const client = await pool.connect();
      try {
        await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
        try {
          await migrateNodePg(drizzleNodePg({ client, schema }), { migrationsFolder });
        } finally {
          await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
        }
      } finally {
        client.release();
      }
    },
    async ping() {
      await db.execute(sql`select 1`);
    },
    async holdSessionLock(key1, key2) {
      let client: pg.Client | null = null;
      let released = false;
      const connect = async (): Promise<void> => {
        const c = new pg.Client({ connectionString: url });
        c.on('error', () => {
          // The lock went with the connection: take it again on a new one.
          if (released) return;
          void c.end().catch(() => undefined);
          setTimeout(() => void connect().catch(() => undefined), 1_000).unref();
        });
        await c.connect();
        await c.query('select pg_advisory_lock($1, $2)', [key1, key2]);
        client = c;
      };
      await connect();
      return async () => {
        released = true;
        await client?.end().catch(() => undefined);
      };
    },
    async close() {
      await pool.end();
    },
  };
}

export interface PgliteOptions {
  /** Directory for local state; the database lives in `<dataDir>/pglite`. Omit for an in-memory database. */
  dataDir?: string;
  /** An already open PGlite instance (tests clone a migrated template). */
  client?: PGlite;
}

export async function openPglite({ dataDir, client }: PgliteOptions = {}): Promise<Database> {
  const release = dataDir ? lockDataDir(dataDir) : () => {};
  let pglite: PGlite;
  try {
    pglite = client ?? (dataDir ? await PGlite.create(join(dataDir, 'pglite')) : await PGlite.create());
  } catch (error) {
    release();
    throw error;
  }
  const db = drizzlePglite({ client: pglite, schema }) as unknown as Db;
  let closed = false;
  return {
    db,
    engine: 'pglite',
    async migrate() {
      await migratePglite(drizzlePglite({ client: pglite, schema }), { migrationsFolder });
    },
    async ping() {
      await db.execute(sql`select 1`);
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await pglite.close();
      } finally {
        release();
      }
    },
  };
}

export interface OpenDatabaseOptions {
  databaseUrl?: string | undefined;
  dataDir: string;
  poolSize?: number;
}

/** `DATABASE_URL` set → PostgreSQL; unset → embedded PGlite under `DATA_DIR/pglite`. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  if (options.databaseUrl) return openPostgres({ url: options.databaseUrl, poolSize: options.poolSize ?? 10 });
  return openPglite({ dataDir: options.dataDir });
}
