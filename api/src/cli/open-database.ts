import { type Database, DataDirLockedError, openDatabase } from '@hotline/db';
import type { Config } from '../config.ts';

/** The CLIs' database, or a clear message and exit (the embedded one may be held by a running app). */
export async function openDatabaseOrExit(config: Config): Promise<Database> {
  try {
    return await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  } catch (error) {
    console.error(error instanceof DataDirLockedError ? error.message : `无法打开数据库：${(error as Error).message}`);
    process.exit(1);
  }
}
