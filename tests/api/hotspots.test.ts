import { hotspotPushes, hotspotWarnings, hotspotWarningTickets, ticketEvents, tickets } from '@hotline/db';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadHotspotConfig } from '../../api/src/domain/hotspots/leader-senders.ts';
import { createLogger } from '../../api/src/http/logger.ts';
import { BackgroundJobs } from '../../api/src/jobs/background-jobs.ts';
import { ticketBody } from '../support/factories.ts';
import { client, createHarness, createStaff, type Harness, type TestStaff } from '../support/harness.ts';
import { type LeaderPeers, startLeaderPeers } from '../support/leader-peers.ts';

// 热点预警: the hot-spot job on a city with five weeks of history. A quiet
// street gets 15 water-outage tickets in an hour (filed through the API as
// citizens would): exactly one warning, pushed once to each leader through our
// senders to local peers; the next runs update it, never repeat it. A street
// with a steady high volume raises nothing.

let h: Harness;
let api: ReturnType<typeof client>;
let peers: LeaderPeers;
let jobs: BackgroundJobs;
let supervisor: TestStaff, operator: TestStaff;

/** History rows (a fixture, written directly): one ticket every `everyMinutes` for `days` before `until`, from `offsetMinutes`. */
async function history(o: { prefix: string; sub: string; district: string; street: string; everyMinutes: number; days: number; until: Date; offsetMinutes?: number; title: string }) {
  const [category] = o.sub.split('.');
  const steps = Math.floor((o.days * 24 * 60) / o.everyMinutes);
  await h.database.db.execute(sql`
    insert into tickets (id, ticket_no, query_code_hash, type, category_code, subcategory_code, title, description, district_code, street_code, channel, status, created_at, updated_at)
    select ${o.prefix} || '-' || g, ${o.prefix} || lpad(g::text, 7, '0'), 'x', 'complaint', ${category}, ${o.sub}, ${o.title}, ${o.title}, ${o.district}, ${o.street}, 'web', 'closed',
      ${o.until.toISOString()}::timestamptz - ((g * ${o.everyMinutes} + ${o.offsetMinutes ?? 0}) * interval '1 minute'),
      ${o.until.toISOString()}::timestamptz - ((g * ${o.everyMinutes} + ${o.offsetMinutes ?? 0}) * interval '1 minute')
    from generate_series(1, ${steps}) g`);
}

beforeAll(async () => {
  h = await createHarness();
  api = client(h);
  peers = await startLeaderPeers();
  [supervisor, operator] = await Promise.all([createStaff(h, 'supervisor'), createStaff(h, 'operator')]);
  const hotspots = loadHotspotConfig({
    HOTSPOT_LEADERS: 'sms:13900000001,telegram:7001,email:leader@example.cn',
    HOTSPOT_SMS_URL: `${peers.http.url}/sms/send`,
    TELEGRAM_BOT_TOKEN: '123456:ABCdefGHIjklMNOpqrSTUvwxYZ012345678',
    TELEGRAM_API_ROOT: peers.http.url,
    HOTSPOT_SMTP_URL: peers.smtp.url,
    HOTSPOT_MAIL_FROM: 'hotline@example.cn',
    PUBLIC_URL: 'https://12345.example.cn',
  });
  jobs = new BackgroundJobs({ db: h.database.db, rules: h.rules, limiter: h.limiter, logger: createLogger('error'), knowledge: h.knowledge, hotspots });

  const until = new Date(h.clock.now().getTime() - 60 * 60_000);
  // Five weeks of an ordinary city: a few streets and matters, each a ticket every few hours.
  const streets = [
    ['dongcheng', 'dongcheng_heping'],
    ['dongcheng', 'dongcheng_wenchang'],
    ['xiling', 'xiling_fenglin'],
  ] as const;
  const matters = [
    ['urban_management.garbage_collection', '垃圾清运不及时'],
    ['transport.parking', '小区门口乱停车'],
    ['housing_property.elevator', '电梯经常故障'],
  ] as const;
  let n = 0;
  for (const [district, street] of streets) {
    for (const [sub, title] of matters) {
      n++;
      await history({ prefix: `bg${n}`, sub, district, street, everyMinutes: 7 * 60 + n * 11, days: 36, until, offsetMinutes: n * 37, title });
    }
  }
  // The burst street's water: quiet, one outage a week.
  await history({ prefix: 'quiet', sub: 'utilities.water_outage', district: 'dongcheng', street: 'dongcheng_heping', everyMinutes: 7 * 24 * 60, days: 36, until, title: '停水' });
  // A steady high volume: 清泉街道's congestion, four tickets an hour, every hour, up to now.
  await history({ prefix: 'steady', sub: 'transport.congestion', district: 'xiling', street: 'xiling_qingquan', everyMinutes: 15, days: 36, until: h.clock.now(), title: '早晚高峰道路拥堵' });
});
afterAll(async () => {
  await jobs?.stop();
  await peers?.close();
  await h?.close();
});

