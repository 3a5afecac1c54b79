import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { killStarted, runAdmin, SYSTEM_TEST_TIMEOUT, startSystem, stopSystem } from './start-helpers.ts';

// PGlite only: one process per data directory.
const dataDir = mkdtempSync(join(tmpdir(), 'hotline-lock-'));
const env = { DATA_DIR: dataDir, DATABASE_URL: '' };
afterEach(killStarted);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('the embedded database lock', { timeout: SYSTEM_TEST_TIMEOUT }, () => {
  it('refuses a second process on the same data directory, clearly, and frees it on exit', async () => {
    const first = await startSystem(env);
    try {
      const error = await startSystem(env).then(
        () => undefined,
        (e: { code: number; output: string }) => e,
      );
      expect(error?.code).toBe(1);
      expect(error?.output).toContain('正被另一个进程使用');
      const cli = await runAdmin(['list-units'], env);
      expect(cli.code).toBe(1);
      expect(cli.output).toContain('正被另一个进程使用');
      // The first one is unharmed.
      expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
    } finally {
      expect(await stopSystem(first), first.output()).toBe(0);
    }
    const afterStop = await runAdmin(['list-units'], env);
    expect(afterStop.code).toBe(0);
    expect(afterStop.output).toContain('util_water');
  });

  it('takes over a lock left by a process that died', async () => {
    const first = await startSystem(env);
    first.child.kill('SIGKILL');
    await first.exited;
    const second = await startSystem(env);
    expect((await fetch(`${second.url}/readyz`)).status).toBe(200);
    expect(await stopSystem(second)).toBe(0);
  });
});
