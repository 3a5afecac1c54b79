import { ticketEvents, ticketPublications, tickets } from '@hotline/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, createHarness, createStaff, type Harness, type TestStaff } from '../support/harness.ts';
import { ticketBody } from '../support/factories.ts';

let h: Harness;
let api: ReturnType<typeof client>;
let operator: TestStaff, dispatcher: TestStaff, urban: TestStaff, supervisor: TestStaff, admin: TestStaff;

beforeAll(async () => {
  h = await createHarness();
  api = client(h);
  [operator, dispatcher, urban, supervisor, admin] = await Promise.all([
    createStaff(h, 'operator'),
    createStaff(h, 'dispatcher'),
    createStaff(h, 'unit_handler', 'city_urban_mgmt'),
    createStaff(h, 'supervisor'),
    createStaff(h, 'admin'),
  ]);
});
afterAll(() => h.close());

let ip = 0;
const DESCRIPTION = '我叫张三，住在幸福路12号3单元502室，电话13812345678。楼下烧烤摊老板王建国每天晚上油烟很大，车牌粤B·12345的车天天堵门口。';

/** A case filed with personal details everywhere, handled and rated (by default satisfied and resolved), so it closes. */
async function closedCase(overrides: Record<string, unknown> = {}, rating = { processSatisfaction: 'satisfied', resultSatisfaction: 'satisfied', resolved: true }) {
  const filed = await api.post(
    '/api/tickets',
    ticketBody({ type: 'complaint', category: 'urban_management.street_vending', title: '张三反映烧烤油烟', description: DESCRIPTION, publishConsent: true, contact: { name: '张三', phone: '13812345678' }, location: { district: 'dongcheng', address: '幸福路12号3单元502室' }, ...overrides }),
    { headers: { 'x-forwarded-for': `198.18.0.${++ip}` } },
  );
  expect(filed.status, filed.text).toBe(201);
  const no = filed.json.ticketNo as string;
  for (const [who, action, body] of [
    [operator, 'accept', {}],
    [dispatcher, 'dispatch', { leadUnitId: 'city_urban_mgmt', coUnitIds: [] }],
    [urban, 'sign', {}],
    [urban, 'reply', { reply: '经查，王建国经营的烧烤摊已整改，张三反映的问题已解决，如有疑问请联系城管队员13900001111。' }],
  ] as const) {
    const res = await api.post(`/api/staff/tickets/${no}/${action}`, body, { token: who.token });
    expect(res.status, `${action}: ${res.text}`).toBe(200);
  }
  const rated = await api.post(`/api/tickets/${no}/rating`, { queryCode: filed.json.queryCode, ...rating }, { headers: { 'x-forwarded-for': `198.18.1.${ip}` } });
  expect(rated.status, rated.text).toBe(200);
  return no;
}

const wall = async () => (await api.get('/api/echo-wall?pageSize=50')).json.items as { ticketNo: string; title: string; content: string; reply: string }[];

