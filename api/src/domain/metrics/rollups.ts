import { type Db, metricDailyRollups, metricRollupState, metricTicketMemo, type Queryable, ticketDispatches, ticketEvents, tickets } from '@hotline/db';
import { and, eq, inArray, type SQL, sql } from 'drizzle-orm';
import { addDays, instantAt } from '../calendar/local-time.ts';
import type { MetricName } from './compute-metrics.ts';

// The daily rollups behind the dashboard (metricsOf in compute-metrics.ts).
//
// metric_daily_rollups holds, per metric, Beijing day, grouping and key, the
// numerator and denominator rawMetricsOf gives for that one day; a period is the
// sum of its days. Each metric puts a ticket on the day of its own moment:
//   created_at   directAnswer, repeat
//   due_at       onTimeCompletion
//   replied_at   contact
//   rated_at     processSatisfaction, resultSatisfaction, resolution
//   coalesce(replied_at, answered_at)   callback
//   ticket_dispatches.dispatched_at     dispatchAccuracy (per dispatch; its unit is the dispatch's)
//
// Kept up to date from the event log. Every change to a ticket, its dispatches
// included, goes through the state machine (tickets/transition.ts), which writes a
// ticket_events row in the same transaction (filing, acceptance, dispatch and
// re-dispatch, returns, extensions, replies, ratings, merges, marks as a repeat,
// closing as unreachable), and ticket_events is append-only (migration 0001). So
// a refresh takes the tickets with events after its watermark, compares what each
// counts for now (its days, keys and the metrics' conditions) with what it counted
// for at the last refresh (metric_ticket_memo), and recounts from the raw tables the
// days, before and now, of the metrics whose part changed: a reply recounts the
// reply's day of contact and callbacks and the due day's on-time figure, an urge
// recounts nothing. Dispatch rows are never deleted, and their moment and unit never
// change, so the days of a ticket's dispatches now include every day they counted
// on before; returned_at is only ever set once (approveReturn).
//
// Exactness, given concurrent writers: the new watermark is the highest event id
// read while holding SHARE on ticket_events, which waits out every transaction
// writing an event and keeps new ones out for that instant, so every event up to
// it is committed (or gone) before the recount reads anything. A change committed
// later has a higher id and is recounted by the next refresh, from both its old
// and new days; recounts read the current rows, so a day recounted in between is
// right again once that refresh has run.

const STATE_ID = 'daily';

/** A timestamp's Beijing day: a fixed +08:00 (no DST since 1991); 'UTC' is the one zone name every build knows. */
const localDay = (moment: SQL) => sql`((${moment} at time zone 'UTC') + interval '8 hours')::date`;
/** Sorted days as runs of consecutive days, [first, last]. */
function runsOf(days: string[]): [string, string][] {
  const runs: [string, string][] = [];
  for (const day of [...days].sort()) {
    const last = runs.at(-1);
    if (last && addDays(last[1], 1) === day) last[1] = day;
    else if (!last || last[1] !== day) runs.push([day, day]);
  }
  return runs;
}

/** A PostgreSQL array literal of days, bound as one parameter (drizzle spreads a JS array into a list). */
const dayArray = (days: string[]) => sql`${`{${days.join(',')}}`}::date[]`;

interface Counted {
  metric: MetricName;
  /** Which of the moment's tickets (or dispatches) the metric counts: its denominator. */
  counted: SQL;
  /** Which of those its numerator counts. */
  numerator: SQL;
}

const satisfied = (column: SQL) => sql`${column} in ('satisfied', 'basically_satisfied')`;
const always = sql`true`;

/** The metrics of one moment: the conditions are rawMetricsOf's (compute-metrics.ts), which the tests hold these to. */
interface Family {
  name: 'created' | 'due' | 'replied' | 'rated' | 'answered' | 'dispatch';
  /** metric_ticket_memo's day column (none for dispatches: their days are read from ticket_dispatches). */
  memo: SQL | null;
  moment: SQL;
  metrics: Counted[];
}

