// npm run bench:abuse: normal traffic while a flood of oversized and malformed
// bodies arrives (issue 17, defect 1).
//
// Starts the system as `npm start` does (node api/src/main.ts, embedded PGlite
// and Meilisearch, in a temporary data directory) as a child process, so that
// its RSS is its own. Normal traffic is autocannon in worker threads (as
// tests/bench/* do): POST /api/answer and POST /api/tickets, each filing from
// an address and a phone number of its own. Phases: warm-up, quiet (normal
// traffic only), flood (normal traffic plus FLOOD_CONNECTIONS clients that
// keep streaming 20-100 MB bodies, chunked or with a Content-Length, and
// malformed ones: broken JSON, 5,000 nested arrays, NUL in text, binary
// garbage), then a pause. Loopback only, bounded in time (about 2 × BENCH_SECONDS
// plus the warm-up, 8 s and the start).
//
// Environment:
//   BENCH_SECONDS            seconds per measured phase (default 10)
//   BENCH_WARMUP_SECONDS     normal traffic before measuring (default 20)
//   BENCH_CONNECTIONS        autocannon connections per normal endpoint (default 4)
//   BENCH_FLOOD_CONNECTIONS  concurrent abusive clients (default 24)
//
// Targets: normal p99 during the flood within 2× quiet; RSS after the flood
// within 10% of the quiet RSS.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RequestLoadJob, type RequestLoadReport, runRequestLoad } from './request-load.ts';

const SECONDS = Number(process.env.BENCH_SECONDS || 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 4);
const FLOOD_CONNECTIONS = Number(process.env.BENCH_FLOOD_CONNECTIONS || 24);
// The server's RSS climbs for a while under new traffic (JIT, caches, PGlite's buffers): warm up past that.
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS || 20);
const root = new URL('../../', import.meta.url).pathname;
const MB = 1024 * 1024;

// ─── the system, as a child process ─────────────────────────────────────────

const dataDir = mkdtempSync(join(tmpdir(), 'hotline-bench-abuse-'));
let child: ChildProcess | undefined;

async function startSystem(): Promise<{ url: string; pid: number }> {
  const env = { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'error', JOBS: '0', DEMO: '0', TRUST_PROXY: '1', POW_BITS: '0' };
  child = spawn(process.execPath, [join(root, 'api/src/main.ts')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const started = Date.now();
  while (Date.now() - started < 180_000) {
    const url = output.match(/地址:\s+(http:\/\/\S+)/)?.[1];
    if (url) return { url, pid: child.pid! };
    if (child.exitCode !== null) throw new Error(`the system did not start:\n${output}`);
    await sleep(200);
  }
  throw new Error(`no URL within 180 s:\n${output}`);
}

async function stopSystem(): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child!.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(30_000)]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

process.once('SIGINT', () => {
  void stopSystem().finally(() => {
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(130);
  });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ─── RSS of the server process ──────────────────────────────────────────────

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(status.match(/VmRSS:\s+(\d+) kB/)?.[1] ?? 0) * 1024;
}

class RssSampler {
  samples: number[] = [];
  #timer: NodeJS.Timeout;
  constructor(pid: number) {
    this.#timer = setInterval(() => this.samples.push(rssOf(pid)), 100);
  }
  stop() {
    clearInterval(this.#timer);
    return this.samples;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const mb = (bytes: number) => `${(bytes / MB).toFixed(0)} MB`;

// ─── normal traffic ─────────────────────────────────────────────────────────

const QUESTIONS = ['家里停水了怎么办', '身份证丢了在外地能补吗', '小区路灯坏了找谁', '噪音扰民怎么投诉', '社保卡怎么补办', '公积金怎么提取'];
let filingNo = 0;

function filingRequests(count: number): RequestLoadJob['requests'] {
  return Array.from({ length: count }, () => {
    const n = ++filingNo;
    return {
      method: 'POST' as const,
      path: '/api/tickets',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` },
      body: JSON.stringify({
        type: 'complaint',
        category: 'utilities.water_outage',
        description: `和平路 ${(n % 200) + 1} 号小区从昨晚开始停水，至今没有来水。(#${n})`,
        location: { district: 'dongcheng', street: 'dongcheng_heping', address: `和平路 ${(n % 200) + 1} 号` },
        contact: { name: '张三', phone: `139${String(n).padStart(8, '0')}` },
        channel: 'web',
      }),
    };
  });
}

const answerRequests: RequestLoadJob['requests'] = QUESTIONS.map((question) => ({
  method: 'POST',
  path: '/api/answer',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ question, channel: 'web' }),
}));

async function normalTraffic(url: string, seconds: number) {
  const [answer, filing] = await Promise.all([
    runRequestLoad({ url, connections: CONNECTIONS, seconds, requests: answerRequests }),
    runRequestLoad({ url, connections: CONNECTIONS, seconds, requests: filingRequests(Math.max(2000, seconds * 400)) }),
  ]);
  return { answer, filing };
}

// ─── the flood ──────────────────────────────────────────────────────────────

interface FloodStats {
  requests: number;
  bytesSent: number;
  statuses: Record<string, number>;
  /** Connections that ended without an answer (the server closed them). */
  cut: number;
}

const FLOOD_PATHS = ['/api/answer', '/api/tickets', '/api/tickets/lookup', '/api/intake/draft', '/api/kb/feedback', '/webhooks/telegram', '/progress'];
const MALFORMED = [
  '{"question": "停水', // broken JSON
  `{"question":"x","channel":"web","deep":${'['.repeat(5000)}${']'.repeat(5000)}}`,
  JSON.stringify({ type: 'complaint', description: '停水\u0000停水', channel: 'web' }),
  JSON.stringify({ question: '\ud800', channel: 'web' }),
  Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131) % 256)).toString('latin1'),
];

