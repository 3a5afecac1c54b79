import { contactAccessLog, tickets } from '@hotline/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, createHarness, createStaff, TEST_PASSWORD, type Harness, type TestStaff } from '../support/harness.ts';
import { ticketBody } from '../support/factories.ts';

let h: Harness;
let api: ReturnType<typeof client>;
let operator: TestStaff, dispatcher: TestStaff, water: TestStaff, waterAffairs: TestStaff, power: TestStaff, supervisor: TestStaff, editor: TestStaff, admin: TestStaff;

beforeAll(async () => {
  h = await createHarness();
  api = client(h);
  [operator, dispatcher, water, waterAffairs, power, supervisor, editor, admin] = await Promise.all([
    createStaff(h, 'operator'),
    createStaff(h, 'dispatcher'),
    createStaff(h, 'unit_handler', 'util_water'),
    createStaff(h, 'unit_handler', 'city_water_affairs'),
    createStaff(h, 'unit_handler', 'util_power'),
    createStaff(h, 'supervisor'),
    createStaff(h, 'editor'),
    createStaff(h, 'admin'),
  ]);
});
afterAll(() => h.close());

async function file(overrides: Record<string, unknown> = {}) {
  // Chat filings come through the bots, which call as the process itself.
  const res = await api.post('/api/tickets', ticketBody(overrides), { internal: overrides.channel === 'wechat' || overrides.channel === 'telegram' });
  expect(res.status, res.text).toBe(201);
  return res.json as { ticketNo: string; queryCode: string };
}

async function act(who: TestStaff, ticketNo: string, action: string, body: unknown = {}) {
  return api.post(`/api/staff/tickets/${ticketNo}/${action}`, body, { token: who.token });
}

async function ok(who: TestStaff, ticketNo: string, action: string, body: unknown = {}) {
  const res = await act(who, ticketNo, action, body);
  expect(res.status, `${action}: ${res.text}`).toBe(200);
  return res.json;
}