const answeredAt = sql`coalesce(t.replied_at, t.answered_at)`;
const FAMILIES: Family[] = [
  {
    name: 'created',
    memo: sql`m.created_day`,
    moment: sql`t.created_at`,
    metrics: [
      { metric: 'directAnswer', counted: sql`t.status <> 'rejected'`, numerator: sql`t.answered_at is not null` },
      { metric: 'repeat', counted: always, numerator: sql`(t.status = 'merged' or t.repeat_of_id is not null)` },
    ],
  },
  {
    name: 'due',
    memo: sql`m.due_day`,
    moment: sql`t.due_at`,
    metrics: [{ metric: 'onTimeCompletion', counted: sql`t.dispatched_at is not null`, numerator: sql`(t.replied_at is not null and t.replied_at <= t.due_at)` }],
  },
  {
    name: 'replied',
    memo: sql`m.replied_day`,
    moment: sql`t.replied_at`,
    metrics: [{ metric: 'contact', counted: sql`t.lead_unit_id is not null`, numerator: sql`t.contacted_at is not null` }],
  },
  {
    name: 'rated',
    memo: sql`m.rated_day`,
    moment: sql`t.rated_at`,
    metrics: [
      { metric: 'processSatisfaction', counted: always, numerator: satisfied(sql`t.process_satisfaction`) },
      { metric: 'resultSatisfaction', counted: always, numerator: satisfied(sql`t.result_satisfaction`) },
      { metric: 'resolution', counted: always, numerator: sql`t.resolved = true` },
    ],
  },
  {
    name: 'answered',
    memo: sql`m.answered_day`,
    moment: answeredAt,
    metrics: [
      {
        metric: 'callback',
        counted: always,
        numerator: sql`(t.rated_at >= ${answeredAt} or (t.status = 'closed' and exists (
          select 1 from ${ticketEvents} e where e.ticket_id = t.id and e.action in ('close', 'auto_close') and e.data->>'outcome' = 'unreachable')))`,
      },
    ],
  },
  {
    name: 'dispatch',
    memo: null,
    moment: sql`d.dispatched_at`,
    metrics: [{ metric: 'dispatchAccuracy', counted: always, numerator: sql`d.returned_at is null` }],
  },
];

/**
 * Recounts `days` (all of them: 'all') of a family's metrics from the raw
 * tables, replacing their rows. One scan per family: the day, then every
 * grouping at once (grouping sets), then one row per metric with anything counted.
 */
