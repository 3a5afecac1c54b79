import { contactAccessLog, ticketEvents, tickets } from '@hotline/db';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { phoneNumber, ticketBody } from '../support/factories.ts';
import { client, createHarness, createStaff, type Harness, type TestStaff } from '../support/harness.ts';

// 电话受理, 批量操作 and 工单搜索: what the workbench's intake screen, its
// queue checkboxes and its search box ask of the API.

let h: Harness;
let api: ReturnType<typeof client>;
let operator: TestStaff, dispatcher: TestStaff, water: TestStaff, power: TestStaff, supervisor: TestStaff;

beforeAll(async () => {
  h = await createHarness({ knowledge: 'content' });
  api = client(h);
  [operator, dispatcher, water, power, supervisor] = await Promise.all([
    createStaff(h, 'operator'),
    createStaff(h, 'dispatcher'),
    createStaff(h, 'unit_handler', 'util_water'),
    createStaff(h, 'unit_handler', 'util_power'),
    createStaff(h, 'supervisor'),
  ]);
}, 120_000);
afterAll(() => h.close());

async function file(overrides: Record<string, unknown> = {}) {
  const res = await api.post('/api/tickets', ticketBody(overrides));
  expect(res.status, res.text).toBe(201);
  return (res.json as { ticketNo: string }).ticketNo;
}
const row = async (ticketNo: string) => (await h.database.db.select().from(tickets).where(eq(tickets.ticketNo, ticketNo)))[0]!;
const events = async (ticketNo: string) =>
  (await h.database.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, (await row(ticketNo)).id)).orderBy(asc(ticketEvents.createdAt))).map((e) => e.action);

const call = (who: TestStaff, body: unknown) => api.post('/api/staff/phone/calls', body, { token: who.token });
const phoneTicket = (overrides: Record<string, unknown> = {}) => {
  const { channel: _channel, ...body } = ticketBody(overrides);
  return body;
};

describe('电话受理: the live draft', () => {
  it('drafts type, category, urgency and place from the caller’s words, with similar open tickets', async () => {
    const earlier = await file({ description: '东城区和平街道幸福小区从昨天开始停水，到现在还没有来水。', title: '幸福小区停水' });
    const res = await api.post('/api/staff/phone/assist', { text: '东城区和平街道幸福小区停水了，从昨天到现在都没水' }, { token: operator.token });
    expect(res.status, res.text).toBe(200);
    expect(res.json.draft.category).toMatch(/^utilities/);
    expect(res.json.draft.location.district).toBe('dongcheng');
    expect(res.json.emergency).toBeNull();
    expect(res.json.answers.available).toBe(true);
    expect(res.json.similar.map((s: { ticketNo: string }) => s.ticketNo)).toContain(earlier);
    expect(res.json.similar[0].statusLabel).toBe('待受理');
  });

  it('names the number to transfer an emergency to', async () => {
    const res = await api.post('/api/staff/phone/assist', { text: '我家楼下着火了，浓烟很大，有人被困' }, { token: operator.token });
    expect(res.status, res.text).toBe(200);
    expect(res.json.emergency).toBe('119');
    expect(res.json.draft.urgency).toBe('urgent');
  });

  it('offers no similar ticket for an unrelated matter, and is for intake roles only', async () => {
    const res = await api.post('/api/staff/phone/assist', { text: '想咨询一下公积金怎么提取' }, { token: operator.token });
    expect(res.json.similar).toEqual([]);
    expect((await api.post('/api/staff/phone/assist', { text: '停水了' }, { token: water.token })).status).toBe(403);
    expect((await api.post('/api/staff/phone/assist', { text: '停水了' })).status).toBe(401);
    const empty = await api.post('/api/staff/phone/assist', { text: ' ' }, { token: operator.token });
    expect(empty.status).toBe(400);
    expect(empty.json.error.message).toContain('来电内容');
  });
});

