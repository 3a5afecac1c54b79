import { hotspotWarnings, hotspotWarningTickets, tickets } from '@hotline/db';
import { inArray, sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { extractText } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeMetrics } from '../../api/src/domain/metrics/compute-metrics.ts';
import { OutboxWorker } from '../../api/src/domain/outbox/outbox-worker.ts';
import { acceptTicket } from '../../api/src/domain/tickets/accept.ts';
import { dispatchTicket } from '../../api/src/domain/tickets/dispatch.ts';
import { getTicketByNo } from '../../api/src/domain/tickets/internal.ts';
import { createDuplicateLinker } from '../../api/src/domain/tickets/link-duplicates.ts';
import { rateByCitizen } from '../../api/src/domain/tickets/rate.ts';
import { signTicket } from '../../api/src/domain/tickets/sign.ts';
import { recordContact, replyTicket } from '../../api/src/domain/tickets/unit-work.ts';
import { PUBLIC_EVENT_TOPIC } from '../../bots/src/notifications.ts';
import { ticketBody } from '../support/factories.ts';
import { client, createHarness, createStaff, type Harness, type TestStaff } from '../support/harness.ts';
import { citizen, fileNovember, type NovemberStaff } from '../support/november-tickets.ts';

// 单位考核 and 报告 on November's hand-computed tickets (tests/support/november-tickets.ts),
// then a December with a problem citizens kept raising (four linked tickets
// about one street light, one of them reopened, two overdue) and a warning.

let h: Harness;
let api: ReturnType<typeof client>;
let staff: NovemberStaff;
let admin: TestStaff, environment: TestStaff;
const at = (beijing: string) => h.clock.set(`${beijing}+08:00`);
const ratio = (numerator: number, denominator: number) => ({ numerator, denominator, rate: denominator === 0 ? null : numerator / denominator });
const lamp = { type: 'complaint', category: 'urban_management', location: { district: 'dongcheng', street: 'dongcheng_heping', address: '和平路 12 号' } };
let lampTickets: string[] = [];

async function download(path: string, token: string) {
  const res = await h.app.request(path, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, type: res.headers.get('content-type'), disposition: res.headers.get('content-disposition'), body: new Uint8Array(await res.arrayBuffer()) };
}

beforeAll(async () => {
  h = await createHarness();
  api = client(h);
  staff = await fileNovember(h);
  [admin, environment] = await Promise.all([createStaff(h, 'admin'), createStaff(h, 'unit_handler', 'city_urban_mgmt')]);

  // December: the same street light, four times, linked as the process links them (outbox → duplicate finder).
  const link = createDuplicateLinker({ db: h.database.db, rules: h.rules, now: h.clock.now });
  const worker = new OutboxWorker(h.database.db).on(PUBLIC_EVENT_TOPIC, link);
  // November's tickets all carry the factory's one text; they count as filed before linking ran, so they form no cluster here.
  await h.database.db.execute(sql`update outbox set processed_at = now() where processed_at is null`);
  at('2026-12-01T10:00:00');
  const bodies = [
    { title: '和平路路灯不亮', description: '和平路 12 号门口的路灯已经坏了一个星期，晚上一片漆黑，老人出门很不安全。' },
    { title: '和平路12号路灯坏了', description: '和平路12号附近路灯坏了，晚上黑漆漆的，希望尽快修好。' },
    { title: '路灯一直不亮', description: '和平街道和平路 12 号那边的路灯一直不亮，天黑以后走路很危险。' },
    { title: '张伟 13812345678 反映和平路路灯还是不亮', description: '和平路 12 号的路灯坏了很久了，晚上一片漆黑，到现在还是没有修。', contact: { name: '张伟', phone: '13812345678' } },
  ];
  for (const body of bodies) {
    const res = await api.post('/api/tickets', ticketBody({ ...lamp, ...body }));
    expect(res.status, res.text).toBe(201);
    lampTickets.push(res.json.ticketNo);
    h.clock.advance({ hours: 2 });
    await worker.drain();
  }
  // The first is replied, rated unsatisfied and so reopened; the second is dispatched and left to run past its limit.
  const [first, second] = lampTickets as [string, string];
  const ops = await h.ctx(staff.operator);
  await acceptTicket(ops, first, {});
  await dispatchTicket(await h.ctx(staff.dispatcher), first, { leadUnitId: 'city_urban_mgmt', coUnitIds: [] });
  await signTicket(await h.ctx(environment), first);
  await recordContact(await h.ctx(environment), first, { method: 'phone' });
  await replyTicket(await h.ctx(environment), first, { reply: '已安排维修人员更换灯泡。' });
  h.clock.advance({ days: 1 });
  await rateByCitizen(await h.ctx(citizen), await getTicketByNo(h.database.db, first), { processSatisfaction: 'satisfied', resultSatisfaction: 'unsatisfied', resolved: false });
  await acceptTicket(await h.ctx(staff.operator), second, {});
  await dispatchTicket(await h.ctx(staff.dispatcher), second, { leadUnitId: 'city_urban_mgmt', coUnitIds: [] });

  // A warning the hot-spot job raised on the 2nd (a fixture row: the job itself is tested in hotspots.test.ts).
  const ids = (await h.database.db.select({ id: tickets.id }).from(tickets).where(inArray(tickets.ticketNo, lampTickets))).map((r) => r.id);
  const firedAt = new Date('2026-12-02T09:00:00+08:00');
  await h.database.db.insert(hotspotWarnings).values({
    id: 'w-lamp',
    burstKey: 'street_subcategory:urban_management:dongcheng_heping',
    kind: 'category',
    level: 'street_subcategory',
    categoryCode: 'urban_management',
    districtCode: 'dongcheng',
    streetCode: 'dongcheng_heping',
    title: '和平街道 路灯 不亮',
    terms: ['路灯', '不亮'],
    windowHours: 24,
    count: 4,
    expected: 0.2,
    pValue: 1e-5,
    reason: '24 小时内 4 件，按往常应约 0.2 件',
    firstFiredAt: firedAt,
    lastFiredAt: firedAt,
  });
  await h.database.db.insert(hotspotWarningTickets).values(ids.map((ticketId) => ({ warningId: 'w-lamp', ticketId })));
  at('2026-12-20T10:00:00');
}, 180_000);
afterAll(() => h?.close());