async function recount(tx: Queryable, family: Family, days: string[] | 'all'): Promise<void> {
  const metrics = family.metrics.map((m) => m.metric);
  const unit = family.name === 'dispatch' ? sql`d.lead_unit_id` : sql`t.lead_unit_id`;
  const dims = sql`${unit}, t.category_code, t.district_code, t.channel`;
  let day: SQL;
  let source: SQL;
  if (days === 'all') {
    // The build: the table was emptied first.
    day = localDay(family.moment);
    source =
      family.name === 'dispatch'
        ? sql`${ticketDispatches} d join ${tickets} t on t.id = d.ticket_id`
        : sql`${tickets} t where ${family.moment} is not null`;
  } else {
    if (days.length === 0) return;
    await tx.delete(metricDailyRollups).where(and(inArray(metricDailyRollups.metric, metrics), sql`${metricDailyRollups.day} = any(${dayArray(days)})`));
    if (family.name === 'dispatch') {
      // The days as ranges of dispatched_at with their instants bound, so the planner sees a day's
      // couple of thousand rows on the time index (with the bounds computed in SQL it guessed a
      // third of the table and scanned every ticket: 400 ms a day at 800,000).
      day = localDay(family.moment);
      const ranges = runsOf(days).map(
        ([first, last]) => sql`(d.dispatched_at >= ${instantAt(first, 0).toISOString()}::timestamptz and d.dispatched_at < ${instantAt(addDays(last, 1), 0).toISOString()}::timestamptz)`,
      );
      source = sql`${ticketDispatches} d join ${tickets} t on t.id = d.ticket_id where ${sql.join(ranges, sql` or `)}`;
    } else {
      // The memo finds the day's candidates; the moment itself decides (a ticket changed since
      // this refresh's watermark may still be noted on another day: the next refresh recounts both).
      day = sql`u.day`;
      source = sql`unnest(${dayArray(days)}) u(day)
        join ${metricTicketMemo} m on ${family.memo} = u.day
        join ${tickets} t on t.id = m.ticket_id
        where ${localDay(family.moment)} = u.day`;
    }
  }
  const columns = family.metrics.map(
    (m, i) => sql`count(*) filter (where ${m.counted} and ${m.numerator})::int as n${sql.raw(String(i))}, count(*) filter (where ${m.counted})::int as d${sql.raw(String(i))}`,
  );
  const unpivot = family.metrics.map((m, i) => sql`(${m.metric}::text, g.n${sql.raw(String(i))}, g.d${sql.raw(String(i))})`);
  // grouping(): a bit per dimension, 1 where the row sums over it: () = 15, (unit) = 7, (category) = 11, (district) = 13, (channel) = 14.
  await tx.execute(sql`insert into ${metricDailyRollups} (day, metric, dimension, key, numerator, denominator)
    select g.day, v.metric, g.dimension, g.key, v.numerator, v.denominator from (
      select ${day} as day,
        case grouping(${dims}) when 15 then 'none' when 7 then 'unit' when 11 then 'category' when 13 then 'district' else 'channel' end as dimension,
        case grouping(${dims}) when 7 then ${unit} when 11 then t.category_code when 13 then t.district_code when 14 then t.channel end as key,
        ${sql.join(columns, sql`, `)}
      from ${source}
      group by ${day}, grouping sets ((), (${unit}), (t.category_code), (t.district_code), (t.channel))
    ) g cross join lateral (values ${sql.join(unpivot, sql`, `)}) v(metric, numerator, denominator)
    where v.denominator > 0`);
}

/** The memo's condition bits: two per metric of the ticket's own moments (counted, in the numerator), and each family's mask. */
const TICKET_FAMILIES = FAMILIES.filter((f) => f.memo !== null);
const FLAG_BITS: SQL[] = [];
const FAMILY_MASK = new Map<Family['name'], number>();
for (const family of TICKET_FAMILIES) {
  let mask = 0;
  for (const m of family.metrics) {
    const bit = FLAG_BITS.length;
    FLAG_BITS.push(sql`(case when coalesce(${m.counted}, false) then ${sql.raw(String(1 << bit))} else 0 end)`);
    FLAG_BITS.push(sql`(case when coalesce(${m.counted} and ${m.numerator}, false) then ${sql.raw(String(1 << (bit + 1)))} else 0 end)`);
    mask |= (1 << bit) | (1 << (bit + 1));
  }
  FAMILY_MASK.set(family.name, mask);
}
if (FLAG_BITS.length > 31) throw new Error('metric_ticket_memo.flags holds 31 bits');

const MEMO_COLUMNS = sql`(ticket_id, created_day, due_day, replied_day, rated_day, answered_day, lead_unit_id, category_code, district_code, channel, flags, dispatches, returned)`;
/** A ticket's memo row from its current rows; `x` is its dispatches (dispatches, returned). */
const MEMO_ROW = sql`t.id as ticket_id, ${localDay(sql`t.created_at`)} as created_day, ${localDay(sql`t.due_at`)} as due_day,
  ${localDay(sql`t.replied_at`)} as replied_day, ${localDay(sql`t.rated_at`)} as rated_day, ${localDay(answeredAt)} as answered_day,
  t.lead_unit_id, t.category_code, t.district_code, t.channel, (${sql.join(FLAG_BITS, sql` + `)}) as flags,
  coalesce(x.dispatches, 0) as dispatches, coalesce(x.returned, 0) as returned`;
