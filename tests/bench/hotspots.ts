// npm run bench:hotspots: the hot-spot job at volume on PostgreSQL, and its
// false alarms on the seeded history.
//
// Uses the volume database the dashboards' benchmark seeds (hotline_bench on
// TEST_DATABASE_URL's server, or BENCH_DATABASE_URL; 800,000 tickets from
// npm run seed:volume, a year of a mid-size city). With BENCH_SEED=1 it seeds
// the database itself up to BENCH_TICKETS (800,000) first, as bench:workbench
// does. Otherwise read-only: it times the detector's reading
// (findBursts: the grouped scan of the 7-day windows and their 28-day
// baseline, the seasonal profile, the near-duplicate clusters) plus fetching
// each firing's tickets, as of the newest ticket, BENCH_RUNS times; then replays
// the detector every BENCH_REPLAY_STEP_HOURS over the last BENCH_REPLAY_DAYS
// days, grouping firings into warnings as the job does (a count that fired in
// the last 7 days is the same burst). The volume seeder plants no bursts, so
// every warning it would raise there is a false alarm.
// Target (issue 13): the job over the last 7 days under 5 s at 800,000 tickets.
import { readFileSync } from 'node:fs';
import { openPostgres, tickets } from '@hotline/db';
import { sql } from 'drizzle-orm';
import { findBursts } from '../../api/src/domain/hotspots/detect.ts';
import { loadRules } from '../../api/src/domain/settings/rules.ts';
import { seedReferenceData } from '../../api/src/seed/seed.ts';
import { seedVolume } from '../../api/src/seed/volume.ts';
import pg from 'pg';
import type { DomainContext } from '../../api/src/domain/context.ts';

const RUNS = Number(process.env.BENCH_RUNS || 5);
const REPLAY_DAYS = Number(process.env.BENCH_REPLAY_DAYS ?? 60);
const STEP_HOURS = Number(process.env.BENCH_REPLAY_STEP_HOURS || 3);
const serverUrl = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const url = process.env.BENCH_DATABASE_URL || Object.assign(new URL(serverUrl), { pathname: '/hotline_bench' }).toString();
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

if (process.env.BENCH_SEED === '1') {
  const dbName = new URL(url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: Object.assign(new URL(url), { pathname: '/postgres' }).toString() });
  await admin.connect();
  if (!(await admin.query('select 1 from pg_database where datname = $1', [dbName])).rowCount) await admin.query(`create database "${dbName.replace(/"/g, '')}"`);
  await admin.end();
}
const database = openPostgres({ url, poolSize: 4 });
if (process.env.BENCH_MIGRATE !== '0') await database.migrate();
if (process.env.BENCH_SEED === '1') {
  const wanted = Number(process.env.BENCH_TICKETS || 800_000);
  await seedReferenceData(database.db);
  const [{ have }] = (await database.db.select({ have: sql<number>`count(*)::int` }).from(tickets)) as [{ have: number }];
  if (have < wanted) {
    console.log(`seeding ${wanted - have} tickets…`);
    const r = await seedVolume(database.db, { tickets: wanted - have, onProgress: (done, total) => done % 100_000 < 2_000 && console.log(`  ${done}/${total}`) });
    console.log(`seeded in ${(r.ms / 1000).toFixed(0)} s`);
  }
}
const [{ n, newest }] = (await database.db.select({ n: sql<number>`count(*)::int`, newest: sql<string>`max(${tickets.createdAt})` }).from(tickets)) as [
  { n: number; newest: string },
];
if (!n) throw new Error(`${new URL(url).pathname.slice(1)} holds no tickets: seed it first (npm run seed:volume, or the dashboards' benchmark)`);
const rules = await loadRules(database.db);
const end = new Date(newest);
const ctxAt = (at: Date): DomainContext => ({ db: database.db, actor: { kind: 'system', job: 'bench' }, now: () => at, rules });
console.log(`database ${new URL(url).pathname.slice(1)}: ${n.toLocaleString('en')} tickets, newest ${end.toISOString()}`);

// 1. The job's reading as of the newest ticket.
const times: number[] = [];
for (let i = 0; i < RUNS + 1; i++) {
  const started = performance.now();
  const ctx = ctxAt(end);
  const { candidates, tested } = await findBursts(ctx);
  // The job then reads each firing's tickets (one indexed query each).
  for (const c of candidates) {
    await database.db.execute(sql`select id from tickets where created_at >= ${new Date(end.getTime() - c.windowHours * 3600_000).toISOString()}::timestamptz
      and created_at < ${end.toISOString()}::timestamptz
      and ${c.subcategoryCode ? sql`subcategory_code = ${c.subcategoryCode}` : sql`category_code = ${c.categoryCode ?? ''}`}
      and ${c.streetCode ? sql`street_code = ${c.streetCode}` : c.districtCode ? sql`district_code = ${c.districtCode}` : sql`true`} limit 200`);
  }
  const ms = performance.now() - started;
  if (i > 0) times.push(ms);
  console.log(`  run ${i}${i === 0 ? ' (warm-up)' : ''}: ${ms.toFixed(0)} ms, ${tested} counts tested, ${candidates.length} firing  (load ${load()})`);
}
times.sort((a, b) => a - b);
console.log(`hot-spot job over the last 7 days (+28-day baseline) at ${n.toLocaleString('en')} tickets: median ${times[Math.floor(times.length / 2)]!.toFixed(0)} ms, max ${times.at(-1)!.toFixed(0)} ms (target < 5000 ms)  load ${load()}`);

// 2. False alarms: replay over the seeded history.
if (REPLAY_DAYS > 0) {
  const lastFired = new Map<string, number>();
  const warnings: { key: string; level: string; at: Date; count: number; expected: number; p: number | null }[] = [];
  let runs = 0;
  let firings = 0;
  const started = performance.now();
  for (let at = end.getTime() - REPLAY_DAYS * 24 * 3600_000; at <= end.getTime(); at += STEP_HOURS * 3600_000) {
    const { candidates } = await findBursts(ctxAt(new Date(at)));
    runs++;
    firings += candidates.length;
    for (const c of candidates) {
      const previous = lastFired.get(c.burstKey);
      if (previous === undefined || at - previous > 7 * 24 * 3600_000) warnings.push({ key: c.burstKey, level: c.level, at: new Date(at), count: c.count, expected: c.expected, p: c.pValue });
      lastFired.set(c.burstKey, at);
    }
  }
  const byLevel: Record<string, number> = {};
  for (const w of warnings) byLevel[w.level] = (byLevel[w.level] ?? 0) + 1;
  console.log(
    `replay: ${runs} runs every ${STEP_HOURS} h over the last ${REPLAY_DAYS} days (${((performance.now() - started) / 1000).toFixed(0)} s): ${firings} firings, ${warnings.length} warnings (no burst planted: all false alarms) ≈ ${((warnings.length * 365) / REPLAY_DAYS).toFixed(1)} a year  load ${load()}`,
  );
  console.log(`  by level: ${JSON.stringify(byLevel)}`);
  for (const w of warnings.slice(0, 10)) console.log(`  ${w.at.toISOString()} ${w.key}: ${w.count} vs ${w.expected.toFixed(2)} expected, p=${w.p?.toExponential(1) ?? '-'}`);
}
await database.close();
