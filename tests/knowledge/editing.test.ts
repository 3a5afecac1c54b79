import { kbEntryVersions, outbox } from '@hotline/db';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, createHarness, createStaff, type Harness, type TestStaff } from '../support/harness.ts';

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
  alternates: ['路灯不亮', '小区里的灯晚上黑着'],
  answer: '小区内的路灯由物业负责维修；市政道路上的路灯请拨打 12345 反映，说明具体位置。',
  category: 'urban_management.municipal_facilities',
  unitId: 'city_urban_mgmt',
  keywords: ['路灯', '不亮'],
  ...overrides,
});

const search = async (q: string) => (await api.get(`/api/kb/search?q=${encodeURIComponent(q)}`)).json as { hits: { id: string; answer: string }[] };

describe('an entry from draft to published', () => {
  it('is searchable only after a second editor approves it', async () => {
    const created = await api.post('/api/kb/admin/entries', content(), { token: alice.token });
    expect(created.status).toBe(201);
    const id = created.json.id as string;
    expect(created.json).toMatchObject({ status: 'draft', version: 1, categoryCode: 'urban_management', subcategoryCode: 'urban_management.municipal_facilities' });
    await h.drainOutbox();
    expect((await search('路灯坏了')).hits.map((x) => x.id)).not.toContain(id);

    expect((await api.post(`/api/kb/admin/entries/${id}/submit`, {}, { token: alice.token })).json.status).toBe('in_review');
    const own = await api.post(`/api/kb/admin/entries/${id}/approve`, {}, { token: alice.token });
    expect(own.status).toBe(403);
    expect(own.json.error.message).toMatch(/另一位编辑/);
    const approved = await api.post(`/api/kb/admin/entries/${id}/approve`, { note: '内容准确' }, { token: bob.token });
    expect(approved.status).toBe(200);
    expect(approved.json).toMatchObject({ status: 'published', reviewedBy: bob.id, liveVersion: 3 });
    // The index follows through the outbox.
    const pending = await h.database.db.select().from(outbox).where(sql`${outbox.topic} = 'kb.entry_changed' and ${outbox.processedAt} is null`);
    expect(pending.map((m) => m.payload.entryId)).toContain(id);
    await h.drainOutbox();
    expect((await search('路灯坏了')).hits[0]?.id).toBe(id);
    const page = await api.get(`/api/kb/entries/${id}`);
    expect(page.json).toMatchObject({ id, unitName: '市城市管理局', categoryName: '城市管理' });
    expect(page.json.answerHtml).toContain('<p>');
  });

  it('keeps answering with the approved text while an edit waits for review, and keeps every version', async () => {
    const id = (await api.post('/api/kb/admin/entries', content({ question: '路边井盖丢了怎么办？', alternates: ['井盖没了'], keywords: ['井盖'] }), { token: alice.token })).json.id;
    await api.post(`/api/kb/admin/entries/${id}/submit`, {}, { token: alice.token });
    await api.post(`/api/kb/admin/entries/${id}/approve`, {}, { token: bob.token });
    await h.drainOutbox();

    const edited = await api.put(
      `/api/kb/admin/entries/${id}`,
      { content: content({ question: '路边井盖丢了怎么办？', alternates: ['井盖没了'], keywords: ['井盖'], answer: '请立即设置警示并拨打 12345，说明井盖位置。' }), expectedVersion: 3 },
      { token: alice.token },
    );
    expect(edited.json).toMatchObject({ status: 'draft', version: 4 });
    await h.drainOutbox();
    expect((await search('井盖丢了')).hits[0]!.answer).toBe(content().answer);

    const stale = await api.put(`/api/kb/admin/entries/${id}`, { content: content(), expectedVersion: 3 }, { token: bob.token });
    expect(stale.status).toBe(409);

    await api.post(`/api/kb/admin/entries/${id}/submit`, {}, { token: alice.token });
    await api.post(`/api/kb/admin/entries/${id}/approve`, {}, { token: bob.token });
    await h.drainOutbox();
    expect((await search('井盖丢了')).hits[0]!.answer).toBe('请立即设置警示并拨打 12345，说明井盖位置。');

    const detail = await api.get(`/api/kb/admin/entries/${id}`, { token: bob.token });
    expect(detail.json.versions.map((v: { version: number; action: string }) => [v.version, v.action])).toEqual([
      [6, 'approved'],
      [5, 'submitted'],
      [4, 'edited'],
      [3, 'approved'],
      [2, 'submitted'],
      [1, 'created'],
    ]);
    // Restoring version 1 makes a new draft version with the old text.
    const restored = await api.post(`/api/kb/admin/entries/${id}/restore`, { version: 1 }, { token: alice.token });
    expect(restored.json).toMatchObject({ status: 'draft', version: 7, answer: content().answer });
    const rows = await h.database.db.select().from(kbEntryVersions).where(eq(kbEntryVersions.entryId, id));
    expect(rows).toHaveLength(7);
  });

  it('takes an archived entry out of search', async () => {
    const id = (await api.post('/api/kb/admin/entries', content({ question: '公园里的健身器材坏了找谁？', alternates: ['健身器材坏了'], keywords: ['健身器材'] }), { token: alice.token })).json.id;
    await api.post(`/api/kb/admin/entries/${id}/submit`, {}, { token: alice.token });
    await api.post(`/api/kb/admin/entries/${id}/approve`, {}, { token: bob.token });
    await h.drainOutbox();
    expect((await search('健身器材坏了')).hits[0]?.id).toBe(id);
    await api.post(`/api/kb/admin/entries/${id}/archive`, { note: '职责调整' }, { token: bob.token });
    await h.drainOutbox();
    expect((await search('健身器材坏了')).hits.map((x) => x.id)).not.toContain(id);
    expect((await api.get(`/api/kb/entries/${id}`)).status).toBe(404);
  });

  it('honours effective and expiry dates', async () => {
    const today = '2026-11-23';
    h.clock.set(`${today}T10:00:00+08:00`);
    const future = (await api.post('/api/kb/admin/entries', content({ question: '明年新出台的停车补贴怎么申领？', alternates: ['停车补贴'], keywords: ['停车补贴'], effectiveFrom: '2027-01-01' }), { token: alice.token })).json.id;
    const expired = (await api.post('/api/kb/admin/entries', content({ question: '今年的冬季取暖补贴怎么领？', alternates: ['取暖补贴'], keywords: ['取暖补贴'], expiresOn: '2026-11-01' }), { token: alice.token })).json.id;
    for (const id of [future, expired]) {
      await api.post(`/api/kb/admin/entries/${id}/submit`, {}, { token: alice.token });
      await api.post(`/api/kb/admin/entries/${id}/approve`, {}, { token: bob.token });
    }
    await h.drainOutbox();
    expect((await search('停车补贴')).hits.map((x) => x.id)).not.toContain(future);
    expect((await search('取暖补贴')).hits.map((x) => x.id)).not.toContain(expired);
    h.clock.set('2027-01-02T10:00:00+08:00');
    expect((await search('停车补贴')).hits.map((x) => x.id)).toContain(future);
  });

  it('checks input and roles', async () => {
    const bad = await api.post('/api/kb/admin/entries', content({ category: 'nowhere', effectiveFrom: '2027-01-02', expiresOn: '2027-01-01' }), { token: alice.token });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details.map((d: { path: string }) => d.path)).toContain('expiresOn');
    const unknownCategory = await api.post('/api/kb/admin/entries', content({ category: 'nowhere' }), { token: alice.token });
    expect(unknownCategory.json.error).toMatchObject({ code: 'VALIDATION', message: '分类「nowhere」不存在' });
    expect((await api.post('/api/kb/admin/entries', content(), { token: operator.token })).status).toBe(403);
    expect((await api.get('/api/kb/admin/entries')).status).toBe(401);
    expect((await api.get('/api/kb/admin/unanswered', { token: operator.token })).status).toBe(403);
  });
});

