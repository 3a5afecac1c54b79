// npm run bench:oversight (node tests/bench/oversight.ts): each dashboard
// view's time on the volume database (hotline_bench on TEST_DATABASE_URL's
// server, or BENCH_DATABASE_URL; 800,000 tickets from npm run seed:volume).
// Each view is the domain verb the page calls, for the last month, quarter and
// year before the newest ticket, every grouping; the median of BENCH_RUNS runs,
// printed with the load average. Target (issue 13): every view under 1 s.
import { readFileSync } from 'node:fs';
import { openPostgres, tickets } from '@hotline/db';
import { sql } from 'drizzle-orm';
import { addDays, localDayOf } from '../../api/src/domain/calendar/local-time.ts';
import type { DomainContext } from '../../api/src/domain/context.ts';
import { computeMetrics, METRIC_GROUPINGS } from '../../api/src/domain/metrics/compute-metrics.ts';
import { computeVolumeProfile } from '../../api/src/domain/metrics/volume-profile.ts';
import { loadRules } from '../../api/src/domain/settings/rules.ts';

const RUNS = Number(process.env.BENCH_RUNS || 3);
const serverUrl = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const url = process.env.BENCH_DATABASE_URL || Object.assign(new URL(serverUrl), { pathname: '/hotline_bench' }).toString();
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

const database = openPostgres({ url, poolSize: 4 });
const [{ n, newest }] = (await database.db.select({ n: sql<number>`count(*)::int`, newest: sql<string>`max(${tickets.createdAt})` }).from(tickets)) as [
  { n: number; newest: string },
];
if (!Number(n)) throw new Error(`${new URL(url).pathname.slice(1)} holds no tickets: seed it first (npm run seed:volume)`);
const rules = await loadRules(database.db);
const to = localDayOf(new Date(newest));
const ctx: DomainContext = { db: database.db, actor: { kind: 'staff', id: 'bench', role: 'supervisor', unitId: null, name: 'bench' }, now: () => new Date(newest), rules } as unknown as DomainContext;
console.log(`database ${new URL(url).pathname.slice(1)}: ${Number(n).toLocaleString('en')} tickets, newest ${to}; median of ${RUNS} runs`);

async function time(name: string, run: () => Promise<unknown>) {
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await run();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const median = ms[Math.floor(ms.length / 2)]!;
  console.log(`${name.padEnd(34)} ${median.toFixed(0).padStart(6)} ms  ${median < 1000 ? 'ok' : 'OVER 1 s'}  (load ${load()})`);
  return median;
}

let worst = 0;
for (const [label, days] of [['month', 30], ['quarter', 91], ['year', 365]] as const) {
  const from = addDays(to, -(days - 1));
  for (const groupBy of METRIC_GROUPINGS) worst = Math.max(worst, await time(`metrics ${label} by ${groupBy}`, () => computeMetrics(ctx, { from, to, groupBy })));
  worst = Math.max(worst, await time(`volume ${label}`, () => computeVolumeProfile(ctx, { from, to })));
}
console.log(`slowest view: ${worst.toFixed(0)} ms (load ${load()})`);
await database.close();
