import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, createHarness, createStaff, type Harness, type TestStaff } from '../support/harness.ts';
import { phoneNumber, ticketBody } from '../support/factories.ts';

let h: Harness;
let api: ReturnType<typeof client>;
let operator: TestStaff, dispatcher: TestStaff, urban: TestStaff, supervisor: TestStaff;

beforeAll(async () => {
  h = await createHarness();
  api = client(h);
  [operator, dispatcher, urban, supervisor] = await Promise.all([
    createStaff(h, 'operator'),
    createStaff(h, 'dispatcher'),
    createStaff(h, 'unit_handler', 'city_urban_mgmt'),
    createStaff(h, 'supervisor'),
  ]);
});
afterAll(() => h.close());

const publish = (ticketNo: string, body: Record<string, unknown> = {}) => api.post(`/api/staff/tickets/${ticketNo}/publish`, body, { token: supervisor.token });

async function handle(ticketNo: string, queryCode: string, reply: string, rate = true) {
  for (const [who, action, body] of [
    [operator, 'accept', { category: 'urban_management.city_appearance' }],
    [dispatcher, 'dispatch', { leadUnitId: 'city_urban_mgmt', coUnitIds: [] }],
    [urban, 'sign', {}],
    [urban, 'reply', { reply }],
  ] as const) {
    const res = await api.post(`/api/staff/tickets/${ticketNo}/${action}`, body, { token: who.token });
    expect(res.status, res.text).toBe(200);
  }
  if (rate) {
    const rated = await api.post(`/api/tickets/${ticketNo}/rating`, { queryCode, processSatisfaction: 'satisfied', resultSatisfaction: 'satisfied', resolved: true });
    expect(rated.status).toBe(200);
  }
}

describe("the mayor's mailbox", () => {
  const letter = (overrides: Record<string, unknown> = {}) => ({
    type: 'suggestion',
    channel: 'mailbox',
    addressee: 'mayor',
    title: '建议在老城区增设公共停车场',
    description: '市长您好，我住在和平路 18 号 5 栋，电话 13912345678，老城区停车太难了，建议利用闲置地块建设立体停车场。张三敬上',
    contact: { name: '张三', phone: phoneNumber() },
    publishConsent: true,
    ...overrides,
  });

  it('takes letters with a configured addressee and lists answered, consented ones with personal data removed', async () => {
    const missing = await api.post('/api/tickets', letter({ addressee: undefined }));
    expect(missing.status).toBe(400);
    expect(missing.json.error.details).toContainEqual({ path: 'addressee', message: '请选择写信对象' });
    const unknown = await api.post('/api/tickets', letter({ addressee: 'king' }));
    expect(unknown.json.error.details).toContainEqual({ path: 'addressee', message: '写信对象「king」不存在' });
    const notMailbox = await api.post('/api/tickets', ticketBody({ addressee: 'mayor' }));
    expect(notMailbox.status).toBe(400);

    const published = await api.post('/api/tickets', { ...letter(), location: { address: '和平路 18 号 5 栋' } });
    expect(published.status).toBe(201);
    const privateLetter = await api.post('/api/tickets', letter({ publishConsent: false, title: '不愿公开的来信内容' }));
    const unanswered = await api.post('/api/tickets', letter({ title: '尚未答复的一封来信' }));
    await handle(published.json.ticketNo, published.json.queryCode, '感谢来信。市城管局已将老城区停车设施纳入明年计划，联系人电话 13900001111。', false);
    await handle(privateLetter.json.ticketNo, privateLetter.json.queryCode, '已按来信所提事项办理完毕，感谢您的监督。', false);
    expect(unanswered.status).toBe(201);

    // Nothing is public before a person decides.
    expect((await api.get('/api/mailbox/letters')).json.total).toBe(0);
    expect((await publish(privateLetter.json.ticketNo)).status).toBe(409);
    expect((await publish(unanswered.json.ticketNo)).status).toBe(409);
    expect((await publish(published.json.ticketNo)).status).toBe(200);

    const list = await api.get('/api/mailbox/letters');
    expect(list.status).toBe(200);
    expect(list.json.items.map((l: { ticketNo: string }) => l.ticketNo)).toEqual([published.json.ticketNo]);
    const item = list.json.items[0];
    expect(item).toMatchObject({ title: '建议在老城区增设公共停车场', addressee: '市长', unit: '市城市管理局' });
    expect(item.content).not.toContain('13912345678');
    expect(item.content).not.toContain('张三');
    expect(item.content).toContain('某某');
    expect(item.content).not.toMatch(/18 号 5 栋/);
    expect(item.content).not.toMatch(/\d/);
    expect(item.reply).not.toContain('13900001111');
    const searched = await api.get(`/api/mailbox/letters?q=${encodeURIComponent('立体停车场')}`);
    expect(searched.json.total).toBe(1);
    expect((await api.get(`/api/mailbox/letters?q=${encodeURIComponent('没有这个词')}`)).json.total).toBe(0);
    const lookup = await api.post('/api/tickets/lookup', { ticketNo: published.json.ticketNo, queryCode: published.json.queryCode }, { headers: { 'x-forwarded-for': '192.0.2.40' } });
    expect(lookup.json.addressee).toBe('市长');
  });
});

