import { outbox } from '@hotline/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { client, createHarness, createStaff, type Harness, type TestStaff } from '../support/harness.ts';
import { ticketBody } from '../support/factories.ts';

let h: Harness;
let api: ReturnType<typeof client>;
let alice: TestStaff, bob: TestStaff;

beforeAll(async () => {
  h = await createHarness({ knowledge: 'empty' });
  api = client(h);
  [alice, bob] = await Promise.all([createStaff(h, 'editor'), createStaff(h, 'editor')]);
});
afterAll(() => h.close());

const line = (id: string, question: string, answer: string) =>
  JSON.stringify({ id, question, alternates: [], answer, category: 'transport.parking', keywords: [question.slice(0, 4)] });

const pendingIndexMessages = async () =>
  (await h.database.db.select().from(outbox).where(sql`${outbox.topic} like 'kb.%' and ${outbox.processedAt} is null`)).length;

it('keeps everything else working while the search server is down, and the index catches up when it is back', async () => {
  await api.post('/api/kb/import', `${line('P001', '小区门口乱停车谁管', '占用消防通道的车辆可拨打 12345 反映。')}\n`, {
    token: alice.token,
    headers: { 'content-type': 'application/x-ndjson' },
  });
  // An editor's import waits for a second editor.
  expect((await api.post('/api/kb/admin/entries/P001/approve', {}, { token: bob.token })).status).toBe(200);
  await api.put(
    '/api/kb/admin/intake-rules',
    { rules: [{ id: 'fire', kind: 'emergency', target: '119', any: ['着火', '浓烟'], weight: 5 }] },
    { token: alice.token },
  );
  await h.drainOutbox();
  expect((await api.get(`/api/kb/search?q=${encodeURIComponent('乱停车')}`)).json.hits[0].id).toBe('P001');

  await h.stopMeili();

  // Search says so clearly …
  const down = await api.get(`/api/kb/search?q=${encodeURIComponent('乱停车')}`);
  expect(down.status).toBe(503);
  expect(down.json.error).toMatchObject({ code: 'UNAVAILABLE', message: '知识库搜索暂时不可用，请稍后再试' });
  // … answers still come, with the emergency check and a way to file …
  const answer = await api.post('/api/answer', { question: '门口乱停车的车着火了浓烟很大', channel: 'web' });
  expect(answer.status, answer.text).toBe(200);
  expect(answer.json).toMatchObject({ emergency: '119', confident: false, suggestFiling: true, searchAvailable: false });
  // … tickets are filed …
  expect((await api.post('/api/tickets', ticketBody())).status).toBe(201);
  // … and editors keep editing; the index updates wait in the outbox.
  const edit = await api.put(
    '/api/kb/admin/entries/P001',
    { content: { question: '小区门口乱停车谁管', alternates: ['门口乱停车'], answer: '小区内停车由物业管理；道路上乱停车可拨打 12345 反映。', category: 'transport.parking', keywords: ['乱停车'] } },
    { token: alice.token },
  );
  expect(edit.status).toBe(200);
  await api.post('/api/kb/admin/entries/P001/submit', {}, { token: alice.token });
  expect((await api.post('/api/kb/admin/entries/P001/approve', {}, { token: bob.token })).status).toBe(200);
  await h.drainOutbox();
  expect(await pendingIndexMessages()).toBe(1);
  const reconcile = await api.get('/api/kb/admin/reconcile', { token: alice.token });
  expect(reconcile.status).toBe(503);

  await h.startMeili();
  // The failed delivery is retried after its backoff; nobody has to do anything.
  const deadline = Date.now() + 20_000;
  while ((await pendingIndexMessages()) > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 300));
    await h.drainOutbox();
  }
  expect(await pendingIndexMessages()).toBe(0);
  const back = await api.get(`/api/kb/search?q=${encodeURIComponent('乱停车')}`);
  expect(back.status).toBe(200);
  expect(back.json.hits[0].answer).toBe('小区内停车由物业管理；道路上乱停车可拨打 12345 反映。');
  expect((await api.get('/api/kb/admin/reconcile', { token: alice.token })).json.inSync).toBe(true);
});

it('reports and repairs a difference between the database and the index, and rebuilds from scratch', async () => {
  // Someone deletes a document behind the system's back.
  await h.knowledge.index!.remove(['P001']);
  const report = await api.get('/api/kb/admin/reconcile', { token: alice.token });
  expect(report.json).toMatchObject({ inSync: false, missing: ['P001'], extra: [], stale: [] });
  const rebuilt = await api.post('/api/kb/admin/rebuild', undefined, { token: alice.token });
  expect(rebuilt.json).toEqual({ documents: 1 });
  expect((await api.get('/api/kb/admin/reconcile', { token: alice.token })).json).toMatchObject({ inSync: true, documents: 1 });
  expect((await api.get(`/api/kb/search?q=${encodeURIComponent('乱停车')}`)).json.hits[0].id).toBe('P001');
});