describe('vocabulary', () => {
  it('lets editors add synonyms that searches then understand', async () => {
    const id = (await api.post('/api/kb/admin/entries', content({ question: '共享单车乱停放怎么处理？', alternates: ['共享单车乱停'], keywords: ['共享单车'] }), { token: alice.token })).json.id;
    await api.post(`/api/kb/admin/entries/${id}/submit`, {}, { token: alice.token });
    await api.post(`/api/kb/admin/entries/${id}/approve`, {}, { token: bob.token });
    await h.drainOutbox();
    // A word the knowledge base has never seen: no confident answer from it alone.
    const before = await api.get(`/api/kb/search?q=${encodeURIComponent('小黄车')}`);
    expect(before.json.hits[0]?.id === id && before.json.confident).toBe(false);
    const put = await api.put('/api/kb/admin/vocabulary', { synonymGroups: [['共享单车', '小黄车', '单车']], stopWords: ['请问'] }, { token: bob.token });
    expect(put.status).toBe(200);
    await h.drainOutbox();
    const after = await api.get(`/api/kb/search?q=${encodeURIComponent('请问小黄车乱停')}`);
    expect(after.json.hits[0]?.id).toBe(id);
    expect(after.json.confident).toBe(true);
    const word = await api.get(`/api/kb/search?q=${encodeURIComponent('小黄车')}`);
    expect(word.json.hits[0]?.id).toBe(id);
    expect((await api.get('/api/kb/admin/vocabulary', { token: alice.token })).json).toEqual({ synonymGroups: [['共享单车', '小黄车', '单车']], stopWords: ['请问'] });
    const clash = await api.put('/api/kb/admin/vocabulary', { synonymGroups: [['单车', '自行车'], ['共享单车', '单车']], stopWords: [] }, { token: bob.token });
    expect(clash.status).toBe(400);
    expect(clash.json.error.message).toMatch(/同时出现在第 1 组和第 2 组/);
  });
});