describe('单位考核', () => {
  it('ranks November on the hand-computed rates with the office weights', async () => {
    const put = await api.put('/api/staff/admin/settings/scorecard', { weights: { onTimeCompletion: 30, contact: 10, processSatisfaction: 15, resultSatisfaction: 25, resolution: 20 }, minimumTickets: 1 }, { token: admin.token });
    expect(put.status, put.text).toBe(200);
    const res = await api.get('/api/staff/scorecards?month=2026-11', { token: staff.supervisor.token });
    expect(res.status, res.text).toBe(200);
    expect(res.json.scope).toBe('all');
    const [first, second] = res.json.units;
    // Power: dispatched twice (one returned), due 1 on time, contacted 1 of 1, no ratings (the callback found no one):
    // the score is the weighted mean of the rates with data, (30·1 + 10·1) / 40.
    expect(first).toMatchObject({ unitId: 'util_power', received: 2, returned: 1, overdue: 0, reopened: 0, score: 100, rank: 1 });
    expect(first.rates.resultSatisfaction).toEqual(ratio(0, 0));
    // Water: 4 dispatches, on time 2 of 4, contact 2 of 3, process 2 of 2, result 1 of 2, resolved 1 of 2:
    // (30·0.5 + 10·⅔ + 15·1 + 25·0.5 + 20·0.5) / 100 = 59.2.
    expect(second).toMatchObject({ unitId: 'util_water', received: 4, returned: 0, overdue: 2, reopened: 0, score: 59.2, rank: 2 });
    expect(second.rates).toMatchObject({ onTimeCompletion: ratio(2, 4), contact: ratio(2, 3), processSatisfaction: ratio(2, 2), resultSatisfaction: ratio(1, 2), resolution: ratio(1, 2) });
    expect(res.json.rankedCount).toBe(2);
  });

  it('leaves units under the minimum volume unranked, and weights change the order', async () => {
    await api.put('/api/staff/admin/settings/scorecard', { weights: { onTimeCompletion: 30, contact: 10, processSatisfaction: 15, resultSatisfaction: 25, resolution: 20 }, minimumTickets: 3 }, { token: admin.token });
    let units = (await api.get('/api/staff/scorecards?month=2026-11', { token: staff.supervisor.token })).json.units;
    expect(units.map((u: { unitId: string; rank: number | null }) => [u.unitId, u.rank])).toEqual([
      ['util_water', 1],
      ['util_power', null],
    ]);
    // Only process satisfaction counts: water 100 (2 of 2), power has none → no score, unranked.
    await api.put('/api/staff/admin/settings/scorecard', { weights: { onTimeCompletion: 0, contact: 0, processSatisfaction: 1, resultSatisfaction: 0, resolution: 0 }, minimumTickets: 1 }, { token: admin.token });
    units = (await api.get('/api/staff/scorecards?month=2026-11', { token: staff.supervisor.token })).json.units;
    expect(units.find((u: { unitId: string }) => u.unitId === 'util_water')).toMatchObject({ score: 100, rank: 1 });
    expect(units.find((u: { unitId: string }) => u.unitId === 'util_power')).toMatchObject({ score: null, rank: null });
    const zero = await api.put('/api/staff/admin/settings/scorecard', { weights: { onTimeCompletion: 0, contact: 0, processSatisfaction: 0, resultSatisfaction: 0, resolution: 0 }, minimumTickets: 1 }, { token: admin.token });
    expect(zero.status).toBe(400);
    await api.put('/api/staff/admin/settings/scorecard', { minimumTickets: 1 }, { token: admin.token });
  });

  it("shows a unit its own card and trend, and nobody else's", async () => {
    const own = await api.get('/api/staff/scorecards?month=2026-11', { token: staff.water.token });
    expect(own.status, own.text).toBe(200);
    expect(own.json.scope).toBe('unit');
    expect(own.json.units.map((u: { unitId: string }) => u.unitId)).toEqual(['util_water']);
    expect(own.json.unit.card).toMatchObject({ unitId: 'util_water', score: 59.2, rank: 2 });
    expect(own.json.unit.trend.map((t: { month: string }) => t.month)).toEqual(['2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11']);
    // October: T8 dispatched, nothing due or rated yet.
    expect(own.json.unit.trend[4]).toMatchObject({ month: '2026-10', received: 1, score: null });
    expect((await api.get('/api/staff/scorecards?month=2026-11&unitId=util_power', { token: staff.water.token })).status).toBe(403);
    // December so far: the urban management bureau's reopened street light counts.
    const december = await api.get('/api/staff/scorecards', { token: environment.token });
    expect(december.json.unit.card).toMatchObject({ unitId: 'city_urban_mgmt', received: 2, reopened: 1 });
    expect(december.json.partial).toBe(true);
  });

  it('refuses those who may not see it and months that are not', async () => {
    expect((await api.get('/api/staff/scorecards', { token: staff.operator.token })).status).toBe(403);
    const bad = await api.get('/api/staff/scorecards?month=2026-13', { token: staff.supervisor.token });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details[0].path).toBe('month');
    expect((await api.get('/api/staff/scorecards?month=2027-01', { token: staff.supervisor.token })).status).toBe(400);
  });
});