const DISPATCH_COUNTS = sql`count(*)::int as dispatches, count(*) filter (where d.returned_at is not null)::int as returned`;

export interface RollupRefresh {
  /** What ran: nothing to do, a full build (first run, or after resetMetricRollups), or a recount of changed tickets. */
  kind: 'current' | 'built' | 'refreshed' | 'busy';
  /** Tickets recounted (all of them for a build). */
  tickets: number;
  /** (family, day) pairs recounted. */
  days: number;
  /** The event id the rollups now include. */
  watermark: number;
  ms: number;
}

type Row = Record<string, unknown>;
const rowsOf = (result: unknown): Row[] => (Array.isArray(result) ? result : ((result as { rows: Row[] }).rows ?? []));

/**
 * Brings the rollups up to the event log: builds them all the first time (minutes
 * at 800,000 tickets), otherwise recounts the days of the tickets changed since
 * the last refresh. Refreshes run one at a time (the state row's lock): with
 * `skipIfBusy` (the background job) it returns 'busy' when another is running,
 * otherwise it waits for it and then sees what it left (metricsOf: a figure read
 * right after a change includes it).
 */
export async function refreshMetricRollups(db: Db, { skipIfBusy = false, onBuildStart }: { skipIfBusy?: boolean; onBuildStart?: () => void } = {}): Promise<RollupRefresh> {
  const started = performance.now();
  const took = () => Math.round(performance.now() - started);
  // Nothing new (the common case of a dashboard read): one indexed read.
  const [peek] = rowsOf(
    await db.execute(sql`select s.watermark, s.built_at, (select coalesce(max(id), 0) from ${ticketEvents}) as hi
      from ${metricRollupState} s where s.id = ${STATE_ID}`),
  );
  if (peek && peek.built_at !== null && Number(peek.watermark) >= Number(peek.hi)) {
    return { kind: 'current', tickets: 0, days: 0, watermark: Number(peek.watermark), ms: took() };
  }
  if (!peek) await db.insert(metricRollupState).values({ id: STATE_ID }).onConflictDoNothing();

  // The watermark this refresh brings the rollups to: see the note at the top.
  const hi = await db.transaction(async (tx) => {
    await tx.execute(sql`lock table ${ticketEvents} in share mode`);
    const [row] = rowsOf(await tx.execute(sql`select coalesce(max(id), 0) as hi from ${ticketEvents}`));
    return Number(row!.hi);
  });

  return db.transaction(async (tx) => {
    const [state] = rowsOf(
      await tx.execute(sql`select watermark, built_at from ${metricRollupState} where id = ${STATE_ID} for update ${skipIfBusy ? sql`skip locked` : sql``}`),
    );
    if (!state) return { kind: 'busy' as const, tickets: 0, days: 0, watermark: 0, ms: took() };
    const watermark = Number(state.watermark);
    if (state.built_at !== null && watermark >= hi) return { kind: 'current' as const, tickets: 0, days: 0, watermark, ms: took() };

    if (state.built_at === null) {
      onBuildStart?.();
      // Emptied at once rather than row by row (no dead rows to vacuum); readers wait on the state row meanwhile anyway.
      await tx.execute(sql`truncate ${metricTicketMemo}, ${metricDailyRollups}`);
      const [memo] = rowsOf(
        await tx.execute(sql`with saved as (insert into ${metricTicketMemo} ${MEMO_COLUMNS}
            select ${MEMO_ROW} from ${tickets} t
            left join (select d.ticket_id, ${DISPATCH_COUNTS} from ${ticketDispatches} d group by d.ticket_id) x on x.ticket_id = t.id
            returning 1)
          select count(*)::int as n from saved`),
      );
      for (const family of FAMILIES) await recount(tx, family, 'all');
      // Fresh statistics, or the planner takes a refresh's few days for most of the memo and scans it.
      await tx.execute(sql`analyze ${metricTicketMemo}`);
      await tx.execute(sql`analyze ${metricDailyRollups}`);
      const [days] = rowsOf(await tx.execute(sql`select count(distinct (metric, day))::int as n from ${metricDailyRollups}`));
      const ms = took();
      await tx.update(metricRollupState).set({ watermark: hi, builtAt: sql`now()`, buildMs: ms, refreshedAt: sql`now()` }).where(eq(metricRollupState.id, STATE_ID));
      return { kind: 'built' as const, tickets: Number(memo!.n), days: Number(days!.n), watermark: hi, ms };
    }

    const recounted = await recountTickets(tx, sql`select distinct ticket_id as id from ${ticketEvents} where id > ${watermark} and id <= ${hi}`);
    await tx.update(metricRollupState).set({ watermark: hi, refreshedAt: sql`now()` }).where(eq(metricRollupState.id, STATE_ID));
    return { kind: 'refreshed' as const, ...recounted, watermark: hi, ms: took() };
  });
}

