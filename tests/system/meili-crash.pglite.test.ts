import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, masterKeyFor, meiliBinaryPath, startEmbeddedMeili } from '@hotline/knowledge';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually, killStarted, meiliProcessesOf, SYSTEM_TEST_TIMEOUT, startSystem, stopSystem } from './start-helpers.ts';

// The embedded Meilisearch must not outlive a crash of the server, and a
// start must never run a second one on the same index. PGlite only: the
// engine does not matter here.
let dataDir: string;
const env = () => ({ DATA_DIR: dataDir, DATABASE_URL: '' });

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'hotline-meili-crash-'));
});
afterEach(killStarted);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('the embedded Meilisearch and crashes', { timeout: SYSTEM_TEST_TIMEOUT }, () => {
  it('dies with the server on kill -9, and the next start runs exactly one', async () => {
    const first = await startSystem(env());
    const [meili] = meiliProcessesOf(dataDir);
    expect(meili).toBeDefined();
    first.child.kill('SIGKILL');
    await first.exited;
    expect(await eventually(() => meiliProcessesOf(dataDir).length === 0, 5_000), `meilisearch ${meiliProcessesOf(dataDir).join(' ')} outlived the server`).toBe(true);

    const second = await startSystem(env());
    expect(meiliProcessesOf(dataDir)).toHaveLength(1);
    expect((await fetch(`${second.url}/readyz`)).status).toBe(200);
    expect(await stopSystem(second)).toBe(0);
    expect(meiliProcessesOf(dataDir)).toHaveLength(0);
  });

  it('stops a Meilisearch left on its data directory before starting its own', async () => {
    // What a crash leaves where setpriv is missing: a server on this index
    // that no running app owns.
    const meiliDir = join(dataDir, 'meilisearch');
    const leftover = spawn(
      meiliBinaryPath(),
      ['--db-path', join(meiliDir, 'data.ms'), '--http-addr', `127.0.0.1:${await freePort()}`, `--master-key=${masterKeyFor(meiliDir)}`, '--no-analytics'],
      { stdio: 'ignore', detached: true },
    );
    const leftoverExited = new Promise((resolve) => leftover.once('exit', resolve));
    expect(await eventually(() => meiliProcessesOf(dataDir).includes(leftover.pid!), 10_000)).toBe(true);

    const started = await startSystem(env());
    try {
      await leftoverExited;
      expect(started.output()).toContain('meilisearch leftover-stopped');
      const running = meiliProcessesOf(dataDir);
      expect(running).toHaveLength(1);
      expect(running).not.toContain(leftover.pid);
      expect((await fetch(`${started.url}/readyz`)).status).toBe(200);
    } finally {
      expect(await stopSystem(started)).toBe(0);
    }
  });

  it('refuses to start a second Meilisearch on an index that a running process serves', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotline-meili-shared-'));
    const first = await startEmbeddedMeili({ dir, supervise: false });
    try {
      await expect(startEmbeddedMeili({ dir, supervise: false })).rejects.toThrow('one search server per data directory');
      expect((await fetch(`${first.url}/health`)).status).toBe(200);
    } finally {
      await first.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
