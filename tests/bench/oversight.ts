// npm run bench:oversight (node tests/bench/oversight.ts): each dashboard
// view's time on the volume database (hotline_bench on TEST_DATABASE_URL's
// server, or BENCH_DATABASE_URL; 800,000 tickets from npm run seed:volume).
// Each view is the domain verb the page calls, for the last month, quarter and
// year before the newest ticket, every grouping; the median of BENCH_RUNS runs,
// printed with the load average. Target (issue 13): every view under 1 s. Then the
// unit scorecards, a unit's card with its trend, the week's, month's and quarter's
// reports, and the quarter's PDF and spreadsheet rendering.
// The metrics read the daily rollups (api/src/domain/metrics/rollups.ts): the
// first run on a database builds them (timed; BENCH_REBUILD=1 builds them again),
// then a refresh's cost is timed on 1 … 1,000 random tickets of the last 60 days
// recounted as if all their figures had just changed (recountMetricTickets after
// spoiling their memo rows: no ticket changes). BENCH_RAW=1 also times the raw query
// (rawMetricsOf, what the dashboard read before the rollups). Migrates the
// database first unless BENCH_MIGRATE=0.
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { openPostgres, tickets } from '@hotline/db';
import { sql } from 'drizzle-orm';
import { addDays, localDayOf } from '../../api/src/domain/calendar/local-time.ts';
import type { DomainContext } from '../../api/src/domain/context.ts';
import { computeMetrics, METRIC_GROUPINGS, rawMetricsOf } from '../../api/src/domain/metrics/compute-metrics.ts';
import { metricRollupStatus, recountMetricTickets, refreshMetricRollups, resetMetricRollups } from '../../api/src/domain/metrics/rollups.ts';
import { computeVolumeProfile } from '../../api/src/domain/metrics/volume-profile.ts';
import { scorecardsFor } from '../../api/src/domain/metrics/scorecards.ts';
import { reportOf } from '../../api/src/domain/reports/report.ts';
import { reportPdf } from '../../api/src/domain/reports/report-pdf.ts';
import { reportXlsx } from '../../api/src/domain/reports/report-xlsx.ts';
import { loadRules } from '../../api/src/domain/settings/rules.ts';

const RUNS = Number(process.env.BENCH_RUNS || 3);
const serverUrl = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const url = process.env.BENCH_DATABASE_URL || Object.assign(new URL(serverUrl), { pathname: '/hotline_bench' }).toString();
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

const database = openPostgres({ url, poolSize: 4 });
if (process.env.BENCH_MIGRATE !== '0') await database.migrate();
const [{ n, newest }] = (await database.db.select({ n: sql<number>`count(*)::int`, newest: sql<string>`max(${tickets.createdAt})` }).from(tickets)) as [
  { n: number; newest: string },
];
if (!Number(n)) throw new Error(`${new URL(url).pathname.slice(1)} holds no tickets: seed it first (npm run seed:volume)`);
const rules = await loadRules(database.db);
const to = localDayOf(new Date(newest));
const ctx: DomainContext = { db: database.db, actor: { kind: 'staff', id: 'bench', role: 'supervisor', unitId: null, name: 'bench' }, now: () => new Date(newest), rules } as unknown as DomainContext;
console.log(`database ${new URL(url).pathname.slice(1)}: ${Number(n).toLocaleString('en')} tickets, newest ${to}; median of ${RUNS} runs`);

if (process.env.BENCH_REBUILD === '1') await resetMetricRollups(database.db);
const first = await refreshMetricRollups(database.db, { onBuildStart: () => console.log(`building the daily rollups from the raw tickets… (load ${load()})`) });
if (first.kind === 'built') {
  console.log(`rollups built: ${first.tickets.toLocaleString('en')} tickets, ${first.days.toLocaleString('en')} metric-days, ${(first.ms / 1000).toFixed(1)} s  (load ${load()})`);
} else {
  const status = await metricRollupStatus(database.db);
  console.log(`rollups ${first.kind === 'current' ? 'up to date' : `refreshed (${first.tickets} tickets, ${first.ms} ms)`}; built ${status?.builtAt?.toISOString()} in ${((status?.buildMs ?? 0) / 1000).toFixed(1)} s`);
}
const size = (await database.db.execute(sql`select count(*)::int as n, pg_size_pretty(pg_total_relation_size('metric_daily_rollups')) as rollups,
  pg_size_pretty(pg_total_relation_size('metric_ticket_memo')) as memo from metric_daily_rollups`)) as unknown as { rows: { n: number; rollups: string; memo: string }[] };
