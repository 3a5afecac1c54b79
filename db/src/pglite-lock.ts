import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError';
}

interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PGlite is a single-process database: two processes opening one directory
 * corrupt it. Take an exclusive lock file (created with O_EXCL) that names the
 * owner; a lock left by a process that is gone (crash, kill -9) is taken over.
 */
export function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'hotline.lock');
  const me: LockOwner = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        rmSync(path, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let owner: LockOwner | undefined;
      try {
        owner = JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
      } catch {
        owner = undefined; // half-written by a process that died at once: stale
      }
      if (owner && owner.host === me.host && isAlive(owner.pid)) {
        throw new DataDirLockedError(
          `数据目录 ${dir} 正被另一个进程使用 (pid ${owner.pid}，自 ${owner.startedAt} 起)。` +
            `内嵌数据库 PGlite 只能由一个进程打开：请先停止那个进程，或为本进程设置另一个 DATA_DIR，或设置 DATABASE_URL 使用 PostgreSQL。`,
        );
      }
      if (owner && owner.host !== me.host) {
        throw new DataDirLockedError(
          `数据目录 ${dir} 被主机 ${owner.host} 上的进程 ${owner.pid} 锁定。若确认该进程已不存在，请删除 ${path} 后重试。`,
        );
      }
      rmSync(path, { force: true });
    }
  }
  throw new DataDirLockedError(`无法锁定数据目录 ${dir}`);
}