async function fileWaterOutage(i: number) {
  const res = await api.post(
    '/api/tickets',
    ticketBody({
      category: 'utilities.water_outage',
      title: i % 2 ? '和平路一带停水' : '小区突然停水',
      description: `和平街道幸福小区${i + 1}号楼从早上开始停水，没有任何停水通知，老人孩子用水困难。`,
      location: { district: 'dongcheng', street: 'dongcheng_heping', address: `幸福小区${i + 1}号楼` },
    }),
    { headers: { 'x-forwarded-for': `10.77.${i}.9` } },
  );
  expect(res.status, res.text).toBe(201);
  return res.json.ticketNo as string;
}

describe('hot-spot detection', () => {
  let warningId: string;

  it('a steady history raises nothing', async () => {
    const result = await jobs.runHotspots(h.clock.now());
    expect(result.tested).toBeGreaterThan(40);
    expect(result.raised).toEqual([]);
  });

  it('15 water-outage tickets on one quiet street in an hour raise exactly one warning, pushed once to each leader', async () => {
    for (let i = 0; i < 15; i++) {
      await fileWaterOutage(i);
      h.clock.advance({ minutes: 4 });
    }
    const result = await jobs.runHotspots(h.clock.now());
    expect(result.raised).toHaveLength(1);
    warningId = result.raised[0]!;
    const [warning] = await h.database.db.select().from(hotspotWarnings).where(eq(hotspotWarnings.id, warningId));
    expect(warning).toMatchObject({ kind: 'category', level: 'street_subcategory', streetCode: 'dongcheng_heping', subcategoryCode: 'utilities.water_outage', status: 'open' });
    expect(warning!.count).toBe(15);
    expect(warning!.title).toContain('和平街道');
    expect(warning!.title).toContain('停水');
    expect(warning!.pValue!).toBeLessThan(1e-7);
    expect(warning!.expected).toBeLessThan(1);
    expect(warning!.reason).toContain('泊松检验');
    const linked = await h.database.db.select().from(hotspotWarningTickets).where(eq(hotspotWarningTickets.warningId, warningId));
    expect(linked).toHaveLength(15);
    // Nothing at the steady street.
    const all = await h.database.db.select().from(hotspotWarnings);
    expect(all.map((w) => w.streetCode)).not.toContain('xiling_qingquan');
    expect(all).toHaveLength(1);

    expect(await jobs.outbox.drain()).toBe(1);
    const sms = peers.http.requests.filter((r) => r.path === '/sms/send');
    const telegram = peers.http.requests.filter((r) => r.path.endsWith('/sendMessage'));
    expect(sms).toHaveLength(1);
    expect(sms[0]!.body).toMatchObject({ to: '13900000001' });
    expect(sms[0]!.body.text).toContain(warning!.title);
    expect(sms[0]!.body.text).toContain(`https://12345.example.cn/staff/hotspots?id=${warningId}`);
    expect(telegram).toHaveLength(1);
    expect(telegram[0]!.body).toMatchObject({ chat_id: '7001' });
    expect(peers.smtp.mails).toHaveLength(1);
    expect(peers.smtp.mails[0]!.to).toEqual(['leader@example.cn']);
    const decoded = Buffer.from(peers.smtp.mails[0]!.data.split('\r\n\r\n')[1]!.replace(/\r\n/g, ''), 'base64').toString('utf8');
    expect(decoded).toContain(warning!.title);
    const pushes = await h.database.db.select().from(hotspotPushes).where(eq(hotspotPushes.warningId, warningId));
    expect(pushes.map((p) => p.outcome)).toEqual(['sent', 'sent', 'sent']);
  });

  it('runs while the burst goes on update its warning and never repeat it', async () => {
    h.clock.advance({ minutes: 5 });
    const again = await jobs.runHotspots(h.clock.now());
    expect(again.raised).toEqual([]);
    expect(again.updated).toEqual([warningId]);
    for (let i = 15; i < 18; i++) await fileWaterOutage(i);
    h.clock.advance({ minutes: 5 });
    const more = await jobs.runHotspots(h.clock.now());
    expect(more.raised).toEqual([]);
    const [warning] = await h.database.db.select().from(hotspotWarnings).where(eq(hotspotWarnings.id, warningId));
    expect(warning!.runs).toBe(3);
    // The figures are the strongest window's so far; the tickets are all the burst's.
    expect(warning!.count).toBeGreaterThanOrEqual(15);
    expect(await h.database.db.$count(hotspotWarningTickets, eq(hotspotWarningTickets.warningId, warningId))).toBe(18);
    expect(await h.database.db.$count(hotspotWarnings)).toBe(1);
    expect(await jobs.outbox.drain()).toBe(0);
    expect(peers.http.requests.filter((r) => r.path === '/sms/send')).toHaveLength(1);
  });

  it('GET /api/staff/hotspots lists it for supervisors with place, category, tickets and figures; others are refused', async () => {
    const res = await api.get('/api/staff/hotspots', { token: supervisor.token });
    expect(res.status, res.text).toBe(200);
    expect(res.json.items).toHaveLength(1);
    expect(res.json.items[0]).toMatchObject({
      id: warningId,
      status: 'open',
      statusLabel: '待确认',
      place: '东城区和平街道',
      category: '水电气暖',
      subcategory: '停水',
      tickets: 18,
      openTickets: 18,
      figures: { windowHours: 1 },
    });
    expect((await api.get('/api/staff/hotspots', { token: operator.token })).status).toBe(403);
    expect((await api.get('/api/staff/hotspots')).status).toBe(401);
  });

  it('assigning dispatches its open tickets together, each through the state machine, under the supervisor’s name', async () => {
    const res = await api.post(`/api/staff/hotspots/${warningId}/assign`, { unitId: 'util_water' }, { token: supervisor.token });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ succeeded: 18, failed: 0 });
    expect(res.json.warning).toMatchObject({ status: 'assigned', assignedUnit: { id: 'util_water' }, openTickets: 0 });
    const ids = (await h.database.db.select().from(hotspotWarningTickets).where(eq(hotspotWarningTickets.warningId, warningId))).map((r) => r.ticketId);
    const rows = await h.database.db.select({ status: tickets.status, lead: tickets.leadUnitId }).from(tickets).where(inArray(tickets.id, ids));
    expect(new Set(rows.map((r) => `${r.status}/${r.lead}`))).toEqual(new Set(['dispatched/util_water']));
    const events = await h.database.db
      .select()
      .from(ticketEvents)
      .where(and(inArray(ticketEvents.ticketId, ids), eq(ticketEvents.action, 'dispatch')));
    expect(events).toHaveLength(18);
    expect(new Set(events.map((e) => e.actorId))).toEqual(new Set([supervisor.id]));
    const closed = await api.post(`/api/staff/hotspots/${warningId}/close`, { note: '已集中派单，供水已恢复' }, { token: supervisor.token });
    expect(closed.status, closed.text).toBe(200);
    expect((await api.get('/api/staff/hotspots', { token: supervisor.token })).json.items).toEqual([]);
    expect((await api.post(`/api/staff/hotspots/${warningId}/acknowledge`, {}, { token: supervisor.token })).status).toBe(409);
  });
});
