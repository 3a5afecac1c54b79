import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { meiliProcessesOn } from '@hotline/knowledge';

const root = new URL('../../', import.meta.url).pathname;

/**
 * Process-level tests start real processes: on a busy two-core machine a
 * start (PGlite, migrations, Meilisearch) can take a minute, so they get
 * this much per test instead of the suite's 30 s.
 */
export const SYSTEM_TEST_TIMEOUT = 240_000;

export interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** Exit code, or null when a signal ended it. */
  exited: Promise<number | null>;
}

interface Tracked {
  child: ChildProcess;
  exited: Promise<number | null>;
  dataDir: string | undefined;
}

// Every process a test starts, so that a failing test does not leave one
// holding its data directory for the next ("data directory in use").
const tracked = new Set<Tracked>();

function launch(
  command: string,
  args: string[],
  env: Record<string, string>,
  base: NodeJS.ProcessEnv = process.env,
): { child: ChildProcess; exited: Promise<number | null>; output: () => string } {
  const fullEnv: NodeJS.ProcessEnv = { ...base, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env };
  // Its own process group, as a supervisor starts a service: cleanup kills the group.
  const child = spawn(command, args, { cwd: root, env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const entry: Tracked = { child, exited, dataDir: fullEnv.DATA_DIR };
  tracked.add(entry);
  void exited.then(() => {
    // Its Meilisearch may outlive it by a moment; killStarted waits for that.
    if (!entry.dataDir) tracked.delete(entry);
  });
  return { child, exited, output: () => output };
}

function waitForUrl(started: ReturnType<typeof launch>, timeoutMs: number): Promise<Started> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL within ${timeoutMs / 1000} s:\n${started.output()}`)), timeoutMs);
    const check = () => {
      const url = started.output().match(/地址:\s+(http:\/\/\S+)/)?.[1];
      if (!url) return;
      clearTimeout(timer);
      started.child.stdout!.off('data', check);
      started.child.stderr!.off('data', check);
      resolve({ ...started, url });
    };
    started.child.stdout!.on('data', check);
    started.child.stderr!.on('data', check);
    void started.exited.then((code) => {
      clearTimeout(timer);
      reject(Object.assign(new Error(`exited with ${code}:\n${started.output()}`), { code, output: started.output() }));
    });
  });
}

/** Runs `node api/src/main.ts` as `npm start` does, and waits for the URL it prints. */
export function startSystem(env: Record<string, string>): Promise<Started> {
  return waitForUrl(launch(process.execPath, ['api/src/main.ts'], env), 120_000);
}

/**
 * Runs `npm start` itself (the system npm, with its prestart) as a supervisor
 * would: its own process group, and waits for the URL.
 */
export function startWithNpm(env: Record<string, string>): Promise<Started> {
  // A supervisor's environment, not that of the npx running the tests.
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
  return waitForUrl(launch('npm', ['start'], env, base), 180_000);
}

/** SIGTERM, then the exit code (-1 when it hung: exitWithin). */
export async function stopSystem(started: Started, ms = 90_000): Promise<number | null> {
  started.child.kill('SIGTERM');
  return exitWithin(started, ms);
}

/**
 * The exit code; a process still there after `ms` is killed and reported as
 * -1, so that a hang fails its test with the process's output instead of
 * running into the test's own timeout unseen.
 */
async function exitWithin(started: { child: ChildProcess; exited: Promise<number | null> }, ms: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<number>((resolve) => {
    timer = setTimeout(() => {
      started.child.kill('SIGKILL');
      resolve(-1);
    }, ms);
  });
  try {
    return await Promise.race([started.exited, hung]);
  } finally {
    clearTimeout(timer);
  }
}

/** Pids in process group `pgid` (field 5 of /proc/<pid>/stat). */
export function processGroup(pgid: number): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state !== 'Z' && Number(pgrp) === pgid) pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** Meilisearch processes on DATA_DIR/meilisearch. */
export function meiliProcessesOf(dataDir: string): number[] {
  return meiliProcessesOn(join(dataDir, 'meilisearch', 'data.ms')).map((p) => p.pid);
}

/** Polls `condition` until it holds or `ms` pass; says whether it held. */
export async function eventually(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (condition()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // gone already
  }
}

/**
 * For afterEach: kills whatever the test started and left running (its
 * process group, and a Meilisearch on its data directory), and waits until
 * it is gone.
 */
export async function killStarted(): Promise<void> {
  for (const entry of tracked) {
    const pid = entry.child.pid;
    if (pid !== undefined && processGroup(pid).length > 0) {
      kill(-pid, 'SIGKILL');
      await eventually(() => processGroup(pid).length === 0, 10_000);
    }
    await entry.exited;
    if (entry.dataDir) {
      const dataDir = entry.dataDir;
      // The embedded Meilisearch dies with its parent; give it a moment, then make sure.
      if (!(await eventually(() => meiliProcessesOf(dataDir).length === 0, 10_000))) {
        for (const meili of meiliProcessesOf(dataDir)) kill(meili, 'SIGKILL');
        await eventually(() => meiliProcessesOf(dataDir).length === 0, 10_000);
      }
    }
    tracked.delete(entry);
  }
}

/** Runs `node api/src/cli/admin.ts` as `npm run admin --` does. */
export function runAdmin(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return runCli('api/src/cli/admin.ts', args, env);
}

/** Runs a CLI script of the api workspace with the test's environment; tracked like the server. */
export async function runCli(script: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const started = launch(process.execPath, [script, ...args], env);
  const code = await exitWithin(started, 180_000);
  return { code, output: started.output() };
}