/** One abusive request: a huge streamed body (chunked or declared) or a small malformed one. */
function abuse(url: string, i: number, stats: FloodStats, deadline: number): Promise<void> {
  const target = new URL(url);
  const path = FLOOD_PATHS[i % FLOOD_PATHS.length]!;
  const kind = i % 4; // 0, 1: huge chunked; 2: huge declared; 3: malformed
  const huge = kind < 3 ? (20 + (i % 5) * 20) * MB : 0;
  const body = kind === 3 ? MALFORMED[i % MALFORMED.length]! : undefined;
  const headers: Record<string, string> = {
    'content-type': path === '/progress' ? 'application/x-www-form-urlencoded' : 'application/json',
    'x-forwarded-for': `172.16.${(i >> 8) & 255}.${i & 255}`,
  };
  if (kind === 2) headers['content-length'] = String(huge);
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body, 'latin1'));
  return new Promise((resolve) => {
    stats.requests++;
    let answered = false;
    const req = httpRequest({ host: target.hostname, port: target.port, path, method: 'POST', headers, agent: false });
    const done = () => {
      req.destroy();
      resolve();
    };
    req.setTimeout(30_000, done);
    req.on('response', (res) => {
      answered = true;
      stats.statuses[res.statusCode ?? 0] = (stats.statuses[res.statusCode ?? 0] ?? 0) + 1;
      res.resume();
      res.on('end', done);
      res.on('error', done);
    });
    req.on('error', () => {
      if (!answered) stats.cut++;
      done();
    });
    req.on('close', () => resolve());
    if (body !== undefined) {
      stats.bytesSent += Buffer.byteLength(body, 'latin1');
      req.end(body, 'latin1');
      return;
    }
    const chunk = Buffer.alloc(256 * 1024, 'a');
    let sent = 0;
    const write = () => {
      while (!answered && !req.destroyed && sent < huge && Date.now() < deadline) {
        sent += chunk.length;
        stats.bytesSent += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', write);
          return;
        }
      }
      if (!answered && !req.destroyed) req.end();
    };
    write();
  });
}

async function flood(url: string, seconds: number): Promise<FloodStats> {
  const stats: FloodStats = { requests: 0, bytesSent: 0, statuses: {}, cut: 0 };
  const deadline = Date.now() + seconds * 1000;
  let next = 0;
  await Promise.all(
    Array.from({ length: FLOOD_CONNECTIONS }, async () => {
      while (Date.now() < deadline) await abuse(url, next++, stats, deadline);
    }),
  );
  return stats;
}

// ─── run ────────────────────────────────────────────────────────────────────

const line = (name: string, r: RequestLoadReport) =>
  `${name.padEnd(22)} p50 ${String(r.p50).padStart(5)} ms  p99 ${String(r.p99).padStart(5)} ms  ${Math.round(r.meanReqPerSec)} req/s  (2xx ${r.ok}, other ${r.non2xx}, errors ${r.errors})`;

try {
  const { url, pid } = await startSystem();
  console.log(`system at ${url} (pid ${pid}); ${SECONDS} s per phase, ${CONNECTIONS} connections per endpoint, ${FLOOD_CONNECTIONS} abusive clients`);
  await normalTraffic(url, WARMUP);

  const quietRss = new RssSampler(pid);
  const quiet = await normalTraffic(url, SECONDS);
  const quietSamples = quietRss.stop();
  // Where the quiet phase ended (its last 2 s): the RSS normal traffic alone holds.
  const rssQuiet = median(quietSamples.slice(-20));

  const floodRss = new RssSampler(pid);
  const [during, floodStats] = await Promise.all([normalTraffic(url, SECONDS), flood(url, SECONDS)]);
  const rssPeak = Math.max(...floodRss.stop());

  await sleep(5_000);
  const afterRss = new RssSampler(pid);
  await normalTraffic(url, 3);
  const rssAfter = median(afterRss.stop());

  const ratio = Math.max(during.answer.p99 / Math.max(1, quiet.answer.p99), during.filing.p99 / Math.max(1, quiet.filing.p99));
  const rssChange = (rssAfter - rssQuiet) / rssQuiet;
  console.log('');
  console.log(line('quiet  /api/answer', quiet.answer));
  console.log(line('quiet  /api/tickets', quiet.filing));
  console.log(line('flood  /api/answer', during.answer));
  console.log(line('flood  /api/tickets', during.filing));
  console.log(
    `flood: ${floodStats.requests} abusive requests, ${mb(floodStats.bytesSent)} written by the clients, answers ${JSON.stringify(floodStats.statuses)}, ${floodStats.cut} cut off by the server`,
  );
  console.log(`RSS trace: quiet ${mb(quietSamples[0] ?? 0)} → ${mb(quietSamples.at(-1) ?? 0)}`);
  console.log(`RSS: quiet ${mb(rssQuiet)}, peak during the flood ${mb(rssPeak)}, after ${mb(rssAfter)} (${(rssChange * 100).toFixed(1)}%)`);
  const p99ok = ratio <= 2;
  const rssOk = Math.abs(rssChange) <= 0.1;
  console.log(`targets: normal p99 during the flood ≤ 2× quiet: ${ratio.toFixed(2)}× ${p99ok ? 'ok' : 'MISSED'}; RSS after within 10% of quiet: ${rssOk ? 'ok' : 'MISSED'}`);
  process.exitCode = p99ok && rssOk ? 0 : 1;
} finally {
  await stopSystem();
  rmSync(dataDir, { recursive: true, force: true });
}
