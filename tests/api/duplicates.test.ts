import { followerNotifications, ticketDuplicateLinks, ticketFollowers, tickets } from '@hotline/db';
import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatSender } from '../../bots/src/dialog/types.ts';
import { createNotificationHandler, PUBLIC_EVENT_TOPIC } from '../../bots/src/notifications.ts';
import { OutboxWorker } from '../../api/src/domain/outbox/outbox-worker.ts';
import { createDuplicateLinker } from '../../api/src/domain/tickets/link-duplicates.ts';
import { phoneNumber, ticketBody } from '../support/factories.ts';
import { client, createHarness, createStaff, type Harness, type TestStaff } from '../support/harness.ts';

// 重复工单 across channels: the finder links each filing to the same matter filed
// before on any channel, the citizen is offered it at POST /api/tickets/check,
// and may follow it instead of filing; a chat follower hears of its progress.

let h: Harness;
let api: ReturnType<typeof client>;
let operator: TestStaff, dispatcher: TestStaff;
const sent: { network: string; chatUserId: string; text: string }[] = [];
let worker: OutboxWorker;

beforeAll(async () => {
  h = await createHarness();
  api = client(h);
  [operator, dispatcher] = await Promise.all([createStaff(h, 'operator'), createStaff(h, 'dispatcher')]);
  // The process's wiring (server.ts): link each filing, then tell the chat filer and followers.
  const telegram: ChatSender = {
    network: 'telegram',
    send: async (chatUserId, messages) => {
      for (const m of messages) sent.push({ network: 'telegram', chatUserId, text: m.text ?? '' });
      return { delivered: true };
    },
  };
  const link = createDuplicateLinker({ db: h.database.db, rules: h.rules, now: h.clock.now });
  const notify = createNotificationHandler({ db: h.database.db, senders: new Map([['telegram', telegram]]) });
  worker = new OutboxWorker(h.database.db).on(PUBLIC_EVENT_TOPIC, async (m) => {
    await link(m);
    await notify(m);
  });
}, 120_000);
afterAll(() => h.close());

const heping = { district: 'dongcheng', street: 'dongcheng_heping' };
const lamp = { type: 'complaint', category: 'urban_management' };

async function file(body: Record<string, unknown>, internal = false) {
  const res = await api.post('/api/tickets', ticketBody(body), { internal });
  expect(res.status, res.text).toBe(201);
  return res.json.ticketNo as string;
}
async function idOf(ticketNo: string) {
  const [row] = await h.database.db.select({ id: tickets.id }).from(tickets).where(eq(tickets.ticketNo, ticketNo));
  return row!.id;
}