/**
 * Recounts what some tickets changed: `dirty` selects their ids (column id). Their
 * memo rows before and their rows now give, per metric family, whether their part
 * changed, and if so the days before and now; the memo is updated to now, and those
 * days of those families recounted from the raw tables.
 */
async function recountTickets(tx: Queryable, dirty: SQL): Promise<{ tickets: number; days: number }> {
  // One statement: every part of it reads the same snapshot, so "before" is the memo as it was.
  const [changed] = rowsOf(
    await tx.execute(sql`with dirty as (${dirty}),
      was as (select m.* from ${metricTicketMemo} m join dirty on dirty.id = m.ticket_id),
      fresh as (select ${MEMO_ROW} from ${tickets} t join dirty on dirty.id = t.id
        left join lateral (select ${DISPATCH_COUNTS} from ${ticketDispatches} d where d.ticket_id = t.id) x on true),
      saved as (insert into ${metricTicketMemo} ${MEMO_COLUMNS} select * from fresh
        on conflict (ticket_id) do update set created_day = excluded.created_day, due_day = excluded.due_day,
          replied_day = excluded.replied_day, rated_day = excluded.rated_day, answered_day = excluded.answered_day,
          lead_unit_id = excluded.lead_unit_id, category_code = excluded.category_code, district_code = excluded.district_code,
          channel = excluded.channel, flags = excluded.flags, dispatches = excluded.dispatches, returned = excluded.returned
        returning 1),
      pair as (select n.ticket_id as id,
          -- A ticket new to the memo, or counted under other keys: every family of it.
          o.ticket_id is null or (o.lead_unit_id, o.category_code, o.district_code, o.channel)
            is distinct from (n.lead_unit_id, n.category_code, n.district_code, n.channel) as rekeyed,
          o.flags as old_flags, n.flags as new_flags, o.dispatches as old_dispatches, n.dispatches as new_dispatches,
          o.returned as old_returned, n.returned as new_returned,
          o.created_day as old_created, n.created_day as new_created, o.due_day as old_due, n.due_day as new_due, o.replied_day as old_replied, n.replied_day as new_replied, o.rated_day as old_rated, n.rated_day as new_rated, o.answered_day as old_answered, n.answered_day as new_answered
        from fresh n left join was o on o.ticket_id = n.ticket_id),
      days(family, day) as (
        select 'created' as family, x.day from pair p cross join lateral (values (p.old_created), (p.new_created)) x(day)
          where p.rekeyed or p.old_created is distinct from p.new_created or (p.old_flags & ${sql.raw(String(FAMILY_MASK.get('created')))}) is distinct from (p.new_flags & ${sql.raw(String(FAMILY_MASK.get('created')))})
        union select 'due' as family, x.day from pair p cross join lateral (values (p.old_due), (p.new_due)) x(day)
          where p.rekeyed or p.old_due is distinct from p.new_due or (p.old_flags & ${sql.raw(String(FAMILY_MASK.get('due')))}) is distinct from (p.new_flags & ${sql.raw(String(FAMILY_MASK.get('due')))})
        union select 'replied' as family, x.day from pair p cross join lateral (values (p.old_replied), (p.new_replied)) x(day)
          where p.rekeyed or p.old_replied is distinct from p.new_replied or (p.old_flags & ${sql.raw(String(FAMILY_MASK.get('replied')))}) is distinct from (p.new_flags & ${sql.raw(String(FAMILY_MASK.get('replied')))})
        union select 'rated' as family, x.day from pair p cross join lateral (values (p.old_rated), (p.new_rated)) x(day)
          where p.rekeyed or p.old_rated is distinct from p.new_rated or (p.old_flags & ${sql.raw(String(FAMILY_MASK.get('rated')))}) is distinct from (p.new_flags & ${sql.raw(String(FAMILY_MASK.get('rated')))})
        union select 'answered' as family, x.day from pair p cross join lateral (values (p.old_answered), (p.new_answered)) x(day)
          where p.rekeyed or p.old_answered is distinct from p.new_answered or (p.old_flags & ${sql.raw(String(FAMILY_MASK.get('answered')))}) is distinct from (p.new_flags & ${sql.raw(String(FAMILY_MASK.get('answered')))})
        union select 'dispatch', ${localDay(sql`d.dispatched_at`)} from pair p join ${ticketDispatches} d on d.ticket_id = p.id
          where p.rekeyed or p.old_dispatches is distinct from p.new_dispatches or p.old_returned is distinct from p.new_returned)
      select (select count(*)::int from saved) as tickets,
        (select coalesce(json_agg(json_build_object('family', family, 'day', to_char(day, 'YYYY-MM-DD'))), '[]'::json) from days where day is not null) as days`),
  );
  const touched = (typeof changed!.days === 'string' ? JSON.parse(changed!.days) : changed!.days) as { family: Family['name']; day: string }[];
  for (const family of FAMILIES) {
    await recount(
      tx,
      family,
      touched.filter((t) => t.family === family.name).map((t) => t.day),
    );
  }
  return { tickets: Number(changed!.tickets), days: touched.length };
}