describe('staff login', () => {
  it('sets an HttpOnly, SameSite=Strict session cookie that opens the staff API, until logout', async () => {
    const staff = await createStaff(h, 'operator');
    const res = await h.app.request('/api/staff/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.1' },
      body: JSON.stringify({ username: staff.username, password: TEST_PASSWORD }),
    });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^hl_session=[\w-]+;/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const session = cookie.split(';')[0]!;
    const me = await h.app.request('/api/staff/me', { headers: { cookie: session } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ username: staff.username, role: 'operator', roleLabel: '受理员' });
    expect((await h.app.request('/api/staff/logout', { method: 'POST', headers: { cookie: session } })).status).toBe(204);
    expect((await h.app.request('/api/staff/me', { headers: { cookie: session } })).status).toBe(401);
  });

  it('answers an unknown user like a wrong password, and makes an account wait after four failures', async () => {
    const staff = await createStaff(h, 'dispatcher');
    const attempt = (username: string, password: string) =>
      api.post('/api/staff/login', { username, password }, { headers: { 'x-forwarded-for': '198.51.100.2' } });
    const unknown = await attempt('nobody-here', 'whatever-123');
    const wrong = await attempt(staff.username, 'wrong-password-1');
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.json.error.message).toBe(wrong.json.error.message);
    for (let i = 0; i < 4; i++) expect((await attempt(staff.username, 'wrong-password-1')).status).toBe(401);
    const sixth = await attempt(staff.username, 'wrong-password-1');
    expect(sixth.status).toBe(429);
    expect(sixth.json.error.message).toBe('登录失败次数过多，请 1 秒后再试');
    // Even the right password waits …
    expect((await attempt(staff.username, TEST_PASSWORD)).status).toBe(429);
    // … a moment, not a quarter of an hour.
    h.clock.advance({ minutes: 1 });
    expect((await attempt(staff.username, TEST_PASSWORD)).status).toBe(200);
  });

  it('refuses cross-site writes made with the cookie', async () => {
    const staff = await createStaff(h, 'operator');
    const { ticketNo } = await file();
    const login = await api.post('/api/staff/login', { username: staff.username, password: TEST_PASSWORD }, { headers: { 'x-forwarded-for': '198.51.100.3' } });
    const session = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const forged = await h.app.request(`/api/staff/tickets/${ticketNo}/accept`, {
      method: 'POST',
      headers: { cookie: session, origin: 'https://evil.example', host: 'hotline.example', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(forged.status).toBe(403);
    const same = await h.app.request(`/api/staff/tickets/${ticketNo}/accept`, {
      method: 'POST',
      headers: { cookie: session, origin: 'https://hotline.example', host: 'hotline.example', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(same.status).toBe(200);
  });

  it('needs a login for every staff endpoint', async () => {
    for (const path of ['/api/staff/tickets', '/api/staff/metrics?from=2026-11-01&to=2026-11-30', '/api/staff/units', '/api/staff/me']) {
      const res = await api.get(path);
      expect(res.status, path).toBe(401);
      expect(res.json.error.code).toBe('UNAUTHORIZED');
    }
    expect((await api.post('/api/staff/tickets/202611230001/accept', {})).status).toBe(401);
    expect((await api.get('/api/staff/tickets', { token: 'forged-token' })).status).toBe(401);
  });
});

describe('the lifecycle through the API', () => {
  it('files, accepts, dispatches, signs, contacts, replies, rates and closes', async () => {
    h.clock.set('2026-11-23T09:00:00+08:00');
    const { ticketNo, queryCode } = await file();
    await ok(operator, ticketNo, 'accept', { note: '已核实' });
    const detail = await api.get(`/api/staff/tickets/${ticketNo}`, { token: dispatcher.token });
    expect(detail.json.routingSuggestion).toMatchObject({ leadUnitId: 'util_water', leadUnitName: '示范市自来水有限公司' });
    const dispatched = await ok(dispatcher, ticketNo, 'dispatch', { note: '请尽快处理' });
    expect(dispatched).toMatchObject({ status: 'dispatched', statusLabel: '已派单', dueAt: new Date('2026-11-30T23:59:59+08:00').toISOString() });
    await ok(water, ticketNo, 'sign');
    await ok(water, ticketNo, 'contact', { method: 'phone', note: '已与市民通话' });
    await ok(water, ticketNo, 'progress', { note: '抢修队已到场', public: true });
    const replied = await ok(water, ticketNo, 'reply', { reply: '经查系主管道爆裂，已于当日 16 时抢修完毕恢复供水。' });
    expect(replied.status).toBe('replied');
    const rated = await api.post(`/api/tickets/${ticketNo}/rating`, { queryCode, processSatisfaction: 'satisfied', resultSatisfaction: 'satisfied', resolved: true }, { headers: { 'x-forwarded-for': '192.0.2.7' } });
    expect(rated.status).toBe(200);
    expect(rated.json.status).toBe('closed');
    const final = await api.get(`/api/staff/tickets/${ticketNo}`, { token: supervisor.token });
    expect(final.json.events.map((e: { action: string }) => e.action)).toEqual([
      'submit', 'accept', 'dispatch', 'sign', 'record_contact', 'progress_note', 'reply', 'rate',
    ]);
    expect(final.json.dispatches).toHaveLength(1);
    expect(final.json.dispatches[0]).toMatchObject({ leadUnitId: 'util_water', followedSuggestion: 'yes', returnedAt: null });
  });

  it('registers a phone call as a ticket for operators only', async () => {
    const body = { ...ticketBody(), channel: undefined };
    const created = await api.post('/api/staff/tickets', body, { token: operator.token });
    expect(created.status).toBe(201);
    const [row] = await h.database.db.select().from(tickets).where(eq(tickets.ticketNo, created.json.ticketNo));
    expect(row!.channel).toBe('phone');
    expect((await api.post('/api/staff/tickets', body, { token: dispatcher.token })).status).toBe(403);
  });

  it('validates transition bodies with field details', async () => {
    const { ticketNo } = await file();
    const res = await act(operator, ticketNo, 'reject', {});
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: 'VALIDATION', details: [{ path: 'reason', message: '请填写不予受理的理由' }] });
    const unknown = await act(operator, '209901010099', 'accept');
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.message).toBe('未找到工单 209901010099');
    const illegal = await act(water, ticketNo, 'reply', { reply: '尚未派单的工单不能答复。。。' });
    expect(illegal.status).toBe(404);
    const conflict = await act(dispatcher, ticketNo, 'dispatch');
    expect(conflict.status).toBe(409);
    expect(conflict.json.error.message).toBe('工单当前状态为「待受理」，不能执行「派单」');
  });
});

describe('roles and units', () => {
  it('refuses the wrong role', async () => {
    const { ticketNo } = await file();
    expect((await act(operator, ticketNo, 'dispatch')).status).toBe(403);
    expect((await act(water, ticketNo, 'accept')).status).toBe(403);
    expect((await act(editor, ticketNo, 'accept')).status).toBe(403);
    expect((await api.get('/api/staff/tickets', { token: editor.token })).status).toBe(403);
    expect((await api.get('/api/staff/metrics?from=2026-11-01&to=2026-11-30', { token: water.token })).status).toBe(403);
  });

  it("keeps other units' tickets out of a unit's sight", async () => {
    const { ticketNo } = await file();
    await ok(operator, ticketNo, 'accept');
    await ok(dispatcher, ticketNo, 'dispatch');
    const asPower = await api.get(`/api/staff/tickets/${ticketNo}`, { token: power.token });
    expect(asPower.status).toBe(404);
    expect((await act(power, ticketNo, 'sign')).status).toBe(404);
    const queue = await api.get('/api/staff/tickets?pageSize=100', { token: power.token });
    expect(queue.json.items.map((t: { ticketNo: string }) => t.ticketNo)).not.toContain(ticketNo);
    const waterQueue = await api.get('/api/staff/tickets?pageSize=100', { token: water.token });
    expect(waterQueue.json.items.map((t: { ticketNo: string }) => t.ticketNo)).toContain(ticketNo);
    // The co-unit sees it too.
    const coQueue = await api.get('/api/staff/tickets?pageSize=100', { token: waterAffairs.token });
    expect(coQueue.json.items.map((t: { ticketNo: string }) => t.ticketNo)).toContain(ticketNo);
  });

  it('shows full contact data only to those who need it, when they ask, and logs each such view', async () => {
    const { ticketNo } = await file({ contact: { name: '李四', phone: '13700001111' } });
    await ok(operator, ticketNo, 'accept');
    await ok(dispatcher, ticketNo, 'dispatch');
    const [row] = await h.database.db.select().from(tickets).where(eq(tickets.ticketNo, ticketNo));
    const logged = async () =>
      (await h.database.db.select().from(contactAccessLog).where(eq(contactAccessLog.ticketId, row!.id))).filter((r) => r.purpose === 'reveal_contact').map((r) => r.staffId);
    const reveal = (who: TestStaff) => api.post(`/api/staff/tickets/${ticketNo}/reveal-contact`, {}, { token: who.token });

    // Masked on the ticket page until 查看联系方式.
    const masked = await api.get(`/api/staff/tickets/${ticketNo}`, { token: dispatcher.token });
    expect(masked.json.contact).toEqual({ anonymous: false, name: '李*', phone: '137****1111', masked: true });
    expect(masked.json.contactRevealable).toBe(true);
    expect(masked.text).not.toContain('13700001111');
    const asDispatcher = await reveal(dispatcher);
    expect(asDispatcher.json.contact).toEqual({ anonymous: false, name: '李四', phone: '13700001111', masked: false });
    const asLead = await reveal(water);
    expect(asLead.json.contact.phone).toBe('13700001111');
    const asCoUnit = await api.get(`/api/staff/tickets/${ticketNo}`, { token: waterAffairs.token });
    expect(asCoUnit.json.contact).toEqual({ anonymous: false, name: '李*', phone: '137****1111', masked: true });
    expect(asCoUnit.json.contactRevealable).toBe(false);
    expect(asCoUnit.text).not.toContain('13700001111');
    const coUnitReveal = await reveal(waterAffairs);
    expect(coUnitReveal.status).toBe(403);
    expect(coUnitReveal.text).not.toContain('13700001111');
    expect((await logged()).sort()).toEqual([dispatcher.id, water.id].sort());

    // Confidential: the unit goes through the hotline.
    const secret = await file({ type: 'report', confidential: true, contact: { name: '王五', phone: '13600002222' } });
    await ok(operator, secret.ticketNo, 'accept');
    await ok(dispatcher, secret.ticketNo, 'dispatch');
    const secretAsLead = await api.get(`/api/staff/tickets/${secret.ticketNo}`, { token: water.token });
    expect(secretAsLead.json.contact.masked).toBe(true);
    expect(secretAsLead.text).not.toContain('13600002222');
    const secretReveal = await api.post(`/api/staff/tickets/${secret.ticketNo}/reveal-contact`, {}, { token: water.token });
    expect(secretReveal.status).toBe(403);
    expect(secretReveal.json.error.message).toContain('保密工单');
    // Queue views are always masked.
    const queue = await api.get(`/api/staff/tickets?q=${ticketNo}`, { token: supervisor.token });
    expect(queue.json.items[0]).toMatchObject({ contactName: '李*', contactPhone: '137****1111' });
  });
});

describe('the queue', () => {
  it('filters by status, channel, district and category, and pages', async () => {
    const district = 'beiyuan';
    const mine = [];
    for (let i = 0; i < 3; i++) mine.push((await file({ location: { district, address: `北苑路 ${i} 号` }, channel: i === 0 ? 'wechat' : 'web', category: 'environment' })).ticketNo);
    const byDistrict = await api.get(`/api/staff/tickets?district=${district}&category=environment&pageSize=2`, { token: supervisor.token });
    expect(byDistrict.json.total).toBe(3);
    expect(byDistrict.json.items).toHaveLength(2);
    const page2 = await api.get(`/api/staff/tickets?district=${district}&category=environment&pageSize=2&page=2`, { token: supervisor.token });
    expect(page2.json.items).toHaveLength(1);
    const wechat = await api.get(`/api/staff/tickets?district=${district}&channel=wechat`, { token: supervisor.token });
    expect(wechat.json.items.map((t: { ticketNo: string }) => t.ticketNo)).toEqual([mine[0]]);
    const statuses = await api.get(`/api/staff/tickets?district=${district}&status=submitted,accepted`, { token: supervisor.token });
    expect(statuses.json.total).toBe(3);
    const bad = await api.get('/api/staff/tickets?status=lost&pageSize=1000', { token: supervisor.token });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['pageSize', 'status.0']);
  });

  it('lists overdue, due-soon and supervised tickets, with warnings counts', async () => {
    h.clock.set('2026-11-23T09:00:00+08:00');
    const late = (await file({ location: { district: 'yunling', address: '云岭路 1 号' } })).ticketNo;
    const soon = (await file({ location: { district: 'yunling', address: '云岭路 2 号' } })).ticketNo;
    for (const no of [late, soon]) {
      await ok(operator, no, 'accept');
    }
    await ok(dispatcher, late, 'dispatch', { leadUnitId: 'util_water' });
    h.clock.set('2026-11-26T09:00:00+08:00');
    await ok(dispatcher, soon, 'dispatch', { leadUnitId: 'util_water' });
    await ok(water, late, 'sign');
    await ok(water, soon, 'sign');
    await ok(supervisor, late, 'supervise', { note: '重点督办' });
    // Monday 30 November 20:00: `late` (due 30 Nov 23:59) is due soon; by Tuesday it is overdue.
    h.clock.set('2026-11-30T20:00:00+08:00');
    let dueSoon = await api.get('/api/staff/tickets?dueSoon=true&district=yunling', { token: supervisor.token });
    expect(dueSoon.json.items.map((t: { ticketNo: string }) => t.ticketNo)).toEqual([late]);
    h.clock.set('2026-12-01T09:00:00+08:00');
    const overdue = await api.get('/api/staff/tickets?overdue=true&district=yunling', { token: supervisor.token });
    expect(overdue.json.items.map((t: { ticketNo: string }) => t.ticketNo)).toEqual([late]);
    expect(overdue.json.items[0].overdue).toBe(true);
    dueSoon = await api.get('/api/staff/tickets?dueSoon=true&district=yunling', { token: supervisor.token });
    expect(dueSoon.json.items).toHaveLength(0);
    const supervised = await api.get('/api/staff/tickets?supervised=true&district=yunling', { token: supervisor.token });
    expect(supervised.json.items.map((t: { ticketNo: string }) => t.ticketNo)).toEqual([late]);
    const warnings = await api.get('/api/staff/warnings', { token: supervisor.token });
    expect(warnings.json.overdue).toBeGreaterThanOrEqual(1);
    expect(warnings.json.supervised).toBeGreaterThanOrEqual(1);
  });
});

