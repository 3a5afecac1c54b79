import { staffSessions } from '@hotline/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketBody } from '../support/factories.ts';
import { URGENT_SENTENCE } from '../support/urgency-sentences.ts';
import { client, createHarness, createStaff, TEST_PASSWORD, type Harness, type TestStaff } from '../support/harness.ts';

// What the workbench asks of the API beyond the verbs: which actions the
// viewer may take now, the queues with their counts, the time left on a
// ticket's limit, and changing one's own password.

let h: Harness;
let api: ReturnType<typeof client>;
let operator: TestStaff, dispatcher: TestStaff, water: TestStaff, waterAffairs: TestStaff, power: TestStaff, supervisor: TestStaff;

beforeAll(async () => {
  // With the city's knowledge content: urgency is decided by its intake rules, as in a running system.
  h = await createHarness({ knowledge: 'content' });
  api = client(h);
  [operator, dispatcher, water, waterAffairs, power, supervisor] = await Promise.all([
    createStaff(h, 'operator'),
    createStaff(h, 'dispatcher'),
    createStaff(h, 'unit_handler', 'util_water'),
    createStaff(h, 'unit_handler', 'city_water_affairs'),
    createStaff(h, 'unit_handler', 'util_power'),
    createStaff(h, 'supervisor'),
  ]);
});
afterAll(() => h.close());

async function file(overrides: Record<string, unknown> = {}) {
  const res = await api.post('/api/tickets', ticketBody(overrides));
  expect(res.status, res.text).toBe(201);
  return (res.json as { ticketNo: string }).ticketNo;
}
async function ok(who: TestStaff, ticketNo: string, action: string, body: unknown = {}) {
  const res = await api.post(`/api/staff/tickets/${ticketNo}/${action}`, body, { token: who.token });
  expect(res.status, `${action}: ${res.text}`).toBe(200);
}
const allowed = async (who: TestStaff, ticketNo: string) => {
  const res = await api.get(`/api/staff/tickets/${ticketNo}`, { token: who.token });
  expect(res.status, res.text).toBe(200);
  return res.json.allowedActions as string[];
};

describe('allowedActions', () => {
  it('offers each role what its verbs accept in the ticket’s status, and nothing else', async () => {
    const no = await file();
    expect(await allowed(operator, no)).toEqual(['accept', 'reject', 'answer_directly', 'merge', 'mark_repeat']);
    expect(await allowed(dispatcher, no)).toEqual(['accept', 'reject', 'answer_directly', 'merge', 'mark_repeat']);
    expect(await allowed(supervisor, no)).toEqual(['mark_repeat', 'supervise']);

    await ok(operator, no, 'accept');
    expect(await allowed(operator, no)).toEqual(['reject', 'answer_directly', 'merge', 'mark_repeat']);
    expect(await allowed(dispatcher, no)).toContain('dispatch');
    expect(await allowed(operator, no)).not.toContain('dispatch');

    await ok(dispatcher, no, 'dispatch', { leadUnitId: 'util_water', coUnitIds: ['city_water_affairs'] });
    expect(await allowed(water, no)).toEqual(['sign', 'request_return', 'request_extension', 'progress_note']);
    // The co-unit records progress only.
    expect(await allowed(waterAffairs, no)).toEqual(['progress_note']);
    expect(await allowed(dispatcher, no)).toEqual(['mark_repeat', 'urge']);
    expect(await allowed(supervisor, no)).toEqual(['mark_repeat', 'urge', 'supervise']);
    // Another unit does not see the ticket at all.
    expect((await api.get(`/api/staff/tickets/${no}`, { token: power.token })).status).toBe(404);

    await ok(water, no, 'sign');
    await ok(supervisor, no, 'supervise');
    expect(await allowed(supervisor, no)).toEqual(['mark_repeat', 'urge']);
    await ok(water, no, 'extension', { extraWorkingDays: 2, reason: '需要协调供水公司抢修' });
    expect(await allowed(water, no)).not.toContain('request_extension');
    expect(await allowed(dispatcher, no)).toEqual(expect.arrayContaining(['approve_extension', 'deny_extension']));
    await ok(dispatcher, no, 'extension/approve');
    expect(await allowed(water, no)).toEqual(['request_return', 'request_extension', 'progress_note', 'record_contact', 'reply']);

    await ok(water, no, 'reply', { reply: '已协调供水公司抢修，今日下午已恢复供水，请您留意。' });
    expect(await allowed(water, no)).toEqual([]);
    // 办结 without a rating only after the callback attempts; 回访 and 回访未接通 at once.
    expect(await allowed(supervisor, no)).toEqual(['rate', 'callback_attempt', 'reopen']);
  });

  it('closes the return window after a working day, as request-return does', async () => {
    const no = await file();
    await ok(operator, no, 'accept');
    await ok(dispatcher, no, 'dispatch', { leadUnitId: 'util_water', coUnitIds: [] });
    const detail = await api.get(`/api/staff/tickets/${no}`, { token: water.token });
    expect(detail.json.allowedActions).toContain('request_return');
    expect(detail.json.actionContext).toMatchObject({ returnCount: 0, returnLimit: 2 });
    h.clock.advance({ days: 5 });
    expect(await allowed(water, no)).not.toContain('request_return');
    const refused = await api.post(`/api/staff/tickets/${no}/return`, { reason: '不属于本单位职责' }, { token: water.token });
    expect(refused.status).toBe(409);
  });
});

