import { type Db, newId, staffAccounts, ticketCounters } from '@hotline/db';
import type { Channel, RequestType, Satisfaction, StaffRole, TicketStatus, Urgency } from '@hotline/db/enums';
import { createHash, randomBytes } from 'node:crypto';
import { like, sql } from 'drizzle-orm';
import { localDayOf } from '../domain/calendar/local-time.ts';
import { type Rules, loadRules } from '../domain/settings/rules.ts';
import { hashPassword, generatePassword } from '../domain/staff/passwords.ts';
import { suggestUnits } from '../domain/routing/suggest-units.ts';
import { canTransition, type TicketAction } from '../domain/tickets/state-machine.ts';
import { acceptDue, dispatchDueTimes } from '../domain/time-limits/due-times.ts';
import * as words from './volume-text.ts';

// npm run seed:volume: a year of a mid-size city's tickets for development and
// benchmarks. Rows are written as the state machine would have left them
// (api/src/domain/tickets): each ticket walks the transition table step by
// step in memory, with the domain's own due-time and routing rules, and the
// results go in with multi-row inserts. Every step is checked with
// canTransition, so a walk the machine would refuse stops the seed.
// History is not announced: no outbox messages are written.

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export interface VolumeOptions {
  tickets: number;
  /** How far back the tickets start (days before `now`). */
  days?: number;
  now?: Date;
  /** Seed of the random generator: the same seed gives the same city. */
  seed?: number;
  /** Tickets per insert batch. */
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface VolumeResult {
  tickets: number;
  events: number;
  dispatches: number;
  /** Duplicate links written (repeated reports and merges). */
  links: number;
  byStatus: Record<string, number>;
  ms: number;
  /** Of which writing the rows (the rest is walking the tickets in memory). */
  writeMs: number;
}

/** A small fast deterministic generator (mulberry32). */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    chance: (p: number) => next() < p,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!,
    weighted: <T>(pairs: readonly (readonly [T, number])[]): T => {
      const total = pairs.reduce((s, [, w]) => s + w, 0);
      let r = next() * total;
      for (const [v, w] of pairs) if ((r -= w) < 0) return v;
      return pairs[pairs.length - 1]![0];
    },
  };
}
type Random = ReturnType<typeof random>;

const CHANNEL_MIX = [['phone', 52], ['web', 18], ['wechat', 20], ['mailbox', 5], ['telegram', 5]] as const satisfies readonly (readonly [Channel, number])[];
const TYPE_MIX = [['complaint', 38], ['report', 18], ['help', 16], ['consultation', 20], ['suggestion', 6], ['praise', 2]] as const satisfies readonly (readonly [RequestType, number])[];
const CATEGORY_MIX: Record<string, number> = {
  urban_management: 20, housing_property: 16, utilities: 11, transport: 9, environment: 8, market_regulation: 7, labor_social_security: 7,
  health: 4, education: 4, public_safety: 3, civil_affairs: 3, household_registration: 2, agriculture_rural: 2, government_services: 2, planning_construction: 1, other: 1,
};

interface Staff { id: string; name: string; role: StaffRole; unitId: string | null }

export interface EventRow {
  ticketId: string;
  action: TicketAction;
  fromStatus: TicketStatus | null;
  toStatus: TicketStatus;
  actorKind: 'citizen' | 'staff' | 'system';
  actorId: string | null;
  actorName: string | null;
  unitId: string | null;
  note: string | null;
  public: boolean;
  data: Record<string, unknown> | null;
  createdAt: Date;
}

interface DispatchRow {
  ticketId: string;
  leadUnitId: string;
  coUnitIds: string[];
  dispatchedBy: string;
  dispatchedAt: Date;
  followedSuggestion: 'yes' | 'no' | 'none';
  returnedAt: Date | null;
  returnReason: string | null;
}

/** A ticket linked to an earlier one of the same matter, as the outbox's duplicate linking would write it. */
interface LinkRow {
  ticketId: string;
  duplicateOfId: string;
  clusterId: string;
  score: number;
  place: string;
  createdAt: Date;
}

/** The ticket columns the seed writes; the rest keep their defaults. */
export interface VolumeTicket {
  id: string; ticketNo: string; queryCodeHash: string; type: RequestType; categoryCode: string | null; subcategoryCode: string | null;
  title: string; description: string; districtCode: string | null; streetCode: string | null; address: string | null;
  occurredAt: Date | null; citizenName: string | null; citizenPhone: string | null; anonymous: boolean; confidential: boolean; publishConsent: boolean;
  channel: Channel; addressee: string | null; channelUserId: string | null; urgency: Urgency; status: TicketStatus; version: number;
  leadUnitId: string | null; coUnitIds: string[]; acceptDueAt: Date | null; signDueAt: Date | null; contactDueAt: Date | null; onSiteDueAt: Date | null; dueAt: Date | null;
  acceptedAt: Date | null; dispatchedAt: Date | null; signedAt: Date | null; contactedAt: Date | null; repliedAt: Date | null; replyText: string | null;
  answeredAt: Date | null; closedAt: Date | null; rejectReason: string | null; mergedIntoId: string | null;
  returnCount: number; returnRequestedAt: Date | null; returnReason: string | null;
  extensionRequestedAt: Date | null; extensionRequestedDueAt: Date | null; extensionReason: string | null; extensionCount: number;
  urgeCount: number; supervised: boolean; reopenCount: number;
  ratedAt: Date | null; ratedBy: 'citizen' | 'callback' | null; processSatisfaction: Satisfaction | null; resultSatisfaction: Satisfaction | null;
  resolved: boolean | null; ratingComment: string | null; createdAt: Date; updatedAt: Date;
}

