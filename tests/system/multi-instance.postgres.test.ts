import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatAdapterState, chatNotifications, jobRuns, kbGeneration, outbox, tickets } from '@hotline/db';
import { type EmbeddedMeili, startEmbeddedMeili } from '@hotline/knowledge';
import { insertAccount } from '../../api/src/domain/staff/accounts.ts';
import { APP_ID, APP_SECRET, FakeWechatApi, PNG_1X1, TOKEN, eventPush, filingAnswer, imagePush, optionNumber, pushQuery, replyFields, textPush } from '../bots/wechat-peer.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { ticketBody } from '../support/factories.ts';
import { TEST_PASSWORD, TEST_QUERY_CODE_KEY } from '../support/harness.ts';
import { powHeaders } from '../support/pow.ts';
import { eventually, killStarted, type Started, startSystem, stopSystem, SYSTEM_TEST_TIMEOUT } from './start-helpers.ts';

// Production runs several stateless API instances behind a load balancer on
// one PostgreSQL and one Meilisearch (README, "beyond one machine"). Two real
// processes of `node api/src/main.ts` on this file's own PostgreSQL database
// and one Meilisearch started here; every request below picks its instance
// as a load balancer might, and what one instance did must hold on the other.

let db: TestDatabase;
let meili: EmbeddedMeili;
let peer: FakeWechatApi;
let a: Started;
let b: Started;
const dirs: string[] = [];
const tokens = new Map<string, string>();

const tmp = (name: string) => {
  const dir = mkdtempSync(join(tmpdir(), `hl-multi-${name}-`));
  dirs.push(dir);
  return dir;
};