console.log(`metric_daily_rollups: ${Number(size.rows[0]!.n).toLocaleString('en')} rows, ${size.rows[0]!.rollups}; metric_ticket_memo ${size.rows[0]!.memo}`);
// A refresh's cost: tickets of the last 60 days (where the changes are) recounted as if every
// metric of each had just changed (their memo rows spoiled, so each counts as changed in every
// family: an upper bound; a reply or a rating changes two or three).
for (const count of [1, 10, 100, 1_000]) {
  const runs: { tickets: number; days: number; ms: number }[] = [];
  for (let i = 0; i < RUNS; i++) {
    const picked = (await database.db.execute(
      sql`select id from tickets where created_at > ${new Date(new Date(newest).getTime() - 60 * 86_400_000).toISOString()}::timestamptz order by random() limit ${count}`,
    )) as unknown as { rows: { id: string }[] };
    const ids = picked.rows.map((r) => r.id);
    await database.db.execute(sql`update metric_ticket_memo set flags = -1, dispatches = -1 where ticket_id in (select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`);
    runs.push(await recountMetricTickets(database.db, ids));
  }
  runs.sort((a, b) => a.ms - b.ms);
  const median = runs[Math.floor(runs.length / 2)]!;
  console.log(
    `refresh of ${String(count).padStart(5)} changed tickets: ${String(median.days).padStart(4)} metric-days recounted, ${String(median.ms).padStart(5)} ms, ${(median.ms / count).toFixed(1)} ms per ticket  (load ${load()})`,
  );
}

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
const mismatches: string[] = [];
for (const [label, days] of [['month', 30], ['quarter', 91], ['year', 365]] as const) {
  const from = addDays(to, -(days - 1));
  for (const groupBy of METRIC_GROUPINGS) worst = Math.max(worst, await time(`metrics ${label} by ${groupBy}`, () => computeMetrics(ctx, { from, to, groupBy })));
  if (process.env.BENCH_RAW === '1') {
    for (const groupBy of METRIC_GROUPINGS) {
      await time(`raw metrics ${label} by ${groupBy}`, () => rawMetricsOf(ctx, { from, to, groupBy }));
      const same = isDeepStrictEqual(await computeMetrics(ctx, { from, to, groupBy }), await rawMetricsOf(ctx, { from, to, groupBy }));
      if (!same) mismatches.push(`${label} by ${groupBy}`);
    }
  }
  worst = Math.max(worst, await time(`volume ${label}`, () => computeVolumeProfile(ctx, { from, to })));
}
// 单位考核 and 报告 (issue 13): built on the same metrics, plus their own reads (reopens, warnings, clusters).
const month = to.slice(0, 7);
const someUnit = [...rules.catalog.units.keys()][0]!;
worst = Math.max(worst, await time('scorecards, month', () => scorecardsFor(ctx, { month })));
worst = Math.max(worst, await time("a unit's card (6 months)", () => scorecardsFor(ctx, { month, unitId: someUnit })));
for (const period of ['week', 'month', 'quarter'] as const) worst = Math.max(worst, await time(`report, ${period}`, () => reportOf(ctx, { period, at: to })));
const quarter = await reportOf(ctx, { period: 'quarter', at: to });
console.log(`  (the quarter's report: ${quarter.rankings.units.length} units, ${quarter.warnings.length} warnings, ${quarter.recurring.length} recurring problems, ${quarter.hardProblems?.length ?? 0} hard problems)`);
await time('report PDF (quarter, rendering)', () => reportPdf(quarter));
await time('report .xlsx (quarter, rendering)', () => reportXlsx(quarter));
console.log(`slowest view: ${worst.toFixed(0)} ms (load ${load()})`);
if (process.env.BENCH_RAW === '1') console.log(mismatches.length ? `ROLLUPS DIFFER FROM THE RAW QUERY: ${mismatches.join(', ')}` : 'rollups equal the raw query in every view');
await database.close();