describe('administration', () => {
  it('creates units and accounts; the new handler can log in and sees only its unit', async () => {
    const unit = await api.post('/api/staff/admin/units', { id: 'test_new_bureau', name: '市测试新设局', kind: 'bureau' }, { token: admin.token });
    expect(unit.status).toBe(201);
    expect((await api.post('/api/staff/admin/units', { id: 'test_new_bureau', name: '重复', kind: 'bureau' }, { token: admin.token })).status).toBe(409);
    expect((await api.post('/api/staff/admin/units', { id: 'sup_bureau', name: '督办员无权新增', kind: 'bureau' }, { token: supervisor.token })).status).toBe(403);
    const weak = await api.post('/api/staff/admin/accounts', { username: 'new.handler', displayName: '新承办人', role: 'unit_handler', unitId: 'test_new_bureau', password: 'short' }, { token: admin.token });
    expect(weak.status).toBe(400);
    expect(weak.json.error.details[0]).toEqual({ path: 'password', message: '密码至少 10 位，且同时包含字母和数字' });
    const noUnit = await api.post('/api/staff/admin/accounts', { username: 'new.handler', displayName: '新承办人', role: 'unit_handler', password: 'good-password-42' }, { token: admin.token });
    expect(noUnit.json.error.details[0].path).toBe('unitId');
    const created = await api.post('/api/staff/admin/accounts', { username: 'new.handler', displayName: '新承办人', role: 'unit_handler', unitId: 'test_new_bureau', password: 'good-password-42' }, { token: admin.token });
    expect(created.status).toBe(201);
    const login = await api.post('/api/staff/login', { username: 'new.handler', password: 'good-password-42' }, { headers: { 'x-forwarded-for': '198.51.100.9' } });
    expect(login.status).toBe(200);
    const queue = await api.get('/api/staff/tickets', { token: login.json.token });
    expect(queue.json.total).toBe(0);
  });

  it('applies calendar overrides and time-limit settings to new deadlines', async () => {
    h.clock.set('2026-11-23T09:00:00+08:00');
    // A typhoon closes offices on Tuesday 24 November.
    const put = await api.put('/api/staff/admin/calendar/2026-11-24', { workingDay: false, note: '台风停工' }, { token: admin.token });
    expect(put.status).toBe(200);
    expect((await api.put('/api/staff/admin/calendar/2026-13-01', { workingDay: false, note: 'x' }, { token: admin.token })).status).toBe(400);
    const settings = await api.put('/api/staff/admin/settings/timeLimits', { replyWorkingDays: { complaint: 3, report: 5, help: 5, consultation: 2, suggestion: 10, praise: 10 } }, { token: admin.token });
    expect(settings.status).toBe(200);
    expect((await api.put('/api/staff/admin/settings/timeLimits', { replyWorkingDays: { complaint: 0 } }, { token: admin.token })).status).toBe(400);

    const { ticketNo } = await file();
    await ok(operator, ticketNo, 'accept');
    const dispatched = await ok(dispatcher, ticketNo, 'dispatch');
    // 3 working days after Monday, skipping Tuesday: 25, 26, 27 November.
    expect(dispatched.dueAt).toBe(new Date('2026-11-27T23:59:59+08:00').toISOString());
    const calendar = await api.get('/api/staff/calendar?year=2026', { token: water.token });
    expect(calendar.json.days).toEqual(expect.arrayContaining([{ day: '2026-11-24', workingDay: false, source: 'override', name: '台风停工' }]));
    expect((await api.get('/api/staff/calendar?year=2027', { token: water.token })).json.officialScheduleIncluded).toBe(false);

    await api.delete('/api/staff/admin/calendar/2026-11-24', { token: admin.token });
    await api.put('/api/staff/admin/settings/timeLimits', {}, { token: admin.token });
    const again = await file();
    await ok(operator, again.ticketNo, 'accept');
    expect((await ok(dispatcher, again.ticketNo, 'dispatch')).dueAt).toBe(new Date('2026-11-30T23:59:59+08:00').toISOString());
  });
});

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 and describes every channel endpoint', async () => {
    const res = await api.get('/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.json.openapi).toBe('3.1.0');
    for (const [path, method] of [
      ['/api/tickets', 'post'],
      ['/api/tickets/lookup', 'post'],
      ['/api/tickets/{ticketNo}/rating', 'post'],
      ['/api/tickets/{ticketNo}/attachments', 'post'],
      ['/api/staff/tickets', 'get'],
      ['/api/staff/tickets/{ticketNo}', 'get'],
      ['/api/staff/tickets/{ticketNo}/dispatch', 'post'],
      ['/api/staff/metrics', 'get'],
      ['/healthz', 'get'],
      ['/readyz', 'get'],
    ]) {
      expect(res.json.paths[path!]?.[method!], `${method} ${path}`).toBeDefined();
    }
    const create = res.json.paths['/api/tickets'].post;
    expect(create.requestBody.content['application/json'].schema.properties.type.enum).toContain('complaint');
    expect(res.json.components.schemas.Error).toBeDefined();
  });

  it('reports health and readiness', async () => {
    expect((await api.get('/healthz')).json).toEqual({ status: 'ok' });
    expect((await api.get('/readyz')).json).toEqual({ status: 'ready', database: h.database.engine });
    const missing = await api.get('/api/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('NOT_FOUND');
  });
});
