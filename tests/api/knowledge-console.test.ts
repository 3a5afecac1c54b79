import { kbEntries } from '@hotline/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, createHarness, createStaff, type Harness, type TestStaff } from '../support/harness.ts';

// What the knowledge console asks of the API beyond the editing verbs: the
// entry list's filters, sort and per-status counts, the answer preview as
// citizens will see it, and the history's names. Editors only.

let h: Harness;
let api: ReturnType<typeof client>;
let alice: TestStaff, bob: TestStaff, operator: TestStaff;

beforeAll(async () => {
  h = await createHarness({ knowledge: 'empty' });
  api = client(h);
  [alice, bob, operator] = await Promise.all([createStaff(h, 'editor'), createStaff(h, 'editor'), createStaff(h, 'operator')]);
});
afterAll(() => h.close());

const content = (overrides: Record<string, unknown> = {}) => ({
  question: '小区路灯坏了找谁修？',
  alternates: ['路灯不亮'],
  answer: '小区内的路灯由物业负责维修。',
  category: 'urban_management.municipal_facilities',
  unitId: 'city_urban_mgmt',
  keywords: ['路灯'],
  ...overrides,
});

async function create(overrides: Record<string, unknown> = {}) {
  const res = await api.post('/api/kb/admin/entries', content(overrides), { token: alice.token });
  expect(res.status, res.text).toBe(201);
  return res.json.id as string;
}

const list = async (query: string, token = alice.token) => {
  const res = await api.get(`/api/kb/admin/entries?${query}`, { token });
  expect(res.status, res.text).toBe(200);
  return res.json as { items: { id: string; notHelpfulCount: number }[]; total: number; counts: Record<string, number> };
};

describe('the entry list', () => {
  it('filters by unit, by expiry within 30 days and by entries not reviewed for 12 months, sorts by 没解决 votes, and counts every status', async () => {
    const today = new Date(h.clock.now());
    const day = (days: number) => new Date(today.getTime() + days * 86_400_000).toISOString().slice(0, 10);
    const expiring = await create({ question: '暑期游泳池开放时间？', alternates: [], effectiveFrom: day(-100), expiresOn: day(20), unitId: null });
    const later = await create({ question: '冬季供暖什么时候开始？', alternates: ['暖气何时来'], category: 'utilities', expiresOn: day(200), unitId: null });
    const unitOwned = await create({ question: '共享单车乱停找谁？', unitId: 'city_urban_mgmt' });
    await h.database.db.update(kbEntries).set({ notHelpfulCount: 7 }).where(eq(kbEntries.id, later));
    await h.database.db.update(kbEntries).set({ notHelpfulCount: 3 }).where(eq(kbEntries.id, unitOwned));

    expect((await list('expiring=1')).items.map((e) => e.id)).toEqual([expiring]);
    const byUnit = (await list('unit=city_urban_mgmt')).items.map((e) => e.id);
    expect(byUnit).toContain(unitOwned);
    expect(byUnit).not.toContain(expiring);
    // Never reviewed counts as not reviewed for 12 months; a fresh approval takes an entry off the list.
    expect((await list('stale=1')).items.map((e) => e.id)).toContain(later);
    await api.post(`/api/kb/admin/entries/${later}/submit`, {}, { token: alice.token });
    expect((await api.post(`/api/kb/admin/entries/${later}/approve`, {}, { token: bob.token })).status).toBe(200);
    expect((await list('stale=1')).items.map((e) => e.id)).not.toContain(later);
    h.clock.advance({ days: 366 });
    expect((await list('stale=1')).items.map((e) => e.id)).toContain(later);

    const sorted = await list('sort=not_helpful');
    expect(sorted.items.slice(0, 2).map((e) => e.id)).toEqual([later, unitOwned]);
    // A phrasing an editor remembers finds its entry.
    expect((await list(`q=${encodeURIComponent('暖气何时')}`)).items.map((e) => e.id)).toEqual([later]);

    const counts = (await list('status=published')).counts;
    expect(counts).toEqual({ draft: 2, in_review: 0, published: 1, archived: 0 });
  });

  it('refuses an unknown filter value with a message, and staff who are not editors', async () => {
    const bad = await api.get('/api/kb/admin/entries?sort=votes', { token: alice.token });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details[0].path).toBe('sort');
    expect((await api.get('/api/kb/admin/entries', { token: operator.token })).status).toBe(403);
  });
});

describe('the answer preview', () => {
  it('renders the answer as the portal does and the chat message the bots send, without raw HTML', async () => {
    const res = await api.post('/api/kb/admin/preview', { answer: '请带**身份证**办理：\n\n- 第一步\n- 第二步\n\n<script>alert(1)</script>', question: '怎么办理？' }, { token: alice.token });
    expect(res.status, res.text).toBe(200);
    expect(res.json.html).toContain('<strong>身份证</strong>');
    expect(res.json.html).toContain('<li>第一步</li>');
    expect(res.json.html).not.toContain('<script>');
    expect(res.json.chatText).toMatch(/（来源：怎么办理？）$/);
    expect(res.json).toMatchObject({ wechatMessages: 1, wechatMaxBytes: 2000 });
  });

  it('warns when the chat message is longer than one WeChat message', async () => {
    const res = await api.post('/api/kb/admin/preview', { answer: '办'.repeat(1000) }, { token: alice.token });
    expect(res.json.chatBytes).toBe(3000);
    expect(res.json.wechatMessages).toBe(2);
  });

  it('is for editors only and validates its body', async () => {
    expect((await api.post('/api/kb/admin/preview', { answer: '好' }, { token: operator.token })).status).toBe(403);
    expect((await api.post('/api/kb/admin/preview', { answer: '好' })).status).toBe(401);
    const bad = await api.post('/api/kb/admin/preview', { answer: 5 }, { token: alice.token });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details[0].path).toBe('answer');
  });
});

describe('an entry’s history', () => {
  it('names the editors who saved, submitted and approved each version', async () => {
    const id = await create({ question: '医保卡丢了怎么补办？', category: 'health' });
    await api.post(`/api/kb/admin/entries/${id}/submit`, {}, { token: alice.token });
    await api.post(`/api/kb/admin/entries/${id}/approve`, { note: '可以' }, { token: bob.token });
    const res = await api.get(`/api/kb/admin/entries/${id}`, { token: bob.token });
    expect(res.json.people).toMatchObject({ [alice.id]: alice.displayName, [bob.id]: bob.displayName });
    expect(res.json.versions.map((v: { action: string; savedBy: string }) => [v.action, v.savedBy])).toEqual([
      ['approved', bob.id],
      ['submitted', alice.id],
      ['created', alice.id],
    ]);
  });
});
