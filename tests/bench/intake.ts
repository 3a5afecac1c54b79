// npm run bench:intake: intake throughput and latency of POST /api/tickets.
//
// For each engine (embedded PGlite; PostgreSQL when reachable) it starts the
// real system with start(config) and, beside it, a "bare handler": a minimal
// Hono app that writes the same rows with drizzle but skips the domain layer
// (no zod, no calendar, no catalog). Both get the same autocannon load (run in
// a worker thread, so the load generator does not share the server's event
// loop), and afterwards every 2xx answer is matched to its ticket row.
//
// Environment:
//   BENCH_SECONDS          measured seconds per round (default 10)
//   BENCH_ROUNDS           measured rounds per handler, api and bare in turns: api bare bare api … (default 2)
//   BENCH_WARMUP_SECONDS   unmeasured warm-up before each measurement (default 3)
//   BENCH_CONNECTIONS      concurrent clients (default 50)
//   BENCH_ENGINES          comma list: pglite,postgres (default both)
//   BENCH_DATABASE_URL / TEST_DATABASE_URL
//                          PostgreSQL server (default postgres://postgres@127.0.0.1:5432/postgres);
//                          fresh hl_bench_* databases are created there and dropped afterwards
//   BENCH_BARE_COUNTER     how the bare handler takes ticket numbers: 'block' (default: blocks of
//                          TICKET_NO_BLOCK by a statement of their own, as numbers.ts does), 'each'
//                          (one counter statement per ticket) or 'tx' (inside the ticket's transaction)
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { serve, type ServerType } from '@hono/node-server';
import { type Database, type Db, newId, openPglite, openPostgres, outbox, ticketCounters, ticketEvents, tickets } from '@hotline/db';
import { and, count, eq, gte, sql } from 'drizzle-orm';
import { Hono } from 'hono';
import pg from 'pg';
import { loadConfig } from '../../api/src/config.ts';
import { TICKET_NO_BLOCK } from '../../api/src/domain/tickets/numbers.ts';
import { seedReferenceData } from '../../api/src/seed/seed.ts';
import { start } from '../../api/src/server.ts';
import { type LoadJob, type LoadReport, markerOf } from './load.ts';

type EngineName = 'pglite' | 'postgres';
type HandlerName = 'api' | 'bare';

const SECONDS = positiveNumber('BENCH_SECONDS', 10);
// PGlite's WebAssembly needs a few seconds to tier up: with a 1 s warm-up its p99 still shows multi-second outliers.
const WARMUP = nonNegativeNumber('BENCH_WARMUP_SECONDS', 3);
/** Measured rounds per handler, taken in turns with the other handler. */
const ROUNDS = Math.ceil(positiveNumber('BENCH_ROUNDS', 2));
const CONNECTIONS = Math.ceil(positiveNumber('BENCH_CONNECTIONS', 50));
const ENGINES = (process.env.BENCH_ENGINES || 'pglite,postgres').split(',').map((s) => s.trim()) as EngineName[];
for (const e of ENGINES) if (e !== 'pglite' && e !== 'postgres') throw new Error(`BENCH_ENGINES: unknown engine "${e}" (pglite, postgres)`);
const BARE_COUNTER = (['tx', 'each'] as const).find((m) => m === process.env.BENCH_BARE_COUNTER) ?? 'block';
const PG_URL = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
/** Targets, checked on PostgreSQL. */
const TARGET_RATIO = 0.8;
const TARGET_P99_MS = 50;

function positiveNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return n;
}

function nonNegativeNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number ≥ 0, got "${raw}"`);
  return n;
}

// ─── clean-up, also on Ctrl-C ───────────────────────────────────────────────

const cleanups = new Set<() => Promise<void>>();

function onCleanup(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  const once = () => {
    cleanups.delete(once);
    done ??= fn();
    return done;
  };
  cleanups.add(once);
  return once;
}

async function cleanupAll(): Promise<void> {
  for (const fn of [...cleanups].reverse()) {
    await fn().catch((error: unknown) => console.error(`clean-up failed: ${errorText(error)}`));
  }
}

process.once('SIGINT', () => {
  console.error('\ninterrupted: cleaning up…');
  void cleanupAll().finally(() => process.exit(130));
});

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

// ─── load ───────────────────────────────────────────────────────────────────

function runLoad(job: LoadJob): Promise<LoadReport> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./load.ts', import.meta.url), { workerData: { kind: 'hotline-bench-load', job } });
    let settled = false;
    worker.once('message', (message: { report?: LoadReport; error?: string }) => {
      settled = true;
      void worker.terminate();
      if (message.report) resolve(message.report);
      else reject(new Error(`load generator failed: ${message.error}`));
    });
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`load generator exited with code ${code}`));
    });
  });
}

// ─── the bare handler ───────────────────────────────────────────────────────

interface BareBody {
  type: string;
  category: string;
  description: string;
  location: { district: string; street: string; address: string };
  contact: { name: string; phone: string };
  channel: 'web' | 'mailbox' | 'wechat' | 'telegram';
}

/** YYYYMMDD in Beijing time (UTC+8, no daylight saving). */
const beijingDay = (now: Date) => new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10).replaceAll('-', '');

/**
 * The rows the real create writes, straight from the parsed JSON: the counter
 * bump, then one transaction with the ticket, its event and the outbox entry.
 */
async function startBare(db: Db): Promise<{ url: string; close(): Promise<void> }> {
  const bump = async (q: Pick<Db, 'insert'>, day: string, by: number) => {
    const [row] = await q
      .insert(ticketCounters)
      .values({ day, last: by })
      .onConflictDoUpdate({ target: ticketCounters.day, set: { last: sql`${ticketCounters.last} + ${by}` } })
      .returning({ last: ticketCounters.last });
    return row!.last;
  };
  const bumpCounter = async (q: Pick<Db, 'insert'>, day: string) => `${day}${String(await bump(q, day, 1)).padStart(4, '0')}`;
  // The same amortisation as numbers.ts: one counter statement per block of numbers.
  let block = { day: '', next: 1, end: 0 };
  let refill: Promise<void> | undefined;
  const fromBlock = async (day: string): Promise<string> => {
    while (block.day !== day || block.next > block.end) {
      refill ??= bump(db, day, TICKET_NO_BLOCK).then((last) => {
        block = { day, next: last - TICKET_NO_BLOCK + 1, end: last };
        refill = undefined;
      });
      await refill;
    }
    return `${day}${String(block.next++).padStart(4, '0')}`;
  };

  const app = new Hono();
  app.post('/api/tickets', async (c) => {
    const body = await c.req.json<BareBody>();
    const now = new Date();
    const day = beijingDay(now);
    const queryCode = String(randomInt(0, 100_000_000)).padStart(8, '0');
    const queryCodeHash = createHash('sha256').update(`hotline12345:query-code:${queryCode}`).digest('hex');
    const acceptDueAt = new Date(now.getTime() + 30 * 60_000);
    const id = newId(now.getTime());
    const dot = body.category.indexOf('.');
    const categoryCode = dot < 0 ? body.category : body.category.slice(0, dot);
    const subcategoryCode = dot < 0 ? null : body.category;
    const title = body.description.split('。')[0]!.slice(0, 30);

    let ticketNo = BARE_COUNTER === 'block' ? await fromBlock(day) : BARE_COUNTER === 'each' ? await bumpCounter(db, day) : '';
    await db.transaction(async (tx) => {
      if (BARE_COUNTER === 'tx') ticketNo = await bumpCounter(tx, day);
      await tx.insert(tickets).values({
        id,
        ticketNo,
        queryCodeHash,
        type: 'complaint',
        categoryCode,
        subcategoryCode,
        title,
        description: body.description,
        districtCode: body.location.district,
        streetCode: body.location.street,
        address: body.location.address,
        citizenName: body.contact.name,
        citizenPhone: body.contact.phone,
        channel: body.channel,
        urgency: 'normal',
        status: 'submitted',
        version: 1,
        acceptDueAt,
        createdAt: now,
        updatedAt: now,
      });
      const [event] = await tx
        .insert(ticketEvents)
        .values({
          ticketId: id,
          action: 'submit',
          fromStatus: null,
          toStatus: 'submitted',
          actorKind: 'citizen',
          actorId: null,
          actorName: '诉求人',
          unitId: null,
          note: null,
          public: true,
          data: { channel: body.channel, acceptBasis: 'utility_outage' },
          createdAt: now,
        })
        .returning({ id: ticketEvents.id });
      await tx.insert(outbox).values({
        topic: 'ticket.public_event',
        payload: { ticketId: id, ticketNo, eventId: event!.id, action: 'submit', status: 'submitted', channel: body.channel, channelUserId: null },
        createdAt: now,
        availableAt: now,
      });
    });
    return c.json({ ticketNo, queryCode, status: 'submitted', dueAt: acceptDueAt.toISOString() }, 201);
  });
  app.onError((error, c) => c.json({ error: error.message }, 500));

  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}

// ─── measuring one handler ──────────────────────────────────────────────────

interface Row {
  engine: EngineName;
  handler: HandlerName;
  load: LoadReport;
  ticketsPerSecond: number;
  cpu: CpuFigures;
  check: string;
  checkOk: boolean;
}

// ─── CPU accounting (Linux /proc; figures are null where unavailable) ────────

interface CpuFigures {
  /** CPU of the server's thread (HTTP, handler, drizzle, driver; PGlite's WASM too) per ticket. */
  nodeMsPerTicket: number;
  /** CPU of the PostgreSQL backends serving the benchmark database per ticket. */
  pgMsPerTicket: number | null;
  /** CPU of the load generator (autocannon's thread) per ticket. */
  loadMsPerTicket: number;
  /** Share of all CPUs busy during the measurement (load generator and everything else included). */
  hostBusy: number | null;
  /** Share of all CPUs used outside this process and the benchmark database's backends (other programs, PostgreSQL's own helpers, the kernel). */
  elsewhere: number | null;
  /** Longest the server's event loop was blocked, ms. */
  maxStallMs: number;
}

/** Busy and total jiffies of the whole machine. */
async function hostJiffies(): Promise<{ busy: number; total: number } | null> {
  try {
    const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!;
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const total = v.reduce((a, b) => a + b, 0);
    const idle = (v[3] ?? 0) + (v[4] ?? 0); // idle + iowait
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

/** utime + stime of some processes, in ms (USER_HZ is 100 on Linux). */
async function processesCpuMs(pids: number[]): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    try {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(pid, (Number(fields[11]) + Number(fields[12])) * 10);
    } catch {
      // not on this machine, or gone
    }
  }
  return out;
}

/** Returns a function reading the PostgreSQL backends' CPU for one database, or null when the server is not local. */
function pgBackendCpu(admin: pg.Client, database: string): () => Promise<Map<number, number> | null> {
  return async () => {
    const { rows } = await admin.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [database]);
    const cpu = await processesCpuMs(rows.map((r) => r.pid));
    return cpu.size > 0 ? cpu : null;
  };
}

async function cpuWindow(backends: (() => Promise<Map<number, number> | null>) | null, run: () => Promise<LoadReport>) {
  const host0 = await hostJiffies();
  const pg0 = backends ? await backends() : null;
  const node0 = process.threadCpuUsage();
  const proc0 = process.cpuUsage();
  const stalls = monitorEventLoopDelay({ resolution: 10 });
  stalls.enable();
  const value = await run();
  stalls.disable();
  const node = process.threadCpuUsage(node0);
  const proc = process.cpuUsage(proc0);
  const host1 = await hostJiffies();
  const pg1 = backends ? await backends() : null;
  const n = Math.max(1, value.ok);
  let pgMs: number | null = null;
  // No backend at the start (the pool had let its idle connections go while the other handler ran): all of them are new.
  if (backends && pg1) {
    pgMs = 0;
    for (const [pid, ms] of pg1) pgMs += ms - (pg0?.get(pid) ?? 0);
  }
  const hostTotalMs = host0 && host1 ? ((host1.total - host0.total) * 10) : null;
  const hostBusyMs = host0 && host1 ? ((host1.busy - host0.busy) * 10) : null;
  const elsewhereMs = hostBusyMs === null ? null : hostBusyMs - (proc.user + proc.system) / 1000 - (pgMs ?? 0);
  const cpu: CpuFigures = {
    nodeMsPerTicket: (node.user + node.system) / 1000 / n,
    pgMsPerTicket: pgMs === null ? null : pgMs / n,
    loadMsPerTicket: value.cpuMs / n,
    hostBusy: hostBusyMs === null || !hostTotalMs ? null : hostBusyMs / hostTotalMs,
    elsewhere: elsewhereMs === null || !hostTotalMs ? null : Math.max(0, elsewhereMs) / hostTotalMs,
    maxStallMs: stalls.max / 1e6,
  };
  return { value, cpu };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The topic of the outbox message each filing writes (other topics, e.g. the knowledge base's at start, are not the run's). */
const TICKET_TOPIC = 'ticket.public_event';

/** Rows the run wrote: every ticket (there are no others: checked by marker), and events and ticket messages since it started. */
async function countRows(db: Db, since: Date) {
  const [t] = await db.select({ n: count() }).from(tickets);
  const [e] = await db.select({ n: count() }).from(ticketEvents).where(gte(ticketEvents.createdAt, since));
  const [o] = await db
    .select({ n: count() })
    .from(outbox)
    .where(and(eq(outbox.topic, TICKET_TOPIC), gte(outbox.createdAt, since)));
  return { tickets: Number(t!.n), events: Number(e!.n), outbox: Number(o!.n) };
}

/** Requests still in flight when autocannon stopped finish on the server afterwards: wait for the count to settle. */
async function settledCounts(db: Db, since: Date) {
  let last = await countRows(db, since);
  for (let stable = 0, i = 0; stable < 2 && i < 40; i++) {
    await sleep(250);
    const now = await countRows(db, since);
    stable = now.tickets === last.tickets ? stable + 1 : 0;
    last = now;
  }
  return last;
}

/**
 * Every 2xx answer must have created exactly one ticket. Requests cut off when
 * the clock stopped (sent, never answered) may or may not have one.
 */
async function verify(db: Db, since: Date, runs: LoadReport[]): Promise<{ text: string; ok: boolean }> {
  const counts = await settledCounts(db, since);
  const ok2xx = runs.reduce((s, r) => s + r.ok, 0);
  const cutOff = runs.reduce((s, r) => s + Math.max(0, r.sent - r.answered), 0);
  const answeredOk = new Set(runs.flatMap((r) => r.okMarkers));
  const seen = new Map<number, number>();
  let unmarked = 0;
  for (const { description } of await db.select({ description: tickets.description }).from(tickets)) {
    const m = markerOf(description);
    if (m === null) unmarked++;
    else seen.set(m, (seen.get(m) ?? 0) + 1);
  }
  const missing = [...answeredOk].filter((m) => !seen.has(m)).length;
  const duplicates = [...seen.values()].filter((n) => n > 1).length;
  const extra = [...seen.keys()].filter((m) => !answeredOk.has(m)).length;
  const problems: string[] = [];
  if (missing > 0) problems.push(`${missing} answered 2xx without a ticket`);
  if (duplicates > 0) problems.push(`${duplicates} requests stored twice`);
  if (unmarked > 0) problems.push(`${unmarked} tickets not from this run`);
  if (extra > cutOff) problems.push(`${extra} unanswered tickets but only ${cutOff} requests were cut off`);
  if (counts.events !== counts.tickets) problems.push(`${counts.events} events for ${counts.tickets} tickets`);
  if (counts.outbox !== counts.tickets) problems.push(`${counts.outbox} ${TICKET_TOPIC} outbox rows for ${counts.tickets} tickets`);
  const text =
    `count(*) from tickets = ${counts.tickets} = ${ok2xx} answered 2xx (warm-up included)` +
    (extra > 0 || cutOff > 0 ? ` + ${extra} of the ${cutOff} requests cut off when the clock stopped` : '') +
    `; ${counts.events} events, ${counts.outbox} ${TICKET_TOPIC} outbox rows since the run started` +
    (problems.length ? `  ✗ ${problems.join('; ')}` : '  ✓');
  return { text, ok: problems.length === 0 && counts.tickets === ok2xx + extra };
}

/** One handler under test: its server, database and the runs it has had. */
interface Target {
  engine: EngineName;
  handler: HandlerName;
  url: string;
  db: Db;
  backends: (() => Promise<Map<number, number> | null>) | null;
  /** Rows from before the first request (the knowledge base's outbox messages at start) are not the run's. */
  since: Date;
  nextMarker: number;
  runs: LoadReport[];
  measured: { load: LoadReport; cpu: CpuFigures }[];
}

function target(engine: EngineName, handler: HandlerName, url: string, db: Db, backends: Target['backends'] = null): Target {
  return { engine, handler, url, db, backends, since: new Date(), nextMarker: 0, runs: [], measured: [] };
}

async function warmUp(t: Target): Promise<void> {
  if (WARMUP <= 0) return;
  process.stdout.write(`  ${t.engine}/${t.handler}: warm-up ${WARMUP} s … `);
  const warm = await runLoad({ url: t.url, seconds: WARMUP, connections: CONNECTIONS, firstMarker: t.nextMarker });
  t.runs.push(warm);
  t.nextMarker = warm.nextMarker;
  console.log(`${warm.ok} tickets`);
}

const pct = (v: number | null) => (v === null ? '?' : `${Math.round(v * 100)} %`);

async function measureRound(t: Target, round: number): Promise<void> {
  process.stdout.write(`  ${t.engine}/${t.handler} round ${round}: measuring ${SECONDS} s … `);
  const { value: load, cpu } = await cpuWindow(t.backends, () => runLoad({ url: t.url, seconds: SECONDS, connections: CONNECTIONS, firstMarker: t.nextMarker }));
  t.runs.push(load);
  t.nextMarker = load.nextMarker;
  t.measured.push({ load, cpu });
  console.log(`${(load.ok / load.seconds).toFixed(1)} tickets/s`);
  console.log(
    `    latency p50 ${load.p50} / p90 ${load.p90} / p99 ${load.p99} / max ${load.max} ms; longest event-loop stall ${cpu.maxStallMs.toFixed(0)} ms; ` +
      `machine CPU ${pct(cpu.hostBusy)} busy (${pct(cpu.elsewhere)} outside this process and its PostgreSQL backends)`,
  );
}

/**
 * Both handlers run side by side and take turns, api bare bare api …, so a
 * machine whose load drifts (other programs, CPU boost, PostgreSQL's
 * checkpoints) weighs on both alike instead of on whichever went second.
 */
async function measurePair(api: Target, bare: Target): Promise<Row[]> {
  await warmUp(api);
  await warmUp(bare);
  for (let round = 1; round <= ROUNDS; round++) {
    const order = round % 2 === 1 ? [api, bare] : [bare, api];
    for (const t of order) await measureRound(t, round);
  }
  return [await summarise(api), await summarise(bare)];
}

/** The rounds of one handler as one row: throughput and CPU over all rounds, the median p50 and the worst p99. */
async function summarise(t: Target): Promise<Row> {
  for (const r of t.runs) {
    if (r.non2xx > 0 || r.errors > 0) {
      console.log(`    ✗ ${t.engine}/${t.handler}: non-2xx ${r.non2xx}, socket errors ${r.errors}, timeouts ${r.timeouts}; status codes ${JSON.stringify(r.statusCodes)}`);
      for (const sample of r.sampleErrors) console.log(`      ${sample}`);
    }
  }
  const loads = t.measured.map((m) => m.load);
  const ok = loads.reduce((s, l) => s + l.ok, 0);
  const seconds = loads.reduce((s, l) => s + l.seconds, 0);
  const byTickets = (f: (c: CpuFigures) => number) => t.measured.reduce((s, m) => s + f(m.cpu) * m.load.ok, 0) / Math.max(1, ok);
  const bySeconds = (f: (c: CpuFigures) => number | null) => {
    const known = t.measured.filter((m) => f(m.cpu) !== null);
    return known.length === 0 ? null : known.reduce((s, m) => s + f(m.cpu)! * m.load.seconds, 0) / known.reduce((s, m) => s + m.load.seconds, 0);
  };
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]!;
  const load: LoadReport = {
    ...loads[0]!,
    seconds,
    ok,
    non2xx: loads.reduce((s, l) => s + l.non2xx, 0),
    errors: loads.reduce((s, l) => s + l.errors, 0),
    timeouts: loads.reduce((s, l) => s + l.timeouts, 0),
    p50: median(loads.map((l) => l.p50)),
    p90: Math.max(...loads.map((l) => l.p90)),
    p99: Math.max(...loads.map((l) => l.p99)),
    max: Math.max(...loads.map((l) => l.max)),
  };
  const cpu: CpuFigures = {
    nodeMsPerTicket: byTickets((c) => c.nodeMsPerTicket),
    pgMsPerTicket: t.measured.some((m) => m.cpu.pgMsPerTicket === null) ? null : byTickets((c) => c.pgMsPerTicket!),
    loadMsPerTicket: byTickets((c) => c.loadMsPerTicket),
    hostBusy: bySeconds((c) => c.hostBusy),
    elsewhere: bySeconds((c) => c.elsewhere),
    maxStallMs: Math.max(...t.measured.map((m) => m.cpu.maxStallMs)),
  };
  const check = await verify(t.db, t.since, t.runs);
  console.log(`  ${t.engine}/${t.handler}: ${check.text}`);
  return { engine: t.engine, handler: t.handler, load, ticketsPerSecond: ok / seconds, cpu, check: check.text, checkOk: check.ok };
}

// ─── engines ────────────────────────────────────────────────────────────────

// Filings as from many citizens behind a proxy, without the browser's proof of work: this
// measures the API's intake, not a phone's hashing.
function benchConfig(dataDir: string, databaseUrl: string) {
  return loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn', JOBS: '0', DEMO: '0', TRUST_PROXY: '1', POW_BITS: '0' });
}

/** The bare handler's server on a fresh database of the same engine. */
async function startBareOn(database: Database): Promise<{ url: string; db: Db; close(): Promise<void> }> {
  const closeDb = onCleanup(() => database.close());
  await database.migrate();
  await seedReferenceData(database.db);
  const bare = await startBare(database.db);
  const closeServer = onCleanup(() => bare.close());
  return { url: bare.url, db: database.db, close: () => closeServer().then(closeDb) };
}

async function benchPglite(): Promise<Row[]> {
  const tmp = await mkdtemp(join(os.tmpdir(), 'hl-bench-'));
  const removeTmp = onCleanup(() => rm(tmp, { recursive: true, force: true }));
  try {
    console.log(`\npglite: data under ${tmp}`);
    const running = await start(benchConfig(join(tmp, 'api'), ''));
    const closeApi = onCleanup(() => running.close());
    // The app locks its directory: the bare handler gets one of its own.
    const bare = await startBareOn(await openPglite({ dataDir: join(tmp, 'bare') }));
    try {
      return await measurePair(target('pglite', 'api', running.url, running.database.db), target('pglite', 'bare', bare.url, bare.db));
    } finally {
      await bare.close();
      await closeApi();
    }
  } finally {
    await removeTmp();
  }
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

async function benchPostgres(): Promise<Row[]> {
  const admin = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 5000 });
  admin.on('error', (error) => console.error(`postgres admin connection: ${error.message}`));
  try {
    await admin.connect();
  } catch (error) {
    console.log(`\npostgres: SKIPPED — cannot reach ${redact(PG_URL)} (${errorText(error)}); set BENCH_DATABASE_URL to benchmark PostgreSQL`);
    await admin.end().catch(() => {});
    return [];
  }
  const tmp = await mkdtemp(join(os.tmpdir(), 'hl-bench-'));
  const removeTmp = onCleanup(() => rm(tmp, { recursive: true, force: true }));
  const suffix = randomBytes(5).toString('hex');
  const names = { api: `hl_bench_${suffix}`, bare: `hl_bench_${suffix}_bare` };
  const dropAll = onCleanup(async () => {
    for (const name of Object.values(names)) await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  });
  try {
    const info = await admin.query<{ version: string; sc: string; mc: string }>(
      `select current_setting('server_version') as version, current_setting('synchronous_commit') as sc, current_setting('max_connections') as mc`,
    );
    const { version, sc, mc } = info.rows[0]!;
    console.log(`\npostgres: ${redact(PG_URL)} — PostgreSQL ${version}, synchronous_commit=${sc}, max_connections=${mc}; databases ${names.api}, ${names.bare}`);
    for (const name of Object.values(names)) await admin.query(`create database ${name}`);
    const config = benchConfig(tmp, withDatabase(PG_URL, names.api));
    const running = await start(config);
    const closeApi = onCleanup(() => running.close());
    // Same pool size as the app's (DATABASE_POOL_SIZE, default 10).
    const bare = await startBareOn(openPostgres({ url: withDatabase(PG_URL, names.bare), poolSize: config.databasePoolSize }));
    try {
      return await measurePair(
        target('postgres', 'api', running.url, running.database.db, pgBackendCpu(admin, names.api)),
        target('postgres', 'bare', bare.url, bare.db, pgBackendCpu(admin, names.bare)),
      );
    } finally {
      await bare.close();
      await closeApi();
    }
  } finally {
    await dropAll();
    await removeTmp();
  }
}

// ─── report ─────────────────────────────────────────────────────────────────

function printTable(rows: Row[]): void {
  const header = ['engine', 'handler', 'tickets/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors', 'cpu ms/ticket: node', 'pg', 'loadgen', 'host busy', 'db check'];
  const lines = rows.map((r) => [
    r.engine,
    r.handler,
    r.ticketsPerSecond.toFixed(1),
    String(r.load.p50),
    String(r.load.p99),
    String(r.load.non2xx),
    String(r.load.errors + r.load.timeouts),
    r.cpu.nodeMsPerTicket.toFixed(2),
    r.cpu.pgMsPerTicket === null ? '-' : r.cpu.pgMsPerTicket.toFixed(2),
    r.cpu.loadMsPerTicket.toFixed(2),
    r.cpu.hostBusy === null ? '-' : `${Math.round(r.cpu.hostBusy * 100)}%`,
    r.checkOk ? 'ok' : 'MISMATCH',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const right = new Set([2, 3, 4, 5, 6, 7, 8, 9, 10]);
  const fmt = (cells: string[]) => cells.map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  console.log(`\n${fmt(header)}`);
  for (const engine of new Set(rows.map((r) => r.engine))) {
    const mine = rows.filter((r) => r.engine === engine);
    for (const r of mine) console.log(fmt(lines[rows.indexOf(r)]!));
    const api = mine.find((r) => r.handler === 'api');
    const bare = mine.find((r) => r.handler === 'bare');
    if (api && bare) {
      const ratio = api.ticketsPerSecond / bare.ticketsPerSecond;
      console.log(`${' '.repeat(widths[0]! + 2)}ratio api/bare: ${ratio.toFixed(2)}`);
      if (engine === 'postgres') {
        const ratioOk = ratio >= TARGET_RATIO;
        const p99Ok = api.load.p99 < TARGET_P99_MS;
        console.log(
          `${' '.repeat(widths[0]! + 2)}targets: throughput ≥ ${TARGET_RATIO} × bare ${ratioOk ? 'MET' : 'NOT MET'} (${ratio.toFixed(2)}); ` +
            `p99 < ${TARGET_P99_MS} ms at ${CONNECTIONS} clients ${p99Ok ? 'MET' : 'NOT MET'} (${api.load.p99} ms)`,
        );
      }
    }
  }
}

function printLegend(): void {
  console.log(
    [
      '',
      'tickets/s: 2xx answers per second of the measured run; p50/p99: latency of all answers; errors: socket errors + timeouts.',
      'cpu ms/ticket: node = the server thread (HTTP, handler, drizzle, driver, and PGlite itself on pglite);',
      '  pg = PostgreSQL backends of the benchmark database; loadgen = autocannon. All share this machine, so',
      '  when host busy is near 100 % the throughput is set by the sum of the three.',
      `targets apply to PostgreSQL: api ≥ ${TARGET_RATIO} × bare tickets/s, api p99 < ${TARGET_P99_MS} ms at ${CONNECTIONS} concurrent clients.`,
    ].join('\n'),
  );
}

async function main(): Promise<void> {
  const cpus = os.cpus();
  console.log('intake benchmark: POST /api/tickets');
  console.log(
    `machine: ${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ` +
      `${os.type()} ${os.release()} ${os.arch()}; node ${process.version}`,
  );
  console.log(
    `load: autocannon in a worker thread (same machine), ${CONNECTIONS} connections, ${SECONDS} s measured after ${WARMUP} s warm-up, ` +
      `each request a different valid body; bare counter: ${{ block: `blocks of ${TICKET_NO_BLOCK}, own statement (as numbers.ts)`, each: 'own statement per ticket', tx: 'inside the transaction' }[BARE_COUNTER]}`,
  );

  const rows: Row[] = [];
  if (ENGINES.includes('pglite')) rows.push(...(await benchPglite()));
  if (ENGINES.includes('postgres')) rows.push(...(await benchPostgres()));
  if (rows.length > 0) {
    printTable(rows);
    printLegend();
    const busiest = Math.max(...rows.map((r) => r.cpu.elsewhere ?? 0));
    if (busiest > 0.1) {
      console.log(
        `⚠ other programs used up to ${Math.round(busiest * 100)} % of the machine's CPU during the measurements: ` +
          'throughput and latency are pessimistic and noisy; the cpu ms/ticket figures are the steadier comparison.',
      );
    }
  }
  if (rows.some((r) => !r.checkOk || r.load.non2xx > 0)) process.exitCode = 1;
}

try {
  await main();
} catch (error) {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
} finally {
  await cleanupAll();
}