describe('queues', () => {
  it('gives each role its queues with counts, a unit only its own tickets, in the order they are worked', async () => {
    const names = async (who: TestStaff) => ((await api.get('/api/staff/queues', { token: who.token })).json.queues as { queue: string }[]).map((q) => q.queue);
    expect(await names(operator)).toEqual(['intake', 'all']);
    expect(await names(dispatcher)).toEqual(['dispatch', 'intake', 'returns', 'extensions', 'warnings', 'all']);
    expect(await names(water)).toEqual(['sign', 'handling', 'all']);
    expect(await names(supervisor)).toEqual(['warnings', 'supervised', 'callback', 'returns', 'extensions', 'all']);

    const normal = await file({ title: '排队的普通工单' });
    // Urgency is the intake's decision from the words, whatever the client says (issue 16).
    const urgent = await file({ title: URGENT_SENTENCE.split('，')[0], description: URGENT_SENTENCE });
    const intake = await api.get('/api/staff/tickets?queue=intake&pageSize=100', { token: operator.token });
    const order = (intake.json.items as { ticketNo: string }[]).map((t) => t.ticketNo);
    expect(order.indexOf(urgent)).toBeLessThan(order.indexOf(normal));
    expect(intake.json.items[0].timeLeft).toMatchObject({ kind: 'accept', overdue: false });

    await ok(operator, normal, 'accept');
    await ok(dispatcher, normal, 'dispatch', { leadUnitId: 'util_power', coUnitIds: [] });
    const count = async (who: TestStaff, queue: string) =>
      ((await api.get('/api/staff/queues', { token: who.token })).json.queues as { queue: string; count: number }[]).find((q) => q.queue === queue)!.count;
    expect(await count(power, 'sign')).toBeGreaterThanOrEqual(1);
    const waterSign = await api.get('/api/staff/tickets?queue=sign&pageSize=100', { token: water.token });
    expect((waterSign.json.items as { ticketNo: string }[]).map((t) => t.ticketNo)).not.toContain(normal);
    const powerSign = await api.get('/api/staff/tickets?queue=sign&pageSize=100', { token: power.token });
    const row = (powerSign.json.items as { ticketNo: string; timeLeft: { kind: string; level: string } }[]).find((t) => t.ticketNo === normal)!;
    expect(row.timeLeft.kind).toBe('sign');

    // A queue the role does not work is refused; filters and sort come from the query string.
    expect((await api.get('/api/staff/tickets?queue=dispatch', { token: water.token })).status).toBe(403);
    const filtered = await api.get('/api/staff/tickets?queue=all&urgency=urgent&type=complaint&sort=filed', { token: supervisor.token });
    expect(filtered.status).toBe(200);
    expect((filtered.json.items as { urgency: string }[]).every((t) => t.urgency === 'urgent')).toBe(true);
  });

  it('sorts by time left: tickets whose limit runs first, least time left first, then the rest newest first, across pages', async () => {
    const mark = `时限排序${Date.now() % 100000}`;
    const rejectedFirst = await file({ title: `${mark}甲`, description: `${mark}：楼下商铺夜里装修噪音很大，影响休息。` });
    await ok(operator, rejectedFirst, 'reject', { reason: '重复反映，已合并处理' });
    const waiting = await file({ title: `${mark}乙`, description: `${mark}：小区门口路灯不亮，晚上出行不便。` });
    const dispatched = await file({ title: `${mark}丙`, description: `${mark}：人行道井盖松动，踩上去会晃。` });
    await ok(operator, dispatched, 'accept');
    await ok(dispatcher, dispatched, 'dispatch', { leadUnitId: 'util_water', coUnitIds: [] });
    h.clock.advance({ minutes: 5 });
    const rejectedLast = await file({ title: `${mark}丁`, description: `${mark}：咨询一下居住证怎么办理。` });
    await ok(operator, rejectedLast, 'reject', { reason: '咨询已直接告知办理方式' });
    const list = async (page: number, pageSize: number) => {
      const res = await api.get(`/api/staff/tickets?queue=all&sort=due&q=${encodeURIComponent(mark)}&page=${page}&pageSize=${pageSize}`, { token: supervisor.token });
      expect(res.status, res.text).toBe(200);
      return res.json as { items: { ticketNo: string; timeLeft: { minutes: number } | null }[]; total: number };
    };
    const all = await list(1, 10);
    expect(all.total).toBe(4);
    const order = all.items.map((t) => t.ticketNo);
    expect(new Set(order.slice(0, 2))).toEqual(new Set([waiting, dispatched]));
    expect(order.slice(2)).toEqual([rejectedLast, rejectedFirst]);
    const left = all.items.slice(0, 2).map((t) => t.timeLeft!.minutes);
    expect(left[0]).toBeLessThanOrEqual(left[1]!);
    // Page by page (the second part starting on a page of its own, and inside one) gives the same order.
    const single = [];
    for (let page = 1; page <= 4; page++) single.push(...(await list(page, 1)).items.map((t) => t.ticketNo));
    expect(single).toEqual(order);
    expect([...(await list(2, 3)).items.map((t) => t.ticketNo)]).toEqual(order.slice(3));
  });

  it('says 已超时 in minutes past the limit, and working days left on the calendar', async () => {
    const no = await file();
    await ok(operator, no, 'accept');
    await ok(dispatcher, no, 'dispatch', { leadUnitId: 'util_water', coUnitIds: [] });
    await ok(water, no, 'sign');
    const left = (await api.get(`/api/staff/tickets/${no}`, { token: water.token })).json.timeLeft;
    expect(left).toMatchObject({ kind: 'reply', overdue: false });
    expect(left.workingDays).toBeGreaterThanOrEqual(4);
    expect(left.workingDays).toBeLessThanOrEqual(5);
    h.clock.advance({ days: 30 });
    const late = (await api.get(`/api/staff/tickets/${no}`, { token: water.token })).json.timeLeft;
    expect(late).toMatchObject({ kind: 'reply', overdue: true, level: 'overdue', workingDays: 0 });
    expect(late.minutes).toBeGreaterThan(60 * 24 * 20);
  });
});

