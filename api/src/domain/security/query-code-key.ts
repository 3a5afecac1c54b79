import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const QUERY_CODE_KEY_FILE = 'query-code.key';

/**
 * The key of the query-code HMAC. It must never be in the database: with
 * the key beside the hashes, a dump could be searched through all 10⁸ codes
 * in minutes. QUERY_CODE_KEY wins (the same value on every instance);
 * otherwise DATA_DIR/query-code.key, created on first start, readable by the
 * owner only. Losing the key makes every query code unusable (the hotline
 * can still look tickets up by number), so back it up apart from the database.
 */
export function loadQueryCodeKey(configured: string | undefined, dataDir: string): Buffer {
  if (configured) return Buffer.from(configured, 'utf8');
  const path = join(dataDir, QUERY_CODE_KEY_FILE);
  mkdirSync(dataDir, { recursive: true });
  try {
    // 'wx': two processes starting together never overwrite each other's key.
    writeFileSync(path, `${randomBytes(32).toString('base64url')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  const key = readFileSync(path, 'utf8').trim();
  if (key.length < 32) throw new Error(`${path} holds no usable key (at least 32 characters); restore it from a backup`);
  return Buffer.from(key, 'utf8');
}
