import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketBody } from '../support/factories.ts';
import { client, createHarness, createStaff, type Harness, type TestStaff } from '../support/harness.ts';

// 工单页旁: the tickets that look like the same matter (for 合并) and the
// knowledge entries closest to a ticket's text (for 直接答复).

let h: Harness;
let api: ReturnType<typeof client>;
let operator: TestStaff, dispatcher: TestStaff, water: TestStaff, power: TestStaff, editor: TestStaff;

beforeAll(async () => {
  h = await createHarness({ knowledge: 'content' });
  api = client(h);
  [operator, dispatcher, water, power, editor] = await Promise.all([
    createStaff(h, 'operator'),
    createStaff(h, 'dispatcher'),
    createStaff(h, 'unit_handler', 'util_water'),
    createStaff(h, 'unit_handler', 'util_power'),
    createStaff(h, 'editor'),
  ]);
}, 120_000);
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
type Similar = { ticketNo: string; place: string; distanceMetres: number | null; textScore: number; reason: string; channelLabel: string };
async function similar(who: TestStaff, ticketNo: string) {
  const res = await api.get(`/api/staff/tickets/${ticketNo}/similar`, { token: who.token });
  expect(res.status, res.text).toBe(200);
  return res.json.items as Similar[];
}
const nos = (items: Similar[]) => items.map((i) => i.ticketNo);

const lamp = {
  type: 'complaint',
  category: 'urban_management',
  title: '幸福路路灯不亮',
  description: '幸福路 30 号到 50 号之间的路灯一连三个晚上都不亮，行人走路看不清，请尽快维修。',
};