describe('change own password', () => {
  it('needs the current password and a strong new one, and ends the account’s other sessions', async () => {
    const me = await createStaff(h, 'operator');
    const other = await h.app.request('/api/staff/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9' },
      body: JSON.stringify({ username: me.username, password: TEST_PASSWORD }),
    });
    const otherToken = ((await other.json()) as { token: string }).token;
    const change = (body: unknown) => h.app.request('/api/staff/password', { method: 'POST', headers: { authorization: `Bearer ${me.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

    const weak = await change({ currentPassword: TEST_PASSWORD, newPassword: 'short' });
    expect(weak.status).toBe(400);
    expect(((await weak.json()) as any).error.details[0]).toMatchObject({ path: 'newPassword', message: '密码至少 10 位，且同时包含字母和数字' });
    const wrong = await change({ currentPassword: 'not-my-password-1', newPassword: 'brand-new-pass-2027' });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as any).error.details[0]).toMatchObject({ path: 'currentPassword', message: '当前密码不正确' });

    expect((await change({ currentPassword: TEST_PASSWORD, newPassword: 'brand-new-pass-2027' })).status).toBe(204);
    expect((await h.app.request('/api/staff/me', { headers: { authorization: `Bearer ${me.token}` } })).status).toBe(200);
    expect((await h.app.request('/api/staff/me', { headers: { authorization: `Bearer ${otherToken}` } })).status).toBe(401);
    const sessions = await h.database.db.select().from(staffSessions).where(eq(staffSessions.staffId, me.id));
    expect(sessions).toHaveLength(1);
    const login = (password: string) =>
      h.app.request('/api/staff/login', { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.10' }, body: JSON.stringify({ username: me.username, password }) });
    expect((await login('brand-new-pass-2027')).status).toBe(200);
    expect((await login(TEST_PASSWORD)).status).toBe(401);
  });
});
