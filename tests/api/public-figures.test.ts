import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketBody } from '../support/factories.ts';
import { client, createHarness, createStaff, type Harness, type TestStaff } from '../support/harness.ts';

// 每月办理情况 (GET /api/figures): the city's monthly figures for citizens, on
// the same definitions as the staff dashboard, with nothing about a person.

let h: Harness;
let api: ReturnType<typeof client>;
let operator: TestStaff, dispatcher: TestStaff, water: TestStaff, supervisor: TestStaff;

beforeAll(async () => {
  h = await createHarness();
  api = client(h);
  [operator, dispatcher, water, supervisor] = await Promise.all([
    createStaff(h, 'operator'),
    createStaff(h, 'dispatcher'),
    createStaff(h, 'unit_handler', 'util_water'),
    createStaff(h, 'supervisor'),
  ]);
});
afterAll(() => h.close());

async function ok(who: TestStaff, ticketNo: string, action: string, body: unknown = {}) {
  const res = await api.post(`/api/staff/tickets/${ticketNo}/${action}`, body, { token: who.token });
  expect(res.status, `${action}: ${res.text}`).toBe(200);
}

describe('GET /api/figures', () => {
  it('counts the month as the dashboard does, names the top topics, and says nothing about anyone', async () => {
    const filed: string[] = [];
    for (const overrides of [
      { contact: { name: '欧阳娜娜', phone: '13912340001' } },
      { contact: { name: '欧阳娜娜', phone: '13912340002' } },
      { category: 'urban_management', title: '路灯不亮', description: '和平路 12 号门口的路灯一个星期都不亮了，晚上很黑。', contact: { name: '欧阳娜娜', phone: '13912340003' } },
    ]) {
      const res = await api.post('/api/tickets', ticketBody(overrides));
      expect(res.status, res.text).toBe(201);
      filed.push(res.json.ticketNo);
    }
    // One handled to the end within the month: replied in time, called back satisfied and solved.
    const [done] = filed as [string];
    await ok(operator, done, 'accept');
    await ok(dispatcher, done, 'dispatch', { leadUnitId: 'util_water', coUnitIds: [] });
    await ok(water, done, 'sign');
    await ok(water, done, 'reply', { reply: '已抢修供水管道，今日 18 时恢复供水。' });
    await ok(supervisor, done, 'callback', { processSatisfaction: 'satisfied', resultSatisfaction: 'basically_satisfied', resolved: true });

    const res = await api.get('/api/figures');
    expect(res.status, res.text).toBe(200);
    const figures = res.json;
    expect(figures.month).toBe('2026-11');
    expect(figures.partial).toBe(true);
    expect(figures.months).toHaveLength(12);
    expect(figures.months[0]).toBe('2026-11');
    expect(figures.months[11]).toBe('2025-12');
    expect(figures.received).toBe(3);
    expect(figures.resultSatisfaction).toEqual({ numerator: 1, denominator: 1, rate: 1 });
    expect(figures.processSatisfaction).toEqual({ numerator: 1, denominator: 1, rate: 1 });
    expect(figures.resolution).toEqual({ numerator: 1, denominator: 1, rate: 1 });
    expect(figures.topCategories).toEqual([
      { label: '水电气暖', count: 2 },
      { label: '城市管理', count: 1 },
    ]);
    // The same definitions as the dashboard, for the same days.
    const dashboard = await api.get('/api/staff/metrics?from=2026-11-01&to=2026-11-23', { token: supervisor.token });
    expect(dashboard.status, dashboard.text).toBe(200);
    const all = dashboard.json.groups.find((g: { key: string }) => g.key === 'all').metrics;
    expect(figures.onTime).toEqual(all.onTimeCompletion);
    expect(figures.resultSatisfaction).toEqual(all.resultSatisfaction);
    // Nothing about a person, a unit or a ticket.
    for (const text of ['欧阳', '1391234', 'util_water', '供水', ...filed]) expect(res.text).not.toContain(text);
    // An earlier month is whole and empty; a month outside the last twelve is refused at its field.
    const october = await api.get('/api/figures?month=2026-10');
    expect(october.json).toMatchObject({ month: '2026-10', partial: false, received: 0, onTime: { rate: null }, topCategories: [] });
    const old = await api.get('/api/figures?month=2025-11');
    expect(old.status).toBe(400);
    expect(old.json.error.details).toEqual([{ path: 'month', message: '只能查看最近 12 个月（2025-12 至 2026-11）' }]);
    expect((await api.get('/api/figures?month=2026-13')).status).toBe(400);
  });
});