describe('电话受理: 登记 and 直接答复', () => {
  it('登记 files a phone ticket and accepts it through the state machine', async () => {
    const res = await call(operator, { outcome: 'register', ticket: phoneTicket({ urgency: 'urgent' }) });
    expect(res.status, res.text).toBe(201);
    expect(res.json.statusLabel).toBe('已受理');
    const t = await row(res.json.ticketNo);
    expect(t.channel).toBe('phone');
    expect(t.status).toBe('accepted');
    expect(t.urgency).toBe('urgent');
    expect(await events(res.json.ticketNo)).toEqual(['submit', 'accept']);
  });

  it('直接答复 files and answers it at once; an answer too short files nothing', async () => {
    const before = (await h.database.db.select().from(tickets)).length;
    const short = await call(operator, { outcome: 'answer', answer: '好', ticket: phoneTicket({ type: 'consultation' }) });
    expect(short.status).toBe(400);
    expect(short.json.error.details).toEqual([{ path: 'answer', message: expect.stringContaining('答复内容') }]);
    expect((await h.database.db.select().from(tickets)).length).toBe(before);

    const answer = '公积金提取可在市住房公积金中心网站或窗口办理，需携带身份证和相关证明材料。';
    const res = await call(operator, { outcome: 'answer', answer, ticket: phoneTicket({ type: 'consultation' }) });
    expect(res.status, res.text).toBe(201);
    expect(res.json.statusLabel).toBe('已直接答复');
    const t = await row(res.json.ticketNo);
    expect([t.status, t.replyText, t.channel]).toEqual(['answered', answer, 'phone']);
    expect(await events(res.json.ticketNo)).toEqual(['submit', 'answer_directly']);
  });

  it('refuses a call without the caller’s phone at its field, and roles that do not take calls', async () => {
    const { contact: _contact, ...noPhone } = phoneTicket();
    const res = await call(operator, { outcome: 'register', ticket: noPhone });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.json.error.details)).toContain('请填写联系电话');
    expect((await call(supervisor, { outcome: 'register', ticket: phoneTicket() })).status).toBe(403);
  });
});

describe('批量操作', () => {
  it('accepts several, each through the state machine; one already taken fails alone with its reason', async () => {
    const [a, b, c] = [await file(), await file(), await file()];
    await api.post(`/api/staff/tickets/${c}/accept`, {}, { token: dispatcher.token });
    const res = await api.post('/api/staff/bulk', { action: 'accept', ticketNos: [a, b, c, '209901010001'] }, { token: operator.token });
    expect(res.status, res.text).toBe(200);
    expect(res.json.succeeded).toBe(2);
    expect(res.json.failed).toBe(2);
    const by = Object.fromEntries(res.json.results.map((r: { ticketNo: string }) => [r.ticketNo, r]));
    expect(by[a]).toEqual({ ticketNo: a, ok: true, statusLabel: '已受理' });
    expect(by[c].ok).toBe(false);
    expect(by[c].error.code).toBe('CONFLICT');
    expect(by['209901010001'].error.code).toBe('NOT_FOUND');
    expect((await row(b)).status).toBe('accepted');
    expect(await events(b)).toEqual(['submit', 'accept']);
  });

  it('dispatches several to one unit, and urges several', async () => {
    const [a, b] = [await file(), await file()];
    await api.post('/api/staff/bulk', { action: 'accept', ticketNos: [a, b] }, { token: operator.token });
    const missingUnit = await api.post('/api/staff/bulk', { action: 'dispatch', ticketNos: [a, b] }, { token: dispatcher.token });
    expect(missingUnit.status).toBe(400);
    expect(missingUnit.json.error.details).toEqual([{ path: 'leadUnitId', message: '请选择承办单位' }]);
    const sent = await api.post('/api/staff/bulk', { action: 'dispatch', ticketNos: [a, b], leadUnitId: 'util_water' }, { token: dispatcher.token });
    expect(sent.json.succeeded, sent.text).toBe(2);
    expect((await row(a)).leadUnitId).toBe('util_water');
    expect((await row(b)).status).toBe('dispatched');
    const urged = await api.post('/api/staff/bulk', { action: 'urge', ticketNos: [a, b], note: '请尽快签收' }, { token: supervisor.token });
    expect(urged.json.succeeded, urged.text).toBe(2);
    expect((await row(a)).urgeCount).toBe(1);
  });

  it('refuses a role that may not take the action once, before any ticket', async () => {
    const a = await file();
    const res = await api.post('/api/staff/bulk', { action: 'dispatch', ticketNos: [a], leadUnitId: 'util_water' }, { token: operator.token });
    expect(res.status).toBe(403);
    expect(res.json.error.message).toBe('当前角色无权批量派单');
    expect((await api.post('/api/staff/bulk', { action: 'accept', ticketNos: [] }, { token: operator.token })).json.error.message).toContain('请至少选择一件工单');
  });
});