/**
 * Recounts these tickets' days now, as a refresh does for changed tickets (one at a
 * time with refreshes): after a repair of their rows outside the state machine, and
 * for the benchmark's cost per changed ticket. Nothing to do before the first build.
 */
export async function recountMetricTickets(db: Db, ticketIds: string[]): Promise<{ tickets: number; days: number; ms: number }> {
  const started = performance.now();
  return db.transaction(async (tx) => {
    const [state] = rowsOf(await tx.execute(sql`select built_at from ${metricRollupState} where id = ${STATE_ID} for update`));
    if (!state || state.built_at === null) return { tickets: 0, days: 0, ms: 0 };
    const recounted = await recountTickets(tx, sql`select distinct jsonb_array_elements_text(${JSON.stringify(ticketIds)}::jsonb) as id`);
    return { ...recounted, ms: Math.round(performance.now() - started) };
  });
}

/** Marks the rollups for a full build at the next refresh (after a repair of the raw rows outside the state machine, say). */
export async function resetMetricRollups(db: Db): Promise<void> {
  await db.insert(metricRollupState).values({ id: STATE_ID }).onConflictDoUpdate({ target: metricRollupState.id, set: { builtAt: null, watermark: 0 } });
}

/** The build's figures, as the state row keeps them. */
export async function metricRollupStatus(db: Db) {
  const [state] = await db.select().from(metricRollupState).where(eq(metricRollupState.id, STATE_ID));
  return state ?? null;
}
