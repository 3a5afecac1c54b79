// npm run bench:workbench: the staff workbench at volume on PostgreSQL. Fills a
// dedicated database (hotline_bench on TEST_DATABASE_URL's server, or
// BENCH_DATABASE_URL) with BENCH_TICKETS tickets (200,000) by seed:volume if it
// holds fewer, starts the real app on it, logs in as each role and times every
// queue listing (page 1 and a deep page, with typical filters and sorts), the
// ticket detail API, free-text and phone search, and the rendered staff pages
// /staff?queue=… and /staff/tickets/{no} with the session cookie.
// Targets (issue 10): queue pages and the ticket page under 100 ms at p95,
// free-text search under 300 ms at p95.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { newId, openPostgres, staffAccounts, tickets } from '@hotline/db';
import type { StaffRole } from '@hotline/db/enums';
import { and, eq, inArray, sql } from 'drizzle-orm';
import pg from 'pg';
import { loadConfig } from '../../api/src/config.ts';
import { generatePassword, hashPassword } from '../../api/src/domain/staff/passwords.ts';
import { seedReferenceData } from '../../api/src/seed/seed.ts';
import { seedVolume } from '../../api/src/seed/volume.ts';
import { start } from '../../api/src/server.ts';

const TICKETS = Number(process.env.BENCH_TICKETS || 200_000);
const RUNS = Number(process.env.BENCH_RUNS || 30);
const WARMUP = 3;
const only = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY) : null;
const serverUrl = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const url = process.env.BENCH_DATABASE_URL || Object.assign(new URL(serverUrl), { pathname: '/hotline_bench' }).toString();
const dbName = new URL(url).pathname.slice(1);

// 1. The database: created once, seeded up to TICKETS, migrated on every run (new indexes apply here).
{
  const admin = new pg.Client({ connectionString: Object.assign(new URL(url), { pathname: '/postgres' }).toString() });
  await admin.connect();
  const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [dbName]);
  if (!rowCount) {
    await admin.query(`create database "${dbName.replace(/"/g, '')}"`);
    console.log(`created database ${dbName}`);
  }
  await admin.end();
}
const database = openPostgres({ url, poolSize: 4 });
await database.migrate();
await seedReferenceData(database.db);
const [{ n: existing }] = (await database.db.select({ n: sql<number>`count(*)::int` }).from(tickets)) as [{ n: number }];
if (existing < TICKETS) {
  console.log(`seeding ${TICKETS - existing} tickets into ${dbName} (it holds ${existing})…`);
  let last = 0;
  const result = await seedVolume(database.db, {
    tickets: TICKETS - existing,
    onProgress(done, total) {
      if (done - last >= 20_000 || done === total) console.log(`  ${done}/${total}`);
      last = done;
    },
  });
  console.log(`seeded in ${(result.ms / 1000).toFixed(0)} s: ${Math.round(result.tickets / (result.ms / 1000))} tickets/s`);
}
// What autovacuum would have done by now: statistics, and the visibility map that lets counts read indexes only.
await database.db.execute(sql`vacuum analyze tickets`);
await database.db.execute(sql`vacuum analyze ticket_events`);

// BENCH_WITHOUT_INDEXES=1 measures what migration 0011's indexes buy: they are dropped for the run and rebuilt after it.
const withoutIndexes = process.env.BENCH_WITHOUT_INDEXES === '1';
const migration = readFileSync(new URL('../../db/migrations/0011_workbench_queue_indexes.sql', import.meta.url), 'utf8');
const indexStatements = migration.split('--> statement-breakpoint').map((s) => s.trim()).filter((s) => s.startsWith('CREATE INDEX'));
const indexNames = indexStatements.map((s) => /CREATE INDEX "([^"]+)"/.exec(s)![1]!);
async function setIndexes(present: boolean) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  if (present) {
    for (const statement of indexStatements) await client.query(statement.replace('CREATE INDEX', 'CREATE INDEX IF NOT EXISTS'));
    await client.query('drop index if exists tickets_status_idx');
  } else {
    for (const name of indexNames) await client.query(`drop index if exists "${name}"`);
    await client.query('create index if not exists tickets_status_idx on tickets (status)');
  }
  await client.end();
}
if (withoutIndexes) {
  console.log(`dropping for this run: ${indexNames.join(', ')}`);
  await setIndexes(false);
} else {
  // Rebuilds any left out by an interrupted BENCH_WITHOUT_INDEXES run (a no-op otherwise).
  await setIndexes(true);
}

// 2. One account per role; the unit handler works for the unit with the most tickets.
const [busiest] = await database.db
  .select({ unit: sql<string>`${tickets.leadUnitId}` })
  .from(tickets)
  .where(sql`${tickets.leadUnitId} is not null`)
  .groupBy(tickets.leadUnitId)
  .orderBy(sql`count(*) desc`)
  .limit(1);