describe('the same matter on three channels', () => {
  let web: string, wechat: string, telegram: string, noodles: string, bins: string;

  it('is linked into one cluster, and matters of the same street are not', async () => {
    web = await file({ ...lamp, title: '和平路路灯不亮', description: '和平路 12 号门口的路灯已经坏了一个星期，晚上一片漆黑，老人出门很不安全。', location: { ...heping, address: '和平路 12 号' } });
    // A different matter on the same street and at the same address, filed in between.
    noodles = await file({
      type: 'complaint',
      category: 'environment',
      title: '和平路饭店油烟',
      description: '和平路 12 号楼下的饭店每天晚上油烟很大，排风机噪音吵得睡不着。',
      location: { ...heping, address: '和平路 12 号' },
    });
    bins = await file({ ...lamp, title: '垃圾没人清运', description: '和平路 12 号门口的垃圾桶满了好几天，没有人来清运，味道很大。', location: { ...heping, address: '和平路 12 号' } });
    h.clock.advance({ hours: 3 });
    wechat = await file({ ...lamp, channel: 'wechat', channelUserId: 'wechat-oa:o-citizen-2', title: undefined, description: '和平路12号附近路灯坏了，晚上黑漆漆的，希望尽快修好', location: { ...heping } }, true);
    h.clock.advance({ days: 2 });
    telegram = await file(
      { ...lamp, channel: 'telegram', channelUserId: 'telegram:7001', title: undefined, description: '反映一下，和平街道和平路那边的路灯一直不亮，天黑以后走路很危险', location: { ...heping, address: '和平路' } },
      true,
    );
    expect(await worker.drain()).toBeGreaterThanOrEqual(5);

    const ids = { web: await idOf(web), wechat: await idOf(wechat), telegram: await idOf(telegram), noodles: await idOf(noodles), bins: await idOf(bins) };
    const links = await h.database.db.select().from(ticketDuplicateLinks).where(inArray(ticketDuplicateLinks.ticketId, Object.values(ids)));
    const pairs = links.map((l) => `${l.ticketId}>${l.duplicateOfId}`).sort();
    // Each later wording is linked to the first (the WeChat and Telegram ones share only 路灯 between them: not enough alone).
    expect(pairs).toEqual([`${ids.telegram}>${ids.web}`, `${ids.wechat}>${ids.web}`].sort());
    expect(new Set(links.map((l) => l.clusterId))).toEqual(new Set([ids.web]));
    // Redelivery writes nothing twice.
    await createDuplicateLinker({ db: h.database.db, rules: h.rules, now: h.clock.now })({ payload: { action: 'submit', ticketId: ids.telegram } });
    expect(await h.database.db.select().from(ticketDuplicateLinks).where(eq(ticketDuplicateLinks.ticketId, ids.telegram))).toHaveLength(1);

    // The workbench's panel uses the same finder: the street's other matters are not offered.
    const panel = await api.get(`/api/staff/tickets/${web}/similar`, { token: operator.token });
    expect(panel.json.items.map((i: { ticketNo: string }) => i.ticketNo).sort()).toEqual([wechat, telegram].sort());
  });

  it('is offered by POST /api/tickets/check with public fields only, and counts the reporters', async () => {
    const body = ticketBody({ ...lamp, title: '路灯坏了', description: '和平路上的路灯晚上不亮，黑乎乎的，请派人修一下。', location: heping, contact: { name: '李四', phone: phoneNumber() } });
    const res = await api.post('/api/tickets/check', body);
    expect(res.status, res.text).toBe(200);
    const nos = res.json.similar.map((s: { ticketNo: string }) => s.ticketNo);
    expect(nos).toContain(web);
    expect(nos).not.toContain(noodles);
    expect(nos).not.toContain(bins);
    const offered = res.json.similar.find((s: { ticketNo: string }) => s.ticketNo === web);
    expect(Object.keys(offered).sort()).toEqual(['filedAt', 'reporters', 'status', 'statusLabel', 'ticketNo', 'title']);
    expect(offered).toMatchObject({ title: '和平路路灯不亮', status: 'submitted', statusLabel: '待受理', reporters: 3 });
    expect(JSON.stringify(res.json)).not.toContain('张三');

    const unrelated = await api.post('/api/tickets/check', ticketBody({ type: 'consultation', category: 'labor_social_security', title: '社保转移', description: '想问一下外地的社保怎么转到本市来，需要什么材料？', location: heping }));
    expect(unrelated.json.similar).toEqual([]);
  });

  it('lets a citizen follow instead of filing: counted once, told of the progress on their chat', async () => {
    const phone = phoneNumber();
    const byWeb = await api.post(`/api/tickets/${web}/follow`, { channel: 'web', phone });
    expect(byWeb.status, byWeb.text).toBe(200);
    expect(byWeb.json).toMatchObject({ ticketNo: web, reporters: 4, added: true });
    const again = await api.post(`/api/tickets/${web}/follow`, { channel: 'web', phone });
    expect(again.json).toMatchObject({ reporters: 4, added: false });
    // A chat account is named only by the bots (internal token).
    expect((await api.post(`/api/tickets/${web}/follow`, { channel: 'telegram', channelUserId: 'telegram:9001' })).status).toBe(403);
    const byChat = await api.post(`/api/tickets/${web}/follow`, { channel: 'telegram', channelUserId: 'telegram:9001' }, { internal: true });
    expect(byChat.json).toMatchObject({ reporters: 5, added: true });
    expect((await api.post(`/api/tickets/${web}/follow`, { channel: 'web' })).status).toBe(400);
    expect((await api.post('/api/tickets/209901010001/follow', { channel: 'web', phone })).status).toBe(404);
    const stored = await h.database.db.select().from(ticketFollowers).where(eq(ticketFollowers.ticketId, await idOf(web)));
    expect(stored.map((f) => f.followerKey).sort()).toEqual([`phone:${phone}`, 'telegram:telegram:9001'].sort());

    await worker.drain();
    sent.length = 0;
    for (const no of [web, wechat, telegram]) expect((await api.post(`/api/staff/tickets/${no}/accept`, {}, { token: operator.token })).status).toBe(200);
    // The 待派单 cluster is dispatched once: each member to the same unit, each through the state machine.
    const cluster = await api.get(`/api/staff/tickets/${wechat}/cluster`, { token: dispatcher.token });
    expect(cluster.json.members.map((m: { ticketNo: string }) => m.ticketNo)).toEqual([web, wechat, telegram]);
    const dispatched = await api.post(`/api/staff/tickets/${web}/dispatch-cluster`, { leadUnitId: 'city_urban_mgmt', coUnitIds: [] }, { token: dispatcher.token });
    expect(dispatched.status, dispatched.text).toBe(200);
    expect(dispatched.json.members).toEqual([
      { ticketNo: wechat, dispatched: true },
      { ticketNo: telegram, dispatched: true },
    ]);
    const rows = await h.database.db.select({ status: tickets.status, lead: tickets.leadUnitId }).from(tickets).where(inArray(tickets.ticketNo, [web, wechat, telegram]));
    expect(rows).toEqual(Array(3).fill({ status: 'dispatched', lead: 'city_urban_mgmt' }));
    await worker.drain();
    // The follower hears of the followed ticket; the Telegram filer of their own.
    expect(sent.sort((a, b) => a.chatUserId.localeCompare(b.chatUserId))).toEqual([
      { network: 'telegram', chatUserId: '7001', text: `您的工单 ${telegram} 已派给承办单位办理。` },
      { network: 'telegram', chatUserId: '9001', text: `您关注的工单 ${web} 已派给承办单位办理。` },
    ]);
    // Delivered at least once, sent once.
    expect((await h.database.db.select().from(followerNotifications)).map((r) => r.outcome)).toEqual(['sent']);
    await h.database.db.execute(sql`update outbox set processed_at = null where topic = ${PUBLIC_EVENT_TOPIC}`);
    await worker.drain();
    expect(sent).toHaveLength(2);

    // A closed matter cannot be followed: the offer is for tickets still being handled.
    expect((await api.post(`/api/staff/tickets/${bins}/accept`, {}, { token: operator.token })).status).toBe(200);
    const merged = await api.post(`/api/staff/tickets/${bins}/merge`, { intoTicketNo: noodles }, { token: dispatcher.token });
    expect(merged.status, merged.text).toBe(200);
    expect((await api.post(`/api/tickets/${bins}/follow`, { channel: 'web', phone })).status).toBe(409);
  });
});