describe('publication by decision', () => {
  it('waits in 待公开 and proposes a public text with every personal detail replaced and marked', async () => {
    const no = await closedCase();
    expect((await wall()).map((c) => c.ticketNo)).not.toContain(no);
    const pending = await api.get('/api/staff/publications/pending', { token: supervisor.token });
    expect(pending.status).toBe(200);
    const item = pending.json.items.find((i: { ticketNo: string }) => i.ticketNo === no);
    expect(item).toMatchObject({ proposed: true, why: null });
    expect(item.title).not.toContain('张三');

    const proposal = await api.get(`/api/staff/tickets/${no}/publication`, { token: supervisor.token });
    expect(proposal.status).toBe(200);
    expect(proposal.json).toMatchObject({ eligible: true, proposed: true, published: null });
    const content = proposal.json.content;
    for (const detail of ['张三', '13812345678', '12', '502', '王建国', '粤B·12345']) expect(content.text).not.toContain(detail);
    expect(content.text).toContain('幸福路');
    const kinds = content.replacements.map((r: { kind: string }) => r.kind);
    expect(kinds).toEqual(expect.arrayContaining(['name', 'phone', 'house_number', 'plate']));
    for (const r of content.replacements) expect(content.text.slice(r.start, r.end)).toBe(r.replacement);
    expect(proposal.json.reply.text).not.toContain('13900001111');
  });

  it('publishes the proposal or the edited texts, stores them, records the event, and takes them down at once', async () => {
    const no = await closedCase();
    const edited = '幸福路某小区楼下烧烤摊油烟扰民，市民多次反映。';
    const published = await api.post(`/api/staff/tickets/${no}/publish`, { content: edited }, { token: supervisor.token });
    expect(published.status, published.text).toBe(200);
    const shown = (await wall()).find((c) => c.ticketNo === no)!;
    expect(shown.content).toBe(edited);
    expect(shown.title).not.toContain('张三');
    expect(shown.reply).not.toMatch(/13900001111|王建国|张三/);

    // Stored, not computed per request: what the row holds is what is served.
    const [ticket] = await h.database.db.select().from(tickets).where(eq(tickets.ticketNo, no));
    const [row] = await h.database.db.select().from(ticketPublications).where(eq(ticketPublications.ticketId, ticket!.id));
    expect(row).toMatchObject({ content: edited, title: shown.title, reply: shown.reply, unpublishedAt: null });
    await h.database.db.update(ticketPublications).set({ reply: '（已人工修订的答复）' }).where(eq(ticketPublications.ticketId, ticket!.id));
    expect((await wall()).find((c) => c.ticketNo === no)!.reply).toBe('（已人工修订的答复）');

    expect((await api.post(`/api/staff/tickets/${no}/unpublish`, {}, { token: supervisor.token })).status).toBe(400);
    const down = await api.post(`/api/staff/tickets/${no}/unpublish`, { reason: '市民来电要求撤下' }, { token: admin.token });
    expect(down.status, down.text).toBe(200);
    expect((await wall()).map((c) => c.ticketNo)).not.toContain(no);
    const events = await h.database.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticket!.id));
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(['publish', 'unpublish']));
    expect((await api.post(`/api/staff/tickets/${no}/unpublish`, { reason: '再撤一次' }, { token: supervisor.token })).status).toBe(409);
    // Taken down, it does not come back to the queue by itself.
    const pending = await api.get('/api/staff/publications/pending?pageSize=100', { token: supervisor.token });
    expect(pending.json.items.map((i: { ticketNo: string }) => i.ticketNo)).not.toContain(no);
  });

  it('refuses an edited text that puts the citizen or a phone number back', async () => {
    const no = await closedCase();
    const res = await api.post(`/api/staff/tickets/${no}/publish`, { content: '张三反映的油烟问题已解决', reply: '请拨打 138 1234 5678 咨询' }, { token: supervisor.token });
    expect(res.status).toBe(400);
    expect(res.json.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['content', 'reply']);
    expect((await wall()).map((c) => c.ticketNo)).not.toContain(no);
  });

  it('needs a reason for a case rated unsatisfied or unresolved', async () => {
    const no = await closedCase({}, { processSatisfaction: 'basically_satisfied', resultSatisfaction: 'basically_satisfied', resolved: false });
    const proposal = await api.get(`/api/staff/tickets/${no}/publication`, { token: supervisor.token });
    expect(proposal.json).toMatchObject({ eligible: true, proposed: false });
    const without = await api.post(`/api/staff/tickets/${no}/publish`, {}, { token: supervisor.token });
    expect(without.status).toBe(400);
    expect(without.json.error.details).toEqual([{ path: 'reason', message: '请说明公开的理由' }]);
    expect((await api.post(`/api/staff/tickets/${no}/publish`, { reason: '作为改进服务的典型案例' }, { token: supervisor.token })).status).toBe(200);
  });

  it('never publishes reports or confidential cases', async () => {
    const report = await closedCase({ type: 'report' });
    expect((await api.post(`/api/staff/tickets/${report}/publish`, { reason: 'x' }, { token: supervisor.token })).json.error.message).toBe('举报类工单不能公开');
    const secret = await closedCase({ confidential: true });
    expect((await api.post(`/api/staff/tickets/${secret}/publish`, { reason: 'x' }, { token: supervisor.token })).status).toBe(409);
  });

  it('is for supervisors and administrators only', async () => {
    const no = await closedCase();
    for (const who of [operator, dispatcher, urban]) {
      expect((await api.post(`/api/staff/tickets/${no}/publish`, {}, { token: who.token })).status).toBe(403);
      expect((await api.post(`/api/staff/tickets/${no}/unpublish`, { reason: '试试' }, { token: who.token })).status).toBe(403);
      expect((await api.get('/api/staff/publications/pending', { token: who.token })).status).toBe(403);
    }
    expect((await api.post(`/api/staff/tickets/${no}/publish`, {})).status).toBe(401);
    expect((await api.post(`/api/staff/tickets/${no}/publish`, {}, { token: admin.token })).status).toBe(200);
  });
});