const VOLUME_USER_PREFIX = 'volume.';

/** Staff who authored the history: inactive accounts (nobody knows their passwords), one handler per unit. */
async function ensureStaff(db: Db, rules: Rules): Promise<{ operators: Staff[]; dispatchers: Staff[]; supervisors: Staff[]; handlers: Map<string, Staff> }> {
  const wanted: { username: string; displayName: string; role: StaffRole; unitId: string | null }[] = [];
  for (let i = 1; i <= 8; i++) wanted.push({ username: `${VOLUME_USER_PREFIX}operator${i}`, displayName: `受理员${String(i).padStart(2, '0')}（样本数据）`, role: 'operator', unitId: null });
  for (let i = 1; i <= 4; i++) wanted.push({ username: `${VOLUME_USER_PREFIX}dispatcher${i}`, displayName: `派单员${String(i).padStart(2, '0')}（样本数据）`, role: 'dispatcher', unitId: null });
  for (let i = 1; i <= 3; i++) wanted.push({ username: `${VOLUME_USER_PREFIX}supervisor${i}`, displayName: `督办员${String(i).padStart(2, '0')}（样本数据）`, role: 'supervisor', unitId: null });
  for (const unit of rules.catalog.units.values()) {
    if (unit.active) wanted.push({ username: `${VOLUME_USER_PREFIX}unit.${unit.id}`, displayName: `${unit.name}承办人（样本数据）`, role: 'unit_handler', unitId: unit.id });
  }
  const passwordHash = await hashPassword(generatePassword());
  await db
    .insert(staffAccounts)
    .values(wanted.map((w) => ({ id: newId(), ...w, passwordHash, active: false })))
    .onConflictDoNothing({ target: staffAccounts.username });
  const rows = await db.select().from(staffAccounts).where(like(staffAccounts.username, `${VOLUME_USER_PREFIX}%`));
  const all = rows.map((r) => ({ id: r.id, name: r.displayName, role: r.role, unitId: r.unitId }));
  return {
    operators: all.filter((s) => s.role === 'operator'),
    dispatchers: all.filter((s) => s.role === 'dispatcher'),
    supervisors: all.filter((s) => s.role === 'supervisor'),
    handlers: new Map(all.filter((s) => s.role === 'unit_handler' && s.unitId).map((s) => [s.unitId!, s])),
  };
}

