import { randomBytes } from 'node:crypto';
import { type Database, openPglite, openPostgres } from '@hotline/db';
import pg from 'pg';
import { seedReferenceData } from '../../api/src/seed/seed.ts';

export type Engine = 'pglite' | 'postgres';
export const engine = (process.env.TEST_ENGINE ?? 'pglite') as Engine;

export interface TestDatabase extends Database {
  /** A connection URL for child processes (PostgreSQL only). */
  url: string | null;
}

/** PostgreSQL URL of the same server with another database name. */
function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * A fresh, migrated database with 示范市's reference data, owned by one test
 * file: an in-memory PGlite, or a new database on the PostgreSQL server that
 * TEST_DATABASE_URL points to (dropped again on close).
 */
export async function openTestDatabase(options: { seed?: boolean } = {}): Promise<TestDatabase> {
  let database: Database;
  let url: string | null = null;
  let drop = async () => {};
  if (engine === 'postgres') {
    const adminUrl = process.env.TEST_DATABASE_URL;
    if (!adminUrl) throw new Error('TEST_ENGINE=postgres needs TEST_DATABASE_URL');
    const name = `hl_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    url = withDatabase(adminUrl, name);
    database = openPostgres({ url, poolSize: 8 });
    drop = async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  } else {
    database = await openPglite();
  }
  await database.migrate();
  if (options.seed !== false) await seedReferenceData(database.db);
  return {
    ...database,
    url,
    async close() {
      await database.close();
      await drop();
    },
  };
}

/** A bare server database for tests that manage their own (restart tests). */
export async function createEmptyPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const adminUrl = process.env.TEST_DATABASE_URL!;
  const name = `hl_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  return {
    url: withDatabase(adminUrl, name),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