const password = generatePassword();
const passwordHash = await hashPassword(password);
const roles: { role: StaffRole; unitId: string | null }[] = [
  { role: 'operator', unitId: null },
  { role: 'dispatcher', unitId: null },
  { role: 'unit_handler', unitId: busiest!.unit },
  { role: 'supervisor', unitId: null },
  { role: 'admin', unitId: null },
];
for (const { role, unitId } of roles) {
  const values = { displayName: `压测${role}`, role, unitId, passwordHash, active: true, failedLogins: 0, lockedUntil: null };
  await database.db
    .insert(staffAccounts)
    .values({ id: newId(), username: `bench.${role}`, ...values })
    .onConflictDoUpdate({ target: staffAccounts.username, set: values });
}

// Tickets to open: a spread over statuses, and the handler's own.
const sample = async (where: ReturnType<typeof and>, n: number) =>
  (await database.db.select({ no: tickets.ticketNo }).from(tickets).where(where).orderBy(sql`random()`).limit(n)).map((r) => r.no);
const anyTickets = await sample(undefined, RUNS);
const openTickets = await sample(inArray(tickets.status, ['submitted', 'accepted', 'dispatched', 'in_progress', 'replied']), RUNS);
const unitTickets = await sample(eq(tickets.leadUnitId, busiest!.unit), RUNS);
const phones = (await database.db.select({ p: tickets.citizenPhone }).from(tickets).where(sql`citizen_phone is not null`).orderBy(sql`random()`).limit(RUNS)).map((r) => r.p!);
await database.close();

// 3. The real app on that database, with a build of the portal of its own (another engineer's rebuild of site/dist must not pull pages away mid-run).
const dataDir = mkdtempSync(join(tmpdir(), 'hotline-bench-workbench-'));
// Inside the repository (ignored .preview/), so the build finds its packages in node_modules.
const siteDir = fileURLToPath(new URL(`../../site/.preview/bench-workbench-${process.pid}`, import.meta.url));
const build = spawnSync(process.execPath, [fileURLToPath(new URL('../../scripts/build-site.mjs', import.meta.url)), '--out', siteDir], { stdio: ['ignore', 'ignore', 'inherit'] });
if (build.status !== 0) throw new Error('building the portal failed');
const running = await start(
  loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, DATABASE_URL: url, DATABASE_POOL_SIZE: '10', LOG_LEVEL: 'warn', JOBS: '0', DEMO: '0', POW_BITS: '0' }),
  { siteDir },
);