describe('letters to a district head (区长)', () => {
  it('ask which district, and are suggested and dispatched to that district government', async () => {
    const base = {
      type: 'suggestion',
      channel: 'mailbox',
      addressee: 'district_head',
      title: '建议延长区图书馆开放时间',
      description: '区长您好，区图书馆周末下午五点就关门，上班族根本没时间去，建议延长到晚上八点。',
      contact: { name: '赵六', phone: phoneNumber() },
    };
    const missing = await api.post('/api/tickets', base);
    expect(missing.status).toBe(400);
    expect(missing.json.error.details).toContainEqual({ path: 'location.district', message: '写给区长的来信，请选择是哪个区' });
    const filed = await api.post('/api/tickets', { ...base, location: { district: '西岭区' } });
    expect(filed.status, filed.text).toBe(201);
    const no = filed.json.ticketNo;
    expect((await api.post(`/api/staff/tickets/${no}/accept`, { category: 'government_services' }, { token: operator.token })).status).toBe(200);
    const detail = await api.get(`/api/staff/tickets/${no}`, { token: dispatcher.token });
    expect(detail.json.routingSuggestion).toMatchObject({ leadUnitId: 'gov_xiling' });
    const dispatched = await api.post(`/api/staff/tickets/${no}/dispatch`, {}, { token: dispatcher.token });
    expect(dispatched.status, dispatched.text).toBe(200);
    expect((await api.get(`/api/staff/tickets/${no}`, { token: dispatcher.token })).json.leadUnitId).toBe('gov_xiling');
  });
});

describe('the echo wall', () => {
  it('shows closed, consented, non-confidential cases, filtered by category, district and month', async () => {
    h.clock.set('2026-11-10T10:00:00+08:00');
    const shown = await api.post('/api/tickets', ticketBody({ category: 'urban_management.street_vending', publishConsent: true, location: { district: 'xiling', address: '翠湖路 1 号' }, description: '翠湖路口每天晚上都有流动摊贩占道经营，行人只能走到机动车道上。' }));
    const secret = await api.post('/api/tickets', ticketBody({ category: 'urban_management.street_vending', publishConsent: true, confidential: true, location: { district: 'xiling', address: '翠湖路 2 号' } }));
    const noConsent = await api.post('/api/tickets', ticketBody({ category: 'urban_management.street_vending', location: { district: 'xiling', address: '翠湖路 3 号' } }));
    for (const t of [shown, secret, noConsent]) await handle(t.json.ticketNo, t.json.queryCode, '城管部门已安排定时巡查，摊贩已引导到规范经营点。');
    expect((await api.get('/api/echo-wall')).json.total).toBe(0);
    expect((await publish(secret.json.ticketNo)).json.error.message).toBe('保密工单不能公开');
    expect((await publish(noConsent.json.ticketNo)).json.error.message).toBe('诉求人未同意公开');
    expect((await publish(shown.json.ticketNo)).status).toBe(200);
    const wall = await api.get('/api/echo-wall?district=xiling&category=urban_management&month=2026-11');
    expect(wall.json.items.map((c: { ticketNo: string }) => c.ticketNo)).toEqual([shown.json.ticketNo]);
    expect(wall.json.items[0]).toMatchObject({ district: '西岭区', category: { code: 'urban_management', name: '城市管理' } });
    expect((await api.get('/api/echo-wall?district=xiling&month=2026-10')).json.total).toBe(0);
    const bad = await api.get('/api/echo-wall?month=2026-13');
    expect(bad.status).toBe(400);
  });
});

describe('filing limits', () => {
  it('stops a phone number after ten filings a day, and one address after twenty an hour', async () => {
    const phone = phoneNumber();
    for (let i = 0; i < 10; i++) expect((await api.post('/api/tickets', ticketBody({ contact: { phone } }))).status).toBe(201);
    const eleventh = await api.post('/api/tickets', ticketBody({ contact: { phone } }));
    expect(eleventh.status).toBe(429);
    expect(eleventh.json.error.message).toMatch(/提交过于频繁/);
    const address = { 'x-forwarded-for': '198.51.100.77' };
    for (let i = 0; i < 20; i++) expect((await api.post('/api/tickets', ticketBody(), { headers: address })).status).toBe(201);
    expect((await api.post('/api/tickets', ticketBody(), { headers: address })).status).toBe(429);
    expect((await api.post('/api/tickets', ticketBody(), { headers: { 'x-forwarded-for': '198.51.100.78' } })).status).toBe(201);
  });
});