async function call(instance: Started, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${instance.url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

async function staff(role: 'dispatcher' | 'editor', name: string, via: Started): Promise<string> {
  const username = `${name}${Math.random().toString(36).slice(2, 6)}`;
  await insertAccount(db.db, { username, displayName: `测试${name}`, role, password: TEST_PASSWORD });
  const res = await call(via, 'POST', '/api/staff/login', { username, password: TEST_PASSWORD });
  expect(res.status, res.text).toBe(200);
  tokens.set(name, res.json.token);
  return res.json.token;
}
const as = (name: string) => ({ authorization: `Bearer ${tokens.get(name)}` });

let msgCounter = 0;
const nextMsgId = () => String(6_500_000_000_000_000_000n + BigInt(++msgCounter));
const createTime = () => Math.floor(Date.now() / 1000);

/** A signed push to one instance's webhook, as WeChat's server sends it. */
const push = (instance: Started, body: string) =>
  fetch(`${instance.url}/webhooks/wechat?${pushQuery(new Date())}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });

/**
 * The citizen's message to `instance`, and the answer: the passive reply, or,
 * when the answer took longer than WeChat waits (a loaded machine), what came
 * through the customer-service API.
 */
async function say(instance: Started, user: string, body: string): Promise<string> {
  const before = peer.sent().length;
  const res = await push(instance, body);
  expect(res.status).toBe(200);
  const text = await res.text();
  if (text !== 'success') return replyFields(text).Content ?? '';
  const own = () => peer.sent().slice(before).filter((c) => c.body?.touser === user);
  expect(await eventually(() => own().length > 0, 30_000)).toBe(true);
  await new Promise((r) => setTimeout(r, 300));
  return own().map((c) => c.body.text.content).join('\n\n');
}
const sayText = (instance: Started, user: string, content: string) => say(instance, user, textPush({ from: user, content, msgId: nextMsgId(), createTime: createTime() }));

beforeAll(async () => {
  db = await openTestDatabase();
  meili = await startEmbeddedMeili({ dir: tmp('meili') });
  peer = new FakeWechatApi();
  await peer.start();
  const env = (name: string) => ({
    DATABASE_URL: db.url!,
    DATA_DIR: tmp(name),
    MEILI_URL: meili.url,
    MEILI_MASTER_KEY: meili.masterKey,
    // The same on every instance, as the README asks.
    QUERY_CODE_KEY: TEST_QUERY_CODE_KEY,
    SITE_SECRET: 'multi-instance-site-secret-0123456789abcdef',
    POW_BITS: '4',
    DEMO: '0',
    WECHAT_TOKEN: TOKEN,
    WECHAT_APPID: APP_ID,
    WECHAT_APPSECRET: APP_SECRET,
    WECHAT_API_BASE: peer.url,
    // Debug: the housekeeping claims are logged.
    LOG_LEVEL: 'debug',
  });
  // One after the other, as a rolling deployment starts them (the first applies migrations and seeds).
  a = await startSystem(env('a'));
  b = await startSystem(env('b'));
  await staff('dispatcher', 'dispatcher', a);
  await staff('editor', 'alice', a);
  await staff('editor', 'bob', b);
}, SYSTEM_TEST_TIMEOUT);

afterAll(async () => {
  if (a) await stopSystem(a);
  if (b) await stopSystem(b);
  await killStarted();
  await meili?.stop();
  await peer?.close();
  await db?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}, 120_000);

describe('two API instances on one PostgreSQL and one Meilisearch', () => {
  it('a WeChat conversation whose messages alternate between the instances files one ticket; its status message is sent once', async () => {
    const user = 'oMultiInstance0001';
    const instances = [a, b];
    let turn = 0;
    const next = () => instances[turn++ % 2]!;

    const welcome = await say(next(), user, eventPush({ from: user, event: 'subscribe', createTime: createTime() }));
    expect(welcome).toContain('我要反映');
    // The options offered by one instance are answered on the other: "2" must mean 没解决 there too.
    const answer = await sayText(next(), user, '家里突然停水了怎么办？');
    expect(answer).toContain('解决了吗？');
    const offer = await sayText(next(), user, optionNumber(answer, '没解决'));
    expect(offer).toContain('我要反映');
    let reply = await sayText(next(), user, optionNumber(offer, '我要反映'));

    peer.media.set('MEDIA_MULTI', { bytes: PNG_1X1, type: 'image/png' });
    let confirmation = '';
    for (let step = 0; step < 14 && !confirmation; step++) {
      const wanted = filingAnswer(reply);
      if (wanted === null) throw new Error(`unexpected step:\n${reply}`);
      if ('done' in wanted) confirmation = reply;
      else if ('photo' in wanted) {
        await say(next(), user, imagePush({ from: user, mediaId: 'MEDIA_MULTI', msgId: nextMsgId(), createTime: createTime() }));
        reply = await sayText(next(), user, optionNumber(reply, '照片发完了'));
      } else reply = await sayText(next(), user, wanted.text);
    }
    expect(confirmation).toContain('工单编号：');
    const ticketNo = /工单编号：(\d+)/.exec(confirmation)![1]!;
    const filed = await db.db.select().from(tickets).where(and(eq(tickets.channel, 'wechat'), eq(tickets.channelUserId, `wechat-oa:${user}`)));
    expect(filed.map((t) => t.ticketNo)).toEqual([ticketNo]);

    // The options and the window's count live in the database, not in either process.
    const [state] = await db.db.select().from(chatAdapterState).where(and(eq(chatAdapterState.network, 'wechat-oa'), eq(chatAdapterState.chatUserId, user)));
    expect(state!.windowOpenedAt).not.toBeNull();

    // Accepted on one instance, dispatched on the other: the dispatch is told to the citizen once,
    // by whichever instance's outbox worker claimed it.
    const sentBefore = peer.sent().filter((c) => c.body?.touser === user).length;
    expect((await call(a, 'POST', `/api/staff/tickets/${ticketNo}/accept`, {}, as('dispatcher'))).status).toBe(200);
    const dispatched = await call(b, 'POST', `/api/staff/tickets/${ticketNo}/dispatch`, {}, as('dispatcher'));
    expect(dispatched.status, dispatched.text).toBe(200);
    const notices = () => peer.sent().filter((c) => c.body?.touser === user).slice(sentBefore);
    expect(await eventually(() => notices().length > 0, 30_000)).toBe(true);
    // Both workers poll meanwhile; a second delivery would show up within a few polls.
    await new Promise((r) => setTimeout(r, 4_000));
    expect(notices()).toHaveLength(1);
    expect(notices()[0]!.body.text.content).toContain(ticketNo);
    const recorded = await db.db.select().from(chatNotifications).where(eq(chatNotifications.ticketNo, ticketNo));
    expect(recorded.map((r) => r.outcome)).toEqual(['sent']);
    // The window's count went up once for that message, in the database.
    const [after] = await db.db.select().from(chatAdapterState).where(and(eq(chatAdapterState.network, 'wechat-oa'), eq(chatAdapterState.chatUserId, user)));
    expect(after!.windowSent).toBe(1);
  });

  it('a proof-of-work challenge used on one instance is refused on the other; a filing limit reached through one holds on the other', async () => {
    const headers = await powHeaders(a.url);
    const first = await call(a, 'POST', '/api/tickets', ticketBody(), headers);
    expect(first.status, first.text).toBe(201);
    const replayed = await call(b, 'POST', '/api/tickets', ticketBody(), headers);
    expect(replayed.status).not.toBe(201);
    expect(replayed.json.error.message).toContain('已经用过了');

    // 10 filings a day per phone number: 5 through each instance, the 11th refused on both.
    const phone = `139${String(Date.now()).slice(-8)}`;
    for (let i = 0; i < 10; i++) {
      const via = i % 2 === 0 ? a : b;
      const res = await call(via, 'POST', '/api/tickets', ticketBody({ contact: { name: '李四', phone } }), await powHeaders(via.url));
      expect(res.status, res.text).toBe(201);
    }
    for (const via of [a, b]) {
      const res = await call(via, 'POST', '/api/tickets', ticketBody({ contact: { name: '李四', phone } }), await powHeaders(via.url));
      expect(res.status).toBe(429);
    }
  });

  it('an edit published through one instance is answered by the other at once, not from its cached results', async () => {
    const question = '城市书房的自助借还机坏了找谁？';
    const content = (answer: string) => ({
      question,
      alternates: ['自助借还机坏了', '城市书房借还机不能用'],
      answer,
      category: 'urban_management.municipal_facilities',
      unitId: 'city_urban_mgmt',
      keywords: ['城市书房', '借还机'],
    });
    const search = async (instance: Started) => {
      const res = await call(instance, 'GET', `/api/kb/search?q=${encodeURIComponent('城市书房借还机坏了')}`);
      expect(res.status, res.text).toBe(200);
      return res.json.hits as { id: string; answer: string }[];
    };
    const answerOf = async (instance: Started, id: string) => (await search(instance)).find((h) => h.id === id)?.answer;

    const id = (await call(a, 'POST', '/api/kb/admin/entries', content('第一版：请拨打城市书房服务电话报修。'), as('alice'))).json.id as string;
    expect((await call(a, 'POST', `/api/kb/admin/entries/${id}/submit`, {}, as('alice'))).status).toBe(200);
    expect((await call(b, 'POST', `/api/kb/admin/entries/${id}/approve`, {}, as('bob'))).status).toBe(200);
    // Approval waits for the index; then both instances answer (and cache) the first version.
    expect(await answerOf(a, id)).toBe('第一版：请拨打城市书房服务电话报修。');
    expect(await answerOf(b, id)).toBe('第一版：请拨打城市书房服务电话报修。');
    expect(await answerOf(b, id)).toBe('第一版：请拨打城市书房服务电话报修。');
    const before = (await db.db.select().from(kbGeneration))[0]!.generation;

    // Edited and approved through A: once the approval has answered, the index has the edit,
    // and B's very next search must not come from B's cache (60 s before this was fixed).
    expect((await call(a, 'PUT', `/api/kb/admin/entries/${id}`, { content: content('第二版：请在借还机旁扫码报修。'), expectedVersion: 3 }, as('alice'))).status).toBe(200);
    expect((await call(a, 'POST', `/api/kb/admin/entries/${id}/submit`, {}, as('alice'))).status).toBe(200);
    expect((await call(a, 'POST', `/api/kb/admin/entries/${id}/approve`, {}, as('bob'))).status).toBe(200);
    expect(await answerOf(b, id)).toBe('第二版：请在借还机旁扫码报修。');
    const after = (await db.db.select().from(kbGeneration))[0]!.generation;
    expect(after).toBeGreaterThan(before);

    // Archived through B: A stops answering with it at once.
    expect(await answerOf(a, id)).toBe('第二版：请在借还机旁扫码报修。');
    expect((await call(b, 'POST', `/api/kb/admin/entries/${id}/archive`, { note: '设备撤除' }, as('bob'))).status).toBe(200);
    expect(await answerOf(a, id)).toBeUndefined();
  });

  it('every outbox message is processed once, by one instance', async () => {
    const pending = async () => (await db.db.select({ n: sql<number>`count(*)::int` }).from(outbox).where(sql`${outbox.processedAt} is null`))[0]!.n;
    const deadline = Date.now() + 60_000;
    while ((await pending()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(await pending()).toBe(0);
    const events = await db.db.select({ attempts: outbox.attempts }).from(outbox).where(eq(outbox.topic, 'ticket.public_event'));
    expect(events.length).toBeGreaterThan(0);
    expect(new Set(events.map((e) => e.attempts))).toEqual(new Set([1]));
  });

  it('housekeeping runs once for both instances, not once per instance', async () => {
    // Each instance's first housekeeping comes 5 s after its start; both have had theirs by now or soon.
    const said = (s: Started) => /housekeeping: (running|another instance has run it)/.test(s.output());
    expect(await eventually(() => said(a) && said(b), 30_000)).toBe(true);
    const runs = await db.db.select().from(jobRuns).where(eq(jobRuns.job, 'housekeeping'));
    expect(runs.map((r) => r.runs)).toEqual([1]);
    const ran = [a, b].filter((s) => s.output().includes('housekeeping: running'));
    const skipped = [a, b].filter((s) => s.output().includes('housekeeping: another instance has run it'));
    expect(ran).toHaveLength(1);
    expect(skipped).toHaveLength(1);
    expect(ran[0]!.output()).toContain(runs[0]!.instance);
  });
});