describe('工单搜索', () => {
  it('finds a citizen’s tickets by exact phone in a POST body and writes each found ticket to the access log', async () => {
    const phone = phoneNumber();
    const [a, b] = [await file({ contact: { name: '李四', phone } }), await file({ contact: { name: '李四', phone } })];
    await file();
    const logged = async () => h.database.db.select().from(contactAccessLog).where(and(eq(contactAccessLog.staffId, operator.id), eq(contactAccessLog.purpose, 'phone_search')));
    const before = (await logged()).length;
    const res = await api.post('/api/staff/tickets/search', { queue: 'all', phone }, { token: operator.token });
    expect(res.status, res.text).toBe(200);
    expect(res.json.items.map((i: { ticketNo: string }) => i.ticketNo).sort()).toEqual([a, b].sort());
    const found = (await logged()).slice(before);
    expect(found.map((l) => l.ticketId).sort()).toEqual([(await row(a)).id, (await row(b)).id].sort());
    expect(found.every((l) => l.searched === `${phone.slice(0, 3)}****${phone.slice(-4)}`)).toBe(true);
    // A partial number is not a search: exact only.
    expect((await api.post('/api/staff/tickets/search', { queue: 'all', phone: phone.slice(0, 7) }, { token: operator.token })).status).toBe(400);
    // The number never travels in a URL: a GET carrying it is refused, not answered with the whole queue.
    const inUrl = await api.get(`/api/staff/tickets?queue=all&phone=${phone}`, { token: operator.token });
    expect(inUrl.status).toBe(400);
    expect(inUrl.text).toContain('POST /api/staff/tickets/search');
  });

  it('logs a phone search that finds nothing, with the number masked', async () => {
    const phone = phoneNumber();
    const res = await api.post('/api/staff/tickets/search', { queue: 'all', phone }, { token: operator.token });
    expect(res.status, res.text).toBe(200);
    expect(res.json.total).toBe(0);
    const rows = await h.database.db.select().from(contactAccessLog).where(and(eq(contactAccessLog.staffId, operator.id), eq(contactAccessLog.searched, `${phone.slice(0, 3)}****${phone.slice(-4)}`)));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ purpose: 'phone_search', ticketId: null });
  });

  it('searches title, description and address in Chinese; a unit sees its own tickets only', async () => {
    const mine = await file({ title: '井盖缺失', description: '学府路上有一个井盖丢了，晚上很危险。', location: { district: 'dongcheng', address: '学府路 88 号门前' } });
    const other = await file({ title: '井盖松动', description: '学府路另一头的井盖松动，车过时响。', location: { district: 'dongcheng', address: '学府路 2 号' } });
    for (const no of [mine, other]) await api.post(`/api/staff/tickets/${no}/accept`, {}, { token: operator.token });
    await api.post(`/api/staff/tickets/${mine}/dispatch`, { leadUnitId: 'util_water', coUnitIds: [] }, { token: dispatcher.token });
    await api.post(`/api/staff/tickets/${other}/dispatch`, { leadUnitId: 'util_power', coUnitIds: [] }, { token: dispatcher.token });
    const q = (who: TestStaff, text: string) => api.get(`/api/staff/tickets?queue=all&q=${encodeURIComponent(text)}`, { token: who.token }).then((r) => r.json.items.map((i: { ticketNo: string }) => i.ticketNo));
    expect((await q(operator, '学府路')).sort()).toEqual([mine, other].sort());
    expect(await q(operator, '88 号门前')).toEqual([mine]);
    expect(await q(operator, '车过时响')).toEqual([other]);
    expect(await q(water, '学府路')).toEqual([mine]);
    expect(await q(power, '井盖')).toEqual([other]);
  });
});
