import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  killStarted,
  meiliProcessesOf,
  processGroup,
  SYSTEM_TEST_TIMEOUT,
  startSystem,
  startWithNpm,
  stopSystem,
} from './start-helpers.ts';

// A supervisor (systemd, a container runtime, pm2) runs `npm start` and
// signals the npm process only. PGlite only: the lock is what a leftover
// process would hold.
let dataDir: string;
const env = () => ({ DATA_DIR: dataDir, DATABASE_URL: '' });

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'hotline-supervisor-'));
});
afterEach(killStarted);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Signals npm alone and says how long until nothing of the system is left. */
async function signalNpmAndWait(signal: NodeJS.Signals): Promise<number> {
  const npm = await startWithNpm(env());
  const group = npm.child.pid!;
  // npm, and the server it runs (the script execs node: no shell in between).
  expect(processGroup(group).length).toBeGreaterThanOrEqual(2);
  expect(meiliProcessesOf(dataDir)).toHaveLength(1);
  expect((await fetch(`${npm.url}/readyz`)).status).toBe(200);
  expect(existsSync(join(dataDir, 'hotline.lock'))).toBe(true);

  const sent = Date.now();
  process.kill(group, signal);
  const gone = await eventually(() => processGroup(group).length === 0 && meiliProcessesOf(dataDir).length === 0, 15_000);
  const took = Date.now() - sent;
  expect(gone, `left running ${took} ms after ${signal}: group ${processGroup(group).join(' ')}, meilisearch ${meiliProcessesOf(dataDir).join(' ')}`).toBe(true);
  await npm.exited;
  expect(existsSync(join(dataDir, 'hotline.lock'))).toBe(false);
  return took;
}

async function startsAgain(): Promise<void> {
  const again = await startSystem(env());
  expect((await fetch(`${again.url}/readyz`)).status).toBe(200);
  expect(meiliProcessesOf(dataDir)).toHaveLength(1);
  expect(await stopSystem(again)).toBe(0);
}

describe('npm start under a process supervisor', { timeout: SYSTEM_TEST_TIMEOUT }, () => {
  it('stops the whole system within seconds on SIGTERM to npm, and starts again on the same data', async () => {
    expect(await signalNpmAndWait('SIGTERM')).toBeLessThan(10_000);
    await startsAgain();
  });

  it('stops the whole system within seconds on SIGINT to npm', async () => {
    expect(await signalNpmAndWait('SIGINT')).toBeLessThan(10_000);
    await startsAgain();
  });

  it('stops the whole system when npm is killed with SIGKILL, which it cannot pass on', async () => {
    expect(await signalNpmAndWait('SIGKILL')).toBeLessThan(10_000);
    await startsAgain();
  });
});