/** Postgres array literal of text values, for `unnest($1::text[])`. */
function pgArray(values: readonly (string | null)[]): string {
  return `{${values.map((v) => (v === null ? 'NULL' : `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)).join(',')}}`;
}
const iso = (d: Date | null) => (d ? d.toISOString() : null);
const str = (v: string | number | boolean | null) => (v === null ? null : String(v));

const TICKET_COLUMNS: [string, string, (t: VolumeTicket) => string | null][] = [
  ['id', 'text', (t) => t.id], ['ticket_no', 'text', (t) => t.ticketNo], ['query_code_hash', 'text', (t) => t.queryCodeHash], ['type', 'text', (t) => t.type],
  ['category_code', 'text', (t) => t.categoryCode], ['subcategory_code', 'text', (t) => t.subcategoryCode], ['title', 'text', (t) => t.title],
  ['description', 'text', (t) => t.description], ['district_code', 'text', (t) => t.districtCode], ['street_code', 'text', (t) => t.streetCode],
  ['address', 'text', (t) => t.address], ['occurred_at', 'timestamptz', (t) => iso(t.occurredAt)], ['citizen_name', 'text', (t) => t.citizenName],
  ['citizen_phone', 'text', (t) => t.citizenPhone], ['anonymous', 'boolean', (t) => str(t.anonymous)], ['confidential', 'boolean', (t) => str(t.confidential)],
  ['publish_consent', 'boolean', (t) => str(t.publishConsent)], ['channel', 'text', (t) => t.channel], ['addressee', 'text', (t) => t.addressee],
  ['channel_user_id', 'text', (t) => t.channelUserId], ['urgency', 'text', (t) => t.urgency], ['status', 'text', (t) => t.status], ['version', 'integer', (t) => str(t.version)],
  ['lead_unit_id', 'text', (t) => t.leadUnitId], ['co_unit_ids', 'jsonb', (t) => JSON.stringify(t.coUnitIds)], ['accept_due_at', 'timestamptz', (t) => iso(t.acceptDueAt)],
  ['sign_due_at', 'timestamptz', (t) => iso(t.signDueAt)], ['contact_due_at', 'timestamptz', (t) => iso(t.contactDueAt)], ['on_site_due_at', 'timestamptz', (t) => iso(t.onSiteDueAt)],
  ['due_at', 'timestamptz', (t) => iso(t.dueAt)], ['accepted_at', 'timestamptz', (t) => iso(t.acceptedAt)], ['dispatched_at', 'timestamptz', (t) => iso(t.dispatchedAt)],
  ['signed_at', 'timestamptz', (t) => iso(t.signedAt)], ['contacted_at', 'timestamptz', (t) => iso(t.contactedAt)], ['replied_at', 'timestamptz', (t) => iso(t.repliedAt)],
  ['reply_text', 'text', (t) => t.replyText], ['answered_at', 'timestamptz', (t) => iso(t.answeredAt)], ['closed_at', 'timestamptz', (t) => iso(t.closedAt)],
  ['reject_reason', 'text', (t) => t.rejectReason], ['merged_into_id', 'text', (t) => t.mergedIntoId], ['return_count', 'integer', (t) => str(t.returnCount)],
  ['return_requested_at', 'timestamptz', (t) => iso(t.returnRequestedAt)], ['return_reason', 'text', (t) => t.returnReason],
  ['extension_requested_at', 'timestamptz', (t) => iso(t.extensionRequestedAt)], ['extension_requested_due_at', 'timestamptz', (t) => iso(t.extensionRequestedDueAt)],
  ['extension_reason', 'text', (t) => t.extensionReason], ['extension_count', 'integer', (t) => str(t.extensionCount)], ['urge_count', 'integer', (t) => str(t.urgeCount)],
  ['supervised', 'boolean', (t) => str(t.supervised)], ['reopen_count', 'integer', (t) => str(t.reopenCount)], ['rated_at', 'timestamptz', (t) => iso(t.ratedAt)],
  ['rated_by', 'text', (t) => t.ratedBy], ['process_satisfaction', 'text', (t) => t.processSatisfaction], ['result_satisfaction', 'text', (t) => t.resultSatisfaction],
  ['resolved', 'boolean', (t) => str(t.resolved)], ['rating_comment', 'text', (t) => t.ratingComment], ['created_at', 'timestamptz', (t) => iso(t.createdAt)],
  ['updated_at', 'timestamptz', (t) => iso(t.updatedAt)],
];
const EVENT_COLUMNS: [string, string, (e: EventRow) => string | null][] = [
  ['ticket_id', 'text', (e) => e.ticketId], ['action', 'text', (e) => e.action], ['from_status', 'text', (e) => e.fromStatus], ['to_status', 'text', (e) => e.toStatus],
  ['actor_kind', 'text', (e) => e.actorKind], ['actor_id', 'text', (e) => e.actorId], ['actor_name', 'text', (e) => e.actorName], ['unit_id', 'text', (e) => e.unitId],
  ['note', 'text', (e) => e.note], ['public', 'boolean', (e) => str(e.public)], ['data', 'jsonb', (e) => (e.data ? JSON.stringify(e.data) : null)],
  ['created_at', 'timestamptz', (e) => iso(e.createdAt)],
];
const DISPATCH_COLUMNS: [string, string, (d: DispatchRow) => string | null][] = [
  ['ticket_id', 'text', (d) => d.ticketId], ['lead_unit_id', 'text', (d) => d.leadUnitId], ['co_unit_ids', 'jsonb', (d) => JSON.stringify(d.coUnitIds)],
  ['dispatched_by', 'text', (d) => d.dispatchedBy], ['dispatched_at', 'timestamptz', (d) => iso(d.dispatchedAt)], ['followed_suggestion', 'text', (d) => d.followedSuggestion],
  ['returned_at', 'timestamptz', (d) => iso(d.returnedAt)], ['return_reason', 'text', (d) => d.returnReason],
];

const LINK_COLUMNS: [string, string, (l: LinkRow) => string | null][] = [
  ['ticket_id', 'text', (l) => l.ticketId], ['duplicate_of_id', 'text', (l) => l.duplicateOfId], ['cluster_id', 'text', (l) => l.clusterId],
  ['score', 'real', (l) => str(l.score)], ['place', 'text', (l) => l.place], ['created_at', 'timestamptz', (l) => iso(l.createdAt)],
];

/** One multi-row insert: each column travels as one array parameter and `unnest` turns them into rows. */
async function insertRows<T>(db: Db, table: string, columns: [string, string, (row: T) => string | null][], rows: readonly T[]) {
  if (rows.length === 0) return;
  const names = sql.raw(columns.map(([c]) => c).join(', '));
  const selects = sql.join(
    columns.map(([, type, get], i) => {
      const param = sql`${pgArray(rows.map(get))}`;
      // jsonb arrays would need their elements quoted twice: travel as text and cast each value.
      return type === 'jsonb' ? sql`unnest(${param}::text[])::jsonb as c${sql.raw(String(i))}` : sql`unnest(${param}::${sql.raw(type)}[]) as c${sql.raw(String(i))}`;
    }),
    sql`, `,
  );
  await db.execute(sql`insert into ${sql.raw(table)} (${names}) select ${selects}`);
}

/**
 * Fills the database with `tickets` tickets filed over the last `days` days,
 * each walked through the state machine as far as its age allows.
 */
export async function seedVolume(db: Db, options: VolumeOptions): Promise<VolumeResult> {
  const started = performance.now();
  const now = options.now ?? new Date();
  const days = options.days ?? 365;
  const batchSize = options.batchSize ?? 2_000;
  const rnd = random(options.seed ?? 12345);
  const rules = await loadRules(db);
  const { catalog, calendar, settings } = rules;
  const limits = settings.timeLimits;
  const workflow = settings.workflow;
  const staff = await ensureStaff(db, rules);
  if (staff.handlers.size === 0) throw new Error('没有承办单位：请先载入参考数据（npm run admin -- migrate）');

  const firstLevel = [...catalog.categories.values()].filter((c) => c.active && c.parentCode === null);
  const children = new Map(firstLevel.map((c) => [c.code, [...catalog.categories.values()].filter((s) => s.active && s.parentCode === c.code)]));
  const categoryMix = firstLevel.map((c) => [c.code, CATEGORY_MIX[c.code] ?? 1] as const);
  const streets = [...catalog.streets.values()];
  const units = [...catalog.units.values()].filter((u) => u.active && staff.handlers.has(u.id));
  const unitName = (id: string) => catalog.units.get(id)?.name ?? id;

  // Routing goes through the real suggestion code, once per distinct question.
  const routes = new Map<string, Awaited<ReturnType<typeof suggestUnits>>>();
  async function route(q: { categoryCode: string | null; subcategoryCode: string | null; districtCode: string | null; streetCode: string | null }) {
    const key = `${q.categoryCode}|${q.subcategoryCode}|${q.districtCode}|${q.streetCode}`;
    if (!routes.has(key)) routes.set(key, await suggestUnits(db, catalog, q, settings.mailbox));
    return routes.get(key)!;
  }

  // Filing times: a year, busier on working days and in the daytime, oldest first.
  const start = now.getTime() - days * DAY;
  const times: number[] = [];
  while (times.length < options.tickets) {
    const t = start + rnd.next() * (now.getTime() - start - MINUTE);
    const local = new Date(t + 8 * 3600_000);
    const hour = local.getUTCHours();
    const dayWeight = calendar.isWorkingDay(localDayOf(new Date(t))) ? 1 : 0.55;
    const hourWeight = hour >= 8 && hour < 20 ? 1 : hour >= 6 && hour < 23 ? 0.45 : 0.1;
    if (rnd.next() < dayWeight * hourWeight) times.push(t);
  }
  times.sort((a, b) => a - b);

  // Daily numbers continue after any the day already has.
  const counters = new Map((await db.select().from(ticketCounters)).map((r) => [r.day, r.last]));
  const usedDays = new Set<string>();
  const nextNo = (at: Date) => {
    const day = localDayOf(at).replaceAll('-', '');
    const n = (counters.get(day) ?? 0) + 1;
    counters.set(day, n);
    usedDays.add(day);
    return `${day}${String(n).padStart(4, '0')}`;
  };
  // Merge targets: the latest accepted ticket on the same matter (second-level category and street),
  // with its cluster and text, which a citizen reporting the same thing again repeats.
  const mergeTargets = new Map<string, { id: string; ticketNo: string; at: number; clusterId: string; title: string; address: string | null }>();
  const byStatus: Record<string, number> = {};
  const result = { tickets: 0, events: 0, dispatches: 0, links: 0, writeMs: 0 };

  let batch: { tickets: VolumeTicket[]; events: EventRow[]; dispatches: DispatchRow[]; links: LinkRow[] } = { tickets: [], events: [], dispatches: [], links: [] };
  const flush = async () => {
    const b = batch;
    if (b.tickets.length === 0) return;
    batch = { tickets: [], events: [], dispatches: [], links: [] };
    const writeStarted = performance.now();
    await db.transaction(async (tx) => {
      await insertRows(tx as unknown as Db, 'tickets', TICKET_COLUMNS, b.tickets);
      await insertRows(tx as unknown as Db, 'ticket_events', EVENT_COLUMNS, b.events);
      await insertRows(tx as unknown as Db, 'ticket_dispatches', DISPATCH_COLUMNS, b.dispatches);
      await insertRows(tx as unknown as Db, 'ticket_duplicate_links', LINK_COLUMNS, b.links);
    });
    result.writeMs += performance.now() - writeStarted;
    result.tickets += b.tickets.length;
    result.events += b.events.length;
    result.dispatches += b.dispatches.length;
    result.links += b.links.length;
    options.onProgress?.(result.tickets, options.tickets);
  };

  for (const filedAt of times) {
    const walk = await walkTicket(new Date(filedAt));
    batch.tickets.push(walk.ticket);
    batch.events.push(...walk.events);
    batch.dispatches.push(...walk.dispatches);
    batch.links.push(...walk.links);
    byStatus[walk.ticket.status] = (byStatus[walk.ticket.status] ?? 0) + 1;
    if (batch.tickets.length >= batchSize) await flush();
  }
  await flush();
  for (const day of usedDays) {
    const last = counters.get(day)!;
    await db
      .insert(ticketCounters)
      .values({ day, last })
      .onConflictDoUpdate({ target: ticketCounters.day, set: { last: sql`greatest(${ticketCounters.last}, ${last})` } });
  }
  // As autovacuum would, at once: planner statistics, and the visibility map that lets counts read indexes only.
  await db.execute(sql`vacuum analyze tickets`);
  await db.execute(sql`vacuum analyze ticket_events`);
  await db.execute(sql`vacuum analyze ticket_dispatches`);
  await db.execute(sql`vacuum analyze ticket_duplicate_links`);
  return { ...result, byStatus, ms: performance.now() - started };

  async function walkTicket(filedAt: Date) {
    const r: Random = rnd;
    const channel = r.weighted(CHANNEL_MIX);
    const type = r.weighted(TYPE_MIX);
    const first = r.weighted(categoryMix);
    const sub = r.pick(children.get(first) ?? [null]);
    const street = r.pick(streets);
    const urgent = type !== 'consultation' && type !== 'suggestion' && type !== 'praise' && r.chance(0.03);
    const problem = r.pick(words.PROBLEMS[first] ?? words.PROBLEMS.other!);
    const place = r.chance(0.5) ? `${r.pick(words.ESTATES)}${r.pick(words.PLACES)}` : `${r.pick(words.ROADS)}${r.pick(words.PLACES)}`;
    const streetName = street.name;
    const anonymous = r.chance(0.06);
    const id = newId(filedAt.getTime());
    const classified = { type, categoryCode: first, subcategoryCode: sub?.code ?? null, urgency: (urgent ? 'urgent' : 'normal') as Urgency };
    const accept = acceptDue(calendar, limits, { ...classified, channel }, filedAt);
    const t: VolumeTicket = {
      // A digest of no code anyone was told: nobody can look these tickets up on the portal.
      id, ticketNo: nextNo(filedAt), queryCodeHash: randomBytes(32).toString('hex'), type, categoryCode: first, subcategoryCode: sub?.code ?? null,
      title: `${streetName}${place}${problem}`,
      description: `${r.pick(words.SINCE)}，${streetName}${place}${problem}，${r.pick(words.DETAILS)}。`,
      districtCode: street.districtCode, streetCode: street.code,
      address: r.chance(0.8) ? `${r.pick(words.ROADS)}${r.int(1, 399)}号${r.chance(0.5) ? `${r.pick(words.ESTATES)}${r.int(1, 30)}栋` : ''}` : null,
      occurredAt: r.chance(0.4) ? new Date(filedAt.getTime() - r.int(10, 4320) * MINUTE) : null,
      citizenName: anonymous ? null : `${r.pick(words.SURNAMES)}${r.pick(words.GIVEN_NAMES)}`,
      citizenPhone: anonymous ? null : `1${r.pick(['3', '5', '7', '8', '9'])}${String(r.int(0, 999_999_999)).padStart(9, '0')}`,
      anonymous, confidential: r.chance(0.04), publishConsent: r.chance(0.3), channel,
      addressee: channel === 'mailbox' ? 'mayor' : null,
      channelUserId: channel === 'wechat' ? wechatOpenId(id) : channel === 'telegram' ? `tg_${r.int(10_000_000, 99_999_999)}` : null,
      urgency: classified.urgency, status: 'submitted', version: 1, leadUnitId: null, coUnitIds: [],
      acceptDueAt: accept.acceptDueAt, signDueAt: null, contactDueAt: null, onSiteDueAt: null, dueAt: null,
      acceptedAt: null, dispatchedAt: null, signedAt: null, contactedAt: null, repliedAt: null, replyText: null, answeredAt: null, closedAt: null,
      rejectReason: null, mergedIntoId: null, returnCount: 0, returnRequestedAt: null, returnReason: null,
      extensionRequestedAt: null, extensionRequestedDueAt: null, extensionReason: null, extensionCount: 0, urgeCount: 0, supervised: false, reopenCount: 0,
      ratedAt: null, ratedBy: null, processSatisfaction: null, resultSatisfaction: null, resolved: null, ratingComment: null,
      createdAt: filedAt, updatedAt: filedAt,
    };
    if (channel === 'mailbox' && t.addressee === 'mayor' && !settings.mailbox.addressees.some((a) => a.code === 'mayor')) t.addressee = null;
    const events: EventRow[] = [];
    const dispatches: DispatchRow[] = [];
    const links: LinkRow[] = [];
    // Some citizens report a matter someone reported days before, in much the same words: the duplicate
    // linking would join them to that ticket's cluster (so reports and hot spots see repeated problems).
    const matterKey = `${t.subcategoryCode}|${t.streetCode}`;
    const target = mergeTargets.get(matterKey);
    const recent = target && filedAt.getTime() - target.at < 7 * DAY ? target : null;
    if (recent && r.chance(0.12)) {
      t.title = recent.title;
      t.description = `${r.pick(words.SINCE)}，${recent.title}，${r.pick(words.DETAILS)}。`;
      t.address = recent.address;
      links.push({ ticketId: id, duplicateOfId: recent.id, clusterId: recent.clusterId, score: 0.9, place: 'street', createdAt: filedAt });
    }
    const clusterId = links[0]?.clusterId ?? id;
    const operator = r.pick(staff.operators);
    const dispatcher = r.pick(staff.dispatchers);
    const supervisor = r.pick(staff.supervisors);
    const asStaff = (s: Staff) => ({ actorKind: 'staff' as const, actorId: s.id, actorName: s.name, unitId: s.unitId });
    const citizen = { actorKind: 'citizen' as const, actorId: t.channelUserId, actorName: '诉求人', unitId: null };

    /** One step of the walk: false when it would happen after `now` (the ticket stays where it is). */
    const step = (
      action: TicketAction,
      at: Date,
      to: TicketStatus | null,
      actor: Pick<EventRow, 'actorKind' | 'actorId' | 'actorName' | 'unitId'>,
      event: { note?: string | null; public: boolean; data?: Record<string, unknown> | null },
      patch: Partial<VolumeTicket> = {},
    ): boolean => {
      if (at.getTime() > now.getTime()) return false;
      const last = events.length ? events[events.length - 1]!.createdAt : at;
      if (at < last) throw new Error(`seed walk went back in time: ${action} at ${at.toISOString()} after ${last.toISOString()}`);
      const from = events.length ? t.status : null;
      const target = to ?? t.status;
      if (!canTransition(action, from, target)) throw new Error(`seed walk refused by the state machine: ${action} ${from} → ${target}`);
      Object.assign(t, patch, { status: target, version: events.length ? t.version + 1 : 1, updatedAt: at });
      events.push({ ticketId: id, action, fromStatus: from, toStatus: target, ...actor, note: event.note ?? null, public: event.public, data: event.data ?? null, createdAt: at });
      return true;
    };
    const work = (from: Date, min: number, max: number) => (t.urgency === 'urgent' ? new Date(from.getTime() + r.int(Math.ceil(min / 10), Math.ceil(max / 10)) * MINUTE) : calendar.addWorkingMinutes(from, r.int(min, max)));
    const lastAt = () => events[events.length - 1]!.createdAt;

    step('submit', filedAt, 'submitted', channel === 'phone' ? asStaff(operator) : citizen, { public: true, data: { channel, acceptBasis: accept.basis } });

    // Intake: most within the limit, a few late.
    let at = r.chance(0.04) ? new Date(accept.acceptDueAt.getTime() + r.int(10, 600) * MINUTE) : work(filedAt, 3, 240);
    if (at > accept.acceptDueAt && r.chance(0.5)) at = new Date(Math.max(filedAt.getTime() + MINUTE, accept.acceptDueAt.getTime() - r.int(1, 10) * MINUTE));
    const roll = r.next();
    if (roll < (type === 'consultation' ? 0.45 : 0.03)) {
      const answer = r.pick(words.DIRECT_ANSWERS);
      if (!step('answer_directly', at, 'answered', asStaff(operator), { note: answer, public: true }, { answeredAt: at, repliedAt: at, replyText: answer, acceptedAt: at })) return done();
      await afterReply();
      return done();
    }
    if (roll > 0.97) {
      const reason = r.pick(words.REJECT_REASONS);
      step('reject', at, 'rejected', asStaff(operator), { note: reason, public: true }, { rejectReason: reason, closedAt: at });
      return done();
    }
    if (target && filedAt.getTime() - target.at < 30 * DAY && roll > 0.93) {
      step('merge', at, 'merged', asStaff(operator), { public: true, data: { intoTicketNo: target.ticketNo } }, { mergedIntoId: target.id, closedAt: at });
      // A merge links the two as the real merge does.
      if (!links.some((l) => l.duplicateOfId === target.id)) links.push({ ticketId: id, duplicateOfId: target.id, clusterId: target.clusterId, score: 1, place: 'street', createdAt: at });
      return done();
    }
    if (!step('accept', at, 'accepted', asStaff(operator), { public: true, data: { category: t.categoryCode } }, { acceptedAt: at })) return done();
    mergeTargets.set(matterKey, { id, ticketNo: t.ticketNo, at: filedAt.getTime(), clusterId, title: t.title, address: t.address });
    await handle();
    return done();

    function done() {
      return { ticket: t, events, dispatches, links };
    }

    /** From accepted: dispatch (returned now and then), sign, work, reply, callback. */
    async function handle(): Promise<void> {
      const suggestion = await route(t);
      for (;;) {
        const dispatchedAt = work(lastAt(), 5, 180);
        // About 1.75% of dispatches go to a unit that returns them (the seeds' dispatch accuracy is 98.25%).
        const wrong = !!suggestion && t.returnCount < workflow.returnLimit && r.chance(0.0175);
        const lead = wrong || !suggestion ? r.pick(units.filter((u) => u.id !== suggestion?.leadUnitId)).id : suggestion.leadUnitId;
        const coUnitIds = !wrong && suggestion ? suggestion.coUnitIds : [];
        const followed: 'yes' | 'no' | 'none' = !suggestion ? 'none' : wrong ? 'no' : 'yes';
        const due = dispatchDueTimes(calendar, limits, t, dispatchedAt);
        const ok = step(
          'dispatch', dispatchedAt, 'dispatched', asStaff(dispatcher),
          { public: true, data: { leadUnitId: lead, leadUnitName: unitName(lead), coUnitIds, coUnitNames: coUnitIds.map(unitName), dueAt: due.dueAt.toISOString(), replyWorkingDays: due.replyWorkingDays, suggestedRuleId: suggestion?.ruleId ?? null, followedSuggestion: followed } },
          { leadUnitId: lead, coUnitIds, dispatchedAt, signedAt: null, dueAt: due.dueAt, signDueAt: due.signDueAt, contactDueAt: due.contactDueAt, onSiteDueAt: due.onSiteDueAt, acceptedAt: t.acceptedAt ?? dispatchedAt },
        );
        if (!ok) return;
        const dispatch: DispatchRow = { ticketId: id, leadUnitId: lead, coUnitIds, dispatchedBy: dispatcher.id, dispatchedAt, followedSuggestion: followed, returnedAt: null, returnReason: null };
        dispatches.push(dispatch);
        const handler = staff.handlers.get(lead)!;
        const refused = !wrong && r.chance(0.003);
        if (!wrong && !refused) break;
        const asked = new Date(Math.min(work(dispatchedAt, 20, 300).getTime(), calendar.endOfNthWorkingDay(dispatchedAt, workflow.returnWindowWorkingDays).getTime()));
        const reason = r.pick(words.RETURN_REASONS);
        if (!step('request_return', asked, 'return_requested', asStaff(handler), { note: reason, public: false }, { returnRequestedAt: asked, returnReason: reason })) return;
        const decided = work(asked, 10, 240);
        if (refused) {
          // The dispatcher finds the unit responsible after all: the return is denied and the unit keeps it.
          if (!step('deny_return', decided, 'dispatched', asStaff(dispatcher), { note: '经核实属于贵单位职责，请继续办理', public: false }, { returnRequestedAt: null })) return;
          break;
        }
        const approver = t.returnCount >= workflow.returnLimit ? supervisor : dispatcher;
        const ok2 = step(
          'approve_return', decided, 'accepted', asStaff(approver),
          { public: false, data: { returnedBy: lead, reason } },
          { leadUnitId: null, coUnitIds: [], dueAt: null, signDueAt: null, contactDueAt: null, onSiteDueAt: null, signedAt: null, returnCount: t.returnCount + 1, returnRequestedAt: null, extensionRequestedAt: null, extensionRequestedDueAt: null, extensionReason: null },
        );
        if (!ok2) return;
        dispatch.returnedAt = decided;
        dispatch.returnReason = reason;
      }
      const handler = staff.handlers.get(t.leadUnitId!)!;
      // Sign: within two working hours, a few late.
      const base = lastAt();
      const onTime = work(base, 5, 110);
      const signedAt = r.chance(0.05)
        ? new Date(Math.max(t.signDueAt!.getTime() + r.int(10, 600) * MINUTE, base.getTime()))
        : t.signDueAt! > base && onTime > t.signDueAt! ? t.signDueAt! : onTime;
      if (!step('sign', signedAt, 'in_progress', asStaff(handler), { public: true, data: { late: signedAt > t.signDueAt! } }, { signedAt })) return;
      await unitWork(handler);
    }

    /** In progress: contact, notes, urges, extensions, then the reply and the callback. */
    async function unitWork(handler: Staff): Promise<void> {
      if (r.chance(0.92)) {
        const contactAt = work(lastAt(), 5, 400);
        const late = t.contactDueAt ? contactAt > t.contactDueAt : false;
        if (!step('record_contact', contactAt, null, asStaff(handler), { note: r.pick(words.CONTACT_NOTES), public: false, data: { method: 'phone', methodLabel: '电话', contactedAt: contactAt.toISOString(), late } }, { contactedAt: t.contactedAt ?? contactAt })) return;
      }
      if (r.chance(0.3)) {
        if (!step('progress_note', work(lastAt(), 60, 900), null, asStaff(handler), { note: r.pick(words.PROGRESS_NOTES), public: r.chance(0.5), data: { coUnit: false } })) return;
      }
      if (r.chance(0.02)) {
        if (!step('supervise', work(lastAt(), 30, 600), null, asStaff(supervisor), { note: '群众反映强烈，列入督办', public: false }, { supervised: true })) return;
      }
      if (r.chance(0.05) && t.dueAt!.getTime() - lastAt().getTime() > 16 * 60 * MINUTE) {
        const extra = r.int(3, 10);
        const requested = calendar.endOfNthWorkingDay(t.dueAt!, extra);
        const reason = r.pick(words.EXTENSION_REASONS);
        const askedAt = new Date(Math.min(work(lastAt(), 60, 900).getTime(), t.dueAt!.getTime() - 60 * MINUTE));
        if (!step('request_extension', askedAt, null, asStaff(handler), { note: reason, public: false, data: { extraWorkingDays: extra, requestedDueAt: requested.toISOString(), currentDueAt: t.dueAt!.toISOString() } }, { extensionRequestedAt: askedAt, extensionRequestedDueAt: requested, extensionReason: reason })) return;
        const decidedAt = work(lastAt(), 30, 480);
        if (r.chance(0.8)) {
          if (!step('approve_extension', decidedAt, null, asStaff(dispatcher), { public: true, data: { previousDueAt: t.dueAt!.toISOString(), dueAt: requested.toISOString() } }, { dueAt: requested, extensionCount: t.extensionCount + 1, extensionRequestedAt: null, extensionRequestedDueAt: null, extensionReason: null })) return;
        } else if (!step('deny_extension', decidedAt, null, asStaff(dispatcher), { note: '理由不充分，请按期办结', public: false }, { extensionRequestedAt: null, extensionRequestedDueAt: null, extensionReason: null })) return;
      }
      const late = r.chance(0.07);
      const window = t.dueAt!.getTime() - lastAt().getTime();
      let replyAt = late ? calendar.endOfNthWorkingDay(t.dueAt!, r.int(1, 4)) : new Date(lastAt().getTime() + Math.max(MINUTE, window * (0.15 + 0.8 * r.next())));
      // A late one gets urged first.
      if (late || replyAt > t.dueAt!) {
        const urgeAt = new Date(t.dueAt!.getTime() - r.int(60, 600) * MINUTE);
        if (urgeAt > lastAt()) {
          if (!step('urge', urgeAt, null, asStaff(supervisor), { note: '即将超期，请抓紧办理', public: false, data: { urgeCount: t.urgeCount + 1 } }, { urgeCount: t.urgeCount + 1 })) return;
        }
      }
      if (replyAt < lastAt()) replyAt = lastAt();
      const reply = r.pick(words.REPLIES);
      if (!step('reply', replyAt, 'replied', asStaff(handler), { note: reply, public: true, data: { onTime: replyAt <= t.dueAt! } }, { repliedAt: replyAt, replyText: reply, extensionRequestedAt: null, extensionRequestedDueAt: null, extensionReason: null })) return;
      await afterReply();
    }

    /** Replied or answered: a rating (by the citizen or on the callback), or three unanswered calls and 办结. */
    async function afterReply(): Promise<boolean> {
      const answered = lastAt();
      const roll = r.next();
      if (roll < 0.08) {
        for (let i = 0; i < workflow.callbackAttempts; i++) {
          // One a day, on different days.
          const attemptAt = calendar.addWorkingMinutes(new Date(lastAt().getTime() + DAY), r.int(0, 300));
          if (!step('callback_attempt', attemptAt, null, asStaff(supervisor), { note: '电话无人接听', public: false, data: { attempt: i + 1 } })) return false;
        }
        const closeAt = work(lastAt(), 10, 120);
        return step('close', closeAt, 'closed', asStaff(supervisor), { public: true, data: { outcome: 'unreachable', callbackAttempts: workflow.callbackAttempts } }, { closedAt: closeAt });
      }
      const byCitizen = roll < 0.55;
      const ratedAt = byCitizen ? new Date(answered.getTime() + r.int(10, 3 * 24 * 60) * MINUTE) : calendar.addWorkingMinutes(answered, r.int(60, 2 * 8 * 60));
      const level = (): Satisfaction => r.weighted([['satisfied', 80], ['basically_satisfied', 14], ['unsatisfied', 6]] as const);
      const processSatisfaction = level();
      const resultSatisfaction = processSatisfaction === 'unsatisfied' ? 'unsatisfied' : level();
      const unsatisfied = processSatisfaction === 'unsatisfied' || resultSatisfaction === 'unsatisfied';
      const resolved = !unsatisfied && r.chance(0.93);
      const reopen = unsatisfied && t.reopenCount < workflow.reopenLimit && ratedAt.getTime() <= answered.getTime() + workflow.reopenWindowDays * DAY;
      const comment = byCitizen && r.chance(0.3) ? r.pick(words.RATING_COMMENTS) : null;
      const rating = { ratedAt, ratedBy: byCitizen ? ('citizen' as const) : ('callback' as const), processSatisfaction, resultSatisfaction, resolved, ratingComment: comment };
      const actor = byCitizen ? citizen : asStaff(supervisor);
      const data = { by: rating.ratedBy, processSatisfaction, resultSatisfaction, resolved, reopened: reopen };
      const note = byCitizen ? comment : '已电话回访诉求人';
      if (!reopen) return step('rate', ratedAt, 'closed', actor, { note, public: true, data }, { ...rating, closedAt: ratedAt });
      if (t.leadUnitId && t.status !== 'answered') {
        const due = dispatchDueTimes(calendar, limits, t, ratedAt);
        if (!step('rate', ratedAt, 'in_progress', actor, { note, public: true, data }, { ...rating, reopenCount: t.reopenCount + 1, dueAt: due.dueAt, closedAt: null, contactDueAt: due.contactDueAt, onSiteDueAt: due.onSiteDueAt })) return false;
        await unitWork(staff.handlers.get(t.leadUnitId)!);
        return true;
      }
      if (!step('rate', ratedAt, 'accepted', actor, { note, public: true, data }, { ...rating, reopenCount: t.reopenCount + 1, answeredAt: null, closedAt: null })) return false;
      await handle();
      return true;
    }
  }
}

// Shaped like a WeChat openid (o + 27 base64url characters): the ticket id's digits would look
// like a phone number to anyone scanning the data for personal details.
function wechatOpenId(id: string): string {
  return `o${createHash('sha256').update(id).digest('base64url').slice(0, 27)}`;
}