describe('报告', () => {
  it('a monthly report holds the month against the one before and the ranking', async () => {
    const res = await api.get('/api/staff/reports?period=month&at=2026-11-15', { token: staff.supervisor.token });
    expect(res.status, res.text).toBe(200);
    const report = res.json;
    expect(report.period).toMatchObject({ from: '2026-11-01', to: '2026-11-30', label: '2026年11月' });
    expect(report.previous).toMatchObject({ from: '2026-10-01', to: '2026-10-31' });
    expect(report.partial).toBe(false);
    const onTime = report.figures.find((f: { name: string }) => f.name === 'onTimeCompletion');
    expect(onTime).toMatchObject({ label: '按期办结率', current: ratio(3, 5), previous: ratio(0, 0), change: null });
    const direct = report.figures.find((f: { name: string }) => f.name === 'directAnswer');
    // 1 of 8 in November against 0 of 1 in October: +12.5 points.
    expect(direct).toMatchObject({ current: ratio(1, 8), previous: ratio(0, 1), change: 12.5 });
    // Every figure is the dashboard's own.
    const dashboard = await computeMetrics(await h.ctx(staff.supervisor), { from: '2026-11-01', to: '2026-11-30', groupBy: 'none' });
    for (const f of report.figures) expect(f.current).toEqual(dashboard.groups[0]!.metrics[f.name as keyof (typeof dashboard.groups)[0]['metrics']]);
    // Filed in November: T1-T7, T9, T10; in October: T8.
    expect(report.received).toEqual({ current: 9, previous: 1 });
    expect(report.rankings.units.map((u: { unitId: string }) => u.unitId)).toEqual(['util_power', 'util_water']);
    expect(report.hardProblems).toBeNull();
  });

  it("a quarter's report lists the recurring problem as a hard one, with personal data masked", async () => {
    const res = await api.get('/api/staff/reports?period=quarter&at=2026-12-05', { token: staff.supervisor.token });
    expect(res.status, res.text).toBe(200);
    const report = res.json;
    expect(report.period).toMatchObject({ from: '2026-10-01', to: '2026-12-31', label: '2026年第4季度' });
    expect(report.partial).toBe(true);
    expect(report.recurring).toHaveLength(1);
    const [problem] = report.hardProblems;
    // On the 20th both dispatched ones are past their limit (the reopened one had a fresh five working days from the 2nd).
    expect(problem).toMatchObject({ tickets: 4, reopened: 1, unresolved: 1, overdue: 2, place: '东城区 和平街道', units: ['市城市管理局'] });
    const examples = JSON.stringify(report);
    expect(examples).not.toContain('13812345678');
    expect(examples).not.toContain('张伟');
    expect(problem.examples[0].title).toBe('某某 ［电话号码］ 反映和平路路灯还是不亮');
    expect(problem.examples.map((e: { ticketNo: string }) => e.ticketNo)).toEqual([...lampTickets].reverse().slice(0, 3));
    expect(report.warnings).toEqual([expect.objectContaining({ id: 'w-lamp', tickets: 4, statusLabel: '待处理' })]);
  });

  it('a week is Monday to Sunday; the default is the last period that ended', async () => {
    const week = await api.get('/api/staff/reports?period=week&at=2026-12-02', { token: staff.supervisor.token });
    expect(week.json.period).toMatchObject({ from: '2026-11-30', to: '2026-12-06' });
    expect(week.json.recurring[0].tickets).toBe(4);
    const last = await api.get('/api/staff/reports?period=month', { token: staff.supervisor.token });
    expect(last.json.period.from).toBe('2026-11-01');
  });

  it('is for supervisors and administrators, with checked parameters', async () => {
    expect((await api.get('/api/staff/reports', { token: staff.dispatcher.token })).status).toBe(403);
    expect((await api.get('/api/staff/reports', { token: staff.water.token })).status).toBe(403);
    const bad = await api.get('/api/staff/reports?period=year&at=2026-02-30', { token: admin.token });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['at', 'period']);
    expect((await api.get('/api/staff/reports?period=month&at=2027-03-01', { token: admin.token })).status).toBe(400);
    expect((await download('/api/staff/reports/docx?period=month', admin.token)).status).toBe(400);
  });

  it('downloads as a PDF that holds the figures as text', async () => {
    const pdf = await download('/api/staff/reports/pdf?period=month&at=2026-11-15', staff.supervisor.token);
    expect(pdf.status).toBe(200);
    expect(pdf.type).toBe('application/pdf');
    expect(pdf.disposition).toContain(encodeURIComponent('12345-月报-2026-11-01.pdf'));
    expect(new TextDecoder().decode(pdf.body.slice(0, 5))).toBe('%PDF-');
    const { text } = await extractText(pdf.body, { mergePages: true });
    const flat = text.replace(/\s+/g, '');
    expect(flat).toContain('12345市民服务热线2026年11月');
    expect(flat).toContain('按期办结率60.0%3/5');
    expect(flat).toContain('示范市自来水有限公司');
    expect(flat).toContain('59.2');
  });

  it('downloads as a spreadsheet with the rates as numbers', async () => {
    const xlsx = await download('/api/staff/reports/xlsx?period=quarter&at=2026-12-05', admin.token);
    expect(xlsx.status).toBe(200);
    expect(xlsx.type).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body.buffer as ArrayBuffer);
    expect(book.worksheets.map((w) => w.name)).toEqual(['总体情况', '诉求分类', '单位考核', '热点预警', '反复出现的问题', '疑难问题清单']);
    const overview = book.getWorksheet('总体情况')!;
    const rows = overview.getSheetValues().filter(Boolean) as unknown[][];
    const onTime = rows.find((r) => r[1] === '按期办结率')!;
    const dashboard = await computeMetrics(await h.ctx(staff.supervisor), { from: '2026-10-01', to: '2026-12-20', groupBy: 'none' });
    const m = dashboard.groups[0]!.metrics.onTimeCompletion;
    expect(onTime.slice(2, 5)).toEqual([m.rate, m.numerator, m.denominator]);
    const hard = book.getWorksheet('疑难问题清单')!;
    expect(hard.getRow(2).getCell(4).value).toBe(4);
    expect(JSON.stringify(hard.getSheetValues())).not.toContain('13812345678');
  });
});
