import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';

// The README's "Try it" commands, run as printed against a fresh `npm start`
// on the embedded defaults, so that they cannot drift from what the system does.

const root = new URL('../../', import.meta.url).pathname;
const TIMEOUT = 240_000;

function tryItBlock(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Try it'));
  const start = section.indexOf('```sh\n');
  const end = section.indexOf('```', start + 6);
  if (start < 0 || end < 0) throw new Error('README: no sh block under "## Try it"');
  return section.slice(start + 6, end);
}

let dir: string;
let server: ChildProcess | undefined;
let url = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hotline-try-it-'));
  // Its own process group, so that cleanup takes its Meilisearch too.
  server = spawn(process.execPath, [join(root, 'api/src/main.ts')], {
    cwd: root,
    env: { ...process.env, DATA_DIR: join(dir, 'data'), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL within ${TIMEOUT / 1000} s:\n${output}`)), TIMEOUT - 10_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const found = output.match(/地址:\s+(http:\/\/\S+)/)?.[1];
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    };
    server!.stdout!.on('data', onData);
    server!.stderr!.on('data', onData);
    server!.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
}, TIMEOUT);

afterAll(async () => {
  if (server?.pid && server.exitCode === null) {
    const exited = new Promise((resolve) => server!.once('exit', resolve));
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
    try {
      process.kill(-server.pid, 'SIGKILL');
    } catch {
      // stopped cleanly
    }
  }
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

it(
  'runs the README walkthrough as printed: a ticket filed with curl goes from 待受理 to 已办结',
  async () => {
    // The only change: the server's address (the README assumes the default port), and the
    // data directory's place (the README runs in the project folder, whose data/ is DATA_DIR).
    const script = tryItBlock().replace(/^B=.*$/m, `B=${url}`);
    const run = spawn('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: dir,
      env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    run.stdout.on('data', (c: Buffer) => (out += c.toString()));
    run.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const code = await new Promise<number | null>((resolve) => run.once('exit', resolve));
    expect(code, out).toBe(0);
    const lines = out.trim().split('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({ status: 'submitted', ticketNo: expect.stringMatching(/^\d{12}$/) });
    expect(lines.slice(1)).toEqual(['已受理', '已派单', '办理中', '办理中', '已答复', '已答复', '已办结']);
  },
  TIMEOUT,
);