describe('GET /api/staff/tickets/{no}/similar', () => {
  it('offers tickets of the same street or within 500 m with similar text, from any channel, never itself or a merged one', async () => {
    const here = { district: 'jiangbin', street: 'jiangbin_wangjiang', address: '幸福路 40 号', lat: 31.2001, lng: 121.4001 };
    const mine = await file({ ...lamp, location: here });
    // The same matter told differently, on the phone, same street.
    const byPhone = (
      await api.post(
        '/api/staff/tickets',
        (({ channel: _c, ...body }) => body)(
          ticketBody({ ...lamp, title: '幸福路的路灯坏了', description: '幸福路 40 号附近路灯晚上不亮，已经三天了，请维修。', location: { district: 'jiangbin', street: 'jiangbin_wangjiang', address: '幸福路' } }),
        ),
        { token: operator.token },
      )
    ).json.ticketNo as string;
    // 300 m away, filed under the neighbouring street.
    const nearby = await file({ ...lamp, title: '路灯不亮', location: { district: 'jiangbin', street: 'jiangbin_yanhe', address: '幸福路 52 号', lat: 31.2028, lng: 121.4001 } });
    // Same street, another matter.
    const otherMatter = await file({ type: 'complaint', category: 'environment', title: '餐馆油烟扰民', description: '望江街道一家餐馆的油烟直排进居民楼，开窗就是油烟味。', location: here });
    // Same text, another district far away.
    const farAway = await file({ ...lamp, location: { district: 'dongcheng', street: 'dongcheng_heping', address: '幸福路 40 号' } });
    // Same matter, already merged elsewhere.
    const merged = await file({ ...lamp, location: here });
    await ok(operator, merged, 'merge', { intoTicketNo: byPhone });

    const found = await similar(operator, mine);
    expect(nos(found)).toContain(byPhone);
    expect(nos(found)).toContain(nearby);
    expect(nos(found)).not.toContain(mine);
    expect(nos(found)).not.toContain(merged);
    expect(nos(found)).not.toContain(otherMatter);
    expect(nos(found)).not.toContain(farAway);
    const near = found.find((f) => f.ticketNo === nearby)!;
    expect(near.place).toBe('nearby');
    expect(near.distanceMetres).toBeGreaterThan(250);
    expect(near.distanceMetres).toBeLessThan(350);
    expect(near.reason).toMatch(/^相距约 \d+ 米 · 内容相似 \d+%$/);
    const phone = found.find((f) => f.ticketNo === byPhone)!;
    expect(phone.place).toBe('street');
    expect(phone.channelLabel).toBe('电话');
    expect(phone.reason).toContain('同一街道 望江街道');
    // The closest place comes first.
    expect(found[0]!.ticketNo).toBe(nearby);

    // Merging through the state machine, from what was offered.
    await ok(operator, mine, 'merge', { intoTicketNo: byPhone });
    expect(nos(await similar(operator, byPhone))).not.toContain(mine);
  });

  it('shows a unit handler only its own unit’s tickets, and another unit’s ticket is not found', async () => {
    const place = { district: 'xiling', street: 'xiling_cuihu', address: '翠湖花园 2 栋' };
    const outage = { type: 'complaint', category: 'utilities.water_outage', title: '翠湖花园停水', description: '翠湖花园 2 栋从今天早上开始停水，没有任何通知，请尽快恢复供水。', location: place };
    const [a, b, c, d] = await Promise.all([
      file(outage),
      file({ ...outage, title: '翠湖花园停水一天了' }),
      file({ ...outage, title: '翠湖花园没有水' }),
      file({ ...outage, title: '翠湖花园停水停电' }),
    ]);
    for (const no of [a, b, c, d]) await ok(operator, no, 'accept');
    await ok(dispatcher, a, 'dispatch', { leadUnitId: 'util_water', coUnitIds: [] });
    await ok(dispatcher, b, 'dispatch', { leadUnitId: 'util_water', coUnitIds: [] });
    await ok(dispatcher, c, 'dispatch', { leadUnitId: 'util_power', coUnitIds: [] });
    // The water company assists on this one: it sees it.
    await ok(dispatcher, d, 'dispatch', { leadUnitId: 'util_power', coUnitIds: ['util_water'] });

    expect(nos(await similar(dispatcher, a)).sort()).toEqual([b, c, d].sort());
    expect(nos(await similar(water, a)).sort()).toEqual([b, d].sort());
    const notMine = await api.get(`/api/staff/tickets/${c}/similar`, { token: water.token });
    expect(notMine.status).toBe(404);
    expect(notMine.text).not.toContain('翠湖');
    expect((await api.get(`/api/staff/tickets/${a}/similar`, { token: editor.token })).status).toBe(403);
    expect((await api.get(`/api/staff/tickets/${a}/similar`)).status).toBe(401);
    expect(nos(await similar(power, c))).toEqual([d]);
  });

  it('looks back 30 days only', async () => {
    const place = { district: 'dongcheng', street: 'dongcheng_kangning', address: '康宁路 9 号' };
    const noise = { type: 'complaint', category: 'environment', title: '康宁路工地夜间施工噪音', description: '康宁路 9 号旁边的工地每天晚上十一点以后还在施工，噪音很大，影响休息。', location: place };
    const old = await file(noise);
    h.clock.advance({ days: 31 });
    const fresh = await file(noise);
    const recent = await file({ ...noise, title: '康宁路工地半夜施工' });
    const found = nos(await similar(operator, fresh));
    expect(found).toEqual([recent]);
    expect(found).not.toContain(old);
  });
});

describe('GET /api/staff/tickets/{no}/knowledge', () => {
  it('finds the entries closest to the ticket’s text for a direct answer, for those who may see the ticket', async () => {
    const no = await file({
      type: 'consultation',
      category: 'housing_property',
      title: '公积金怎么提取',
      description: '我想问一下住房公积金怎么提取，需要带哪些材料？',
    });
    const res = await api.get(`/api/staff/tickets/${no}/knowledge`, { token: operator.token });
    expect(res.status, res.text).toBe(200);
    expect(res.json.available).toBe(true);
    expect(res.json.hits.length).toBeGreaterThan(0);
    expect(res.json.hits.length).toBeLessThanOrEqual(3);
    expect(res.json.hits[0].question).toContain('公积金');
    expect(res.json.hits[0].answer.length).toBeGreaterThan(10);
    // A unit that does not handle it learns nothing.
    expect((await api.get(`/api/staff/tickets/${no}/knowledge`, { token: water.token })).status).toBe(404);
  });
});