interface Row { group: string; what: string; role: string; p50: number; p95: number; max: number; note: string }
console.log(`workbench at ${TICKETS.toLocaleString('en')} tickets on PostgreSQL (${dbName}${withoutIndexes ? ', without the indexes of migration 0011' : ''}), times in ms:`);
const results: Row[] = [];
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function login(role: StaffRole): Promise<string> {
  const res = await fetch(`${running.url}/api/staff/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: `bench.${role}`, password }) });
  if (!res.ok) throw new Error(`login as ${role}: ${res.status} ${await res.text()}`);
  const { token } = (await res.json()) as { token: string };
  return token;
}

const targetOf = (group: string, what: string) => (group === 'search' || what.includes('q=') ? 300 : 100);
console.log('| group | request | role | p50 | p95 | max | target p95 | note |');
console.log('|---|---|---|---|---|---|---|---|');

/** Times `paths` (one per run, cycled) as the logged-in role; every answer must be 200, or the row says what came back. */
async function measure(group: string, what: string, role: string, token: string, paths: (string | { path: string; json: unknown })[], note = '') {
  // BENCH_ONLY=search (a regular expression on "group request") measures only the rows it matches.
  if (only && !only.test(`${group} ${what}`)) return;
  const times: number[] = [];
  let info = note;
  try {
    for (let i = 0; i < WARMUP + RUNS; i++) {
      const entry = paths[i % paths.length]!;
      // A string is a GET; { path, json } a POST of that body (a phone search keeps the number out of the URL).
      const path = typeof entry === 'string' ? entry : entry.path;
      const headers: Record<string, string> = { cookie: `hl_session=${token}`, authorization: `Bearer ${token}` };
      const init: RequestInit = typeof entry === 'string' ? { headers } : { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(entry.json) };
      const t0 = performance.now();
      const res = await fetch(`${running.url}${path}`, { ...init, redirect: 'manual' });
      const body = await res.text();
      const ms = performance.now() - t0;
      if (res.status !== 200) throw new Error(`${res.status} on ${path}: ${body.replace(/\s+/g, ' ').slice(0, 120)}`);
      if (i >= WARMUP) times.push(ms);
      if (i === 0 && (path.startsWith('/api/staff/tickets?') || path === '/api/staff/tickets/search')) info = `${note}${note ? '; ' : ''}${(JSON.parse(body) as { total: number }).total} found`;
    }
  } catch (error) {
    // A page another engineer is changing may fail to render: say so and go on.
    console.log(`| ${group} | ${what} | ${role} | – | – | – | ${targetOf(group, what)} | failed: ${(error as Error).message} |`);
    return;
  }
  times.sort((a, b) => a - b);
  const row = { group, what, role, p50: percentile(times, 50), p95: percentile(times, 95), max: times[times.length - 1]!, note: info };
  results.push(row);
  const limit = targetOf(group, what);
  console.log(`| ${group} | ${what} | ${role} | ${row.p50.toFixed(1)} | ${row.p95.toFixed(1)}${row.p95 <= limit ? '' : ' ✗'} | ${row.max.toFixed(1)} | ${limit} | ${row.note} |`);
}

const QUEUE_VARIANTS: Record<string, string[]> = {
  intake: ['', 'sort=filed', 'channel=phone'],
  dispatch: ['', 'district=dongcheng', 'category=urban_management'],
  returns: [''],
  extensions: [''],
  sign: ['', 'sort=due'],
  handling: ['', 'sort=due', 'urgency=urgent'],
  warnings: ['', 'overdue=1', 'district=jiangbin&sort=due'],
  supervised: [''],
  callback: ['', 'sort=filed', 'channel=wechat'],
  all: ['', 'status=closed&sort=filed_desc', 'category=housing_property&district=xiling', 'type=complaint&channel=phone&sort=due'],
};
const SEARCHES = ['路灯', '电梯经常停运', '锦绣家园', '人民路', '噪音', '物业费', '停水', '解放路12', '公交车长时间不来', '违章'];

try {
  for (const { role } of roles) {
    const token = await login(role);
    const { queues } = (await (await fetch(`${running.url}/api/staff/queues`, { headers: { authorization: `Bearer ${token}` } })).json()) as { queues: { queue: string; count: number }[] };
    await measure('api', 'GET /api/staff/queues (counts)', role, token, ['/api/staff/queues']);
    for (const { queue, count } of queues) {
      for (const variant of QUEUE_VARIANTS[queue] ?? ['']) {
        const query = `queue=${queue}${variant ? `&${variant}` : ''}`;
        await measure('queue', `${query} p1`, role, token, [`/api/staff/tickets?${query}`], `${count} in queue`);
      }
      const deep = Math.max(1, Math.min(Math.floor(count / 20), 500));
      if (deep > 1) await measure('queue', `queue=${queue} p${deep} (deep)`, role, token, [`/api/staff/tickets?queue=${queue}&page=${deep}`]);
    }
    const own = role === 'unit_handler' ? unitTickets : role === 'operator' ? anyTickets : openTickets;
    await measure('detail', 'GET /api/staff/tickets/{no}', role, token, own.map((no) => `/api/staff/tickets/${no}`));
    // Without its index the bigram expression is worked out for every row: far slower than the plain ilike the search was before it.
    if ((role === 'dispatcher' || role === 'unit_handler') && !withoutIndexes) {
      await measure('search', 'free text q= (queue all, 10 words)', role, token, SEARCHES.map((q) => `/api/staff/tickets?queue=all&q=${encodeURIComponent(q)}`));
      await measure('search', 'free text q= page 5', role, token, SEARCHES.map((q) => `/api/staff/tickets?queue=all&page=5&q=${encodeURIComponent(q)}`));
      await measure('search', 'ticket number q=', role, token, own.map((no) => `/api/staff/tickets?queue=all&q=${no}`));
    }
    if (role === 'operator') await measure('search', 'POST …/search phone (exact)', role, token, phones.map((phone) => ({ path: '/api/staff/tickets/search', json: { queue: 'all', phone } })));
    for (const { queue } of queues) await measure('page', `/staff?queue=${queue}`, role, token, [`/staff?queue=${queue}`]);
    if (!withoutIndexes) await measure('page', '/staff?queue=all&q=… (search)', role, token, SEARCHES.map((q) => `/staff?queue=all&q=${encodeURIComponent(q)}`));
    await measure('page', '/staff/tickets/{no}', role, token, own.map((no) => `/staff/tickets/${no}`));
  }
} finally {
  await running.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(siteDir, { recursive: true, force: true });
  if (withoutIndexes) await setIndexes(true);
}

const missed = results.filter((r) => r.p95 > targetOf(r.group, r.what));
console.log(`\n${results.length} measurements at ${TICKETS.toLocaleString('en')} tickets on PostgreSQL (${dbName}${withoutIndexes ? ', WITHOUT the indexes of migration 0011' : ''}), ${RUNS} runs each after ${WARMUP} warm-up, sequential, ms; ${missed.length} over target${missed.length ? `: ${missed.map((m) => `${m.what} (${m.role})`).join(', ')}` : ''}`);
