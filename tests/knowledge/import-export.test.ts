import { kbEntries, kbEntryVersions, outbox } from '@hotline/db';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importEntries } from '../../api/src/domain/knowledge/import-entries.ts';
import { client, createHarness, createStaff, type Harness, type TestStaff } from '../support/harness.ts';

let h: Harness;
let api: ReturnType<typeof client>;
let editor: TestStaff, reviewer: TestStaff, operator: TestStaff;

beforeAll(async () => {
  h = await createHarness({ knowledge: 'empty' });
  api = client(h);
  [editor, reviewer, operator] = await Promise.all([createStaff(h, 'editor'), createStaff(h, 'editor'), createStaff(h, 'operator')]);
});
afterAll(() => h.close());

const line = (id: string, question: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ id, question, alternates: [`${question}吗`], answer: `关于「${question}」：请携带身份证到各区政务服务中心办理。`, category: 'government_services', keywords: [question.slice(0, 2)], ...extra });

const file = (...lines: string[]) => `${lines.join('\n')}\n`;
const importText = (text: string, query = '') =>
  api.post(`/api/kb/import${query}`, text, { token: editor.token, headers: { 'content-type': 'application/x-ndjson' } });

const counts = async () => {
  const [entries] = await h.database.db.select({ n: sql<number>`count(*)::int` }).from(kbEntries);
  const [versions] = await h.database.db.select({ n: sql<number>`count(*)::int` }).from(kbEntryVersions);
  const [messages] = await h.database.db.select({ n: sql<number>`count(*)::int` }).from(outbox).where(eq(outbox.topic, 'kb.entry_changed'));
  return { entries: Number(entries!.n), versions: Number(versions!.n), messages: Number(messages!.n) };
};

/** The command-line import on the server (npm run kb -- import), which publishes directly. */
const importOnServer = async (text: string, replace = false) =>
  importEntries(await h.ctx({ kind: 'system', job: 'kb-cli:root' }), text, { replace });

describe('POST /api/kb/import', () => {
  const base = file(line('G001', '营业执照怎么办理'), line('G002', '居住证明去哪开'), line('G003', '不动产证怎么查询', { category: 'housing_property.property_certificate', unit: 'city_natural_resources' }));

  it("holds an editor's import for a second editor: nothing answers citizens until each entry is approved", async () => {
    const first = await importText(base);
    expect(first.status).toBe(200);
    expect(first.json).toEqual({ created: ['G001', 'G002', 'G003'], updated: [], unchanged: 0, archived: [], review: true });
    const rows = await h.database.db.select().from(kbEntries).where(sql`${kbEntries.id} in ('G001', 'G002', 'G003')`);
    expect(rows.map((r) => [r.status, r.live, r.submittedBy])).toEqual(rows.map(() => ['in_review', null, editor.id]));
    await h.drainOutbox();
    expect((await api.get(`/api/kb/search?q=${encodeURIComponent('营业执照怎么办')}`)).json.hits.map((x: { id: string }) => x.id)).not.toContain('G001');
    // Importing the same file again changes nothing.
    const before = await counts();
    expect((await importText(base)).json).toEqual({ created: [], updated: [], unchanged: 3, archived: [], review: true });
    expect(await counts()).toEqual(before);
    // The importer cannot approve their own import; another editor can.
    expect((await api.post('/api/kb/admin/entries/G001/approve', {}, { token: editor.token })).status).toBe(403);
    for (const id of ['G001', 'G002', 'G003']) {
      const approved = await api.post(`/api/kb/admin/entries/${id}/approve`, {}, { token: reviewer.token });
      expect(approved.status, approved.text).toBe(200);
    }
    const search = await api.get(`/api/kb/search?q=${encodeURIComponent('营业执照怎么办')}`);
    expect(search.json.hits[0].id).toBe('G001');
  });

  it('puts a changed answer up for review while the live answer stays; the previous version is kept', async () => {
    const changed = file(line('G001', '营业执照怎么办理', { answer: '营业执照可在示范市政务服务网全程网上办理。' }), line('G002', '居住证明去哪开'), line('G003', '不动产证怎么查询', { category: 'housing_property.property_certificate', unit: 'city_natural_resources' }));
    const res = await importText(changed);
    expect(res.json).toEqual({ created: [], updated: ['G001'], unchanged: 2, archived: [], review: true });
    const [g001] = await h.database.db.select().from(kbEntries).where(eq(kbEntries.id, 'G001'));
    expect(g001).toMatchObject({ status: 'in_review', answer: '营业执照可在示范市政务服务网全程网上办理。' });
    expect(g001!.live!.answer).toContain('政务服务中心');
    const versions = await h.database.db.select().from(kbEntryVersions).where(eq(kbEntryVersions.entryId, 'G001'));
    expect(versions.map((v) => v.content.answer)).toEqual(expect.arrayContaining(['营业执照可在示范市政务服务网全程网上办理。', expect.stringContaining('政务服务中心')]));
    expect((await api.post('/api/kb/admin/entries/G001/approve', {}, { token: reviewer.token })).status).toBe(200);
  });

  it('previews an import entry by entry (new, changed and which fields) and writes nothing, not even to the outbox', async () => {
    const before = await counts();
    const next = file(line('G001', '营业执照怎么办理', { answer: '营业执照可以全程网上办理，也可到政务服务中心办理。', keywords: ['执照'] }), line('G002', '居住证明去哪开'), line('G004', '社保卡丢了怎么补'));
    const res = await importText(next, '?dryRun=true');
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ created: ['G004'], updated: ['G001'], unchanged: 1, archived: [], review: true });
    expect(res.json.preview).toEqual([
      { id: 'G004', question: '社保卡丢了怎么补', change: 'create', fields: [] },
      { id: 'G001', question: '营业执照怎么办理', change: 'update', fields: ['answer', 'keywords'] },
    ]);
    expect(await counts()).toEqual(before);
    const [g004] = await h.database.db.select().from(kbEntries).where(eq(kbEntries.id, 'G004'));
    expect(g004).toBeUndefined();
    // A bad file is refused by the preview exactly as by the import.
    const bad = await importText(file(line('G004', '社保卡丢了怎么补'), 'oops'), '?dryRun=true');
    expect(bad.status).toBe(400);
    expect(bad.json.error.details).toEqual([{ path: 'line 2', message: '不是有效的 JSON' }]);
  });

  it('refuses ?replace=true over HTTP: archiving the rest would skip review', async () => {
    const res = await importText(file(line('G002', '居住证明去哪开')), '?replace=true');
    expect(res.status).toBe(400);
    expect(res.json.error.message).toContain('命令行');
  });

  it('publishes directly from the command line on the server, recording who ran it', async () => {
    const result = await importOnServer(file(line('G001', '营业执照怎么办理', { answer: '营业执照可在示范市政务服务网全程网上办理。' }), line('G005', '临时身份证怎么办')));
    expect(result).toMatchObject({ created: ['G005'], unchanged: 1, review: false });
    const [g005] = await h.database.db.select().from(kbEntries).where(eq(kbEntries.id, 'G005'));
    expect(g005).toMatchObject({ status: 'published', reviewedBy: 'system:kb-cli:root' });
    const [version] = await h.database.db.select().from(kbEntryVersions).where(eq(kbEntryVersions.entryId, 'G005'));
    expect(version).toMatchObject({ action: 'imported', savedBy: 'system:kb-cli:root' });
  });

  it('refuses a file with a bad line, naming the line, and writes nothing of it', async () => {
    const before = await counts();
    const bad = file(line('G010', '新条目一'), '{"id":"G011","question":"缺答案","alternates":[],"category":"other","keywords":[]}', line('G012', '分类不对', { category: 'space_travel' }), 'oops');
    const res = await importText(bad);
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('VALIDATION');
    expect(res.json.error.message).toMatch(/^第 2 行有误：answer/);
    expect(res.json.error.details).toEqual([
      { path: 'line 2', message: expect.stringContaining('answer') },
      { path: 'line 3', message: 'category: 分类「space_travel」不存在' },
      { path: 'line 4', message: '不是有效的 JSON' },
    ]);
    expect(await counts()).toEqual(before);
    const [g010] = await h.database.db.select().from(kbEntries).where(eq(kbEntries.id, 'G010'));
    expect(g010).toBeUndefined();
  });

  it('with --replace on the server makes the file the whole published set, keeping the vocabulary', async () => {
    await api.put('/api/kb/admin/vocabulary', { synonymGroups: [['营业执照', '执照']], stopWords: ['请问'] }, { token: editor.token });
    const result = await importOnServer(file(line('G002', '居住证明去哪开'), line('G004', '社区证明怎么开')), true);
    expect(result).toEqual({ created: ['G004'], updated: [], unchanged: 1, archived: ['G001', 'G003', 'G005'], review: false });
    await h.drainOutbox();
    const g001 = await api.get(`/api/kb/search?q=${encodeURIComponent('营业执照怎么办')}`);
    expect(g001.json.hits.map((x: { id: string }) => x.id)).not.toContain('G001');
    expect((await api.get('/api/kb/admin/vocabulary', { token: editor.token })).json.synonymGroups).toEqual([['营业执照', '执照']]);
    const reconcile = await api.get('/api/kb/admin/reconcile', { token: editor.token });
    expect(reconcile.json).toMatchObject({ inSync: true, documents: 2 });
  });

  it('exports the published set in the same format, which imports back unchanged', async () => {
    const exported = await h.app.request('/api/kb/export', { headers: { authorization: `Bearer ${editor.token}` } });
    expect(exported.headers.get('content-type')).toMatch(/application\/x-ndjson/);
    const text = await exported.text();
    const lines = text.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual(['G002', 'G004']);
    expect(Object.keys(lines[0])).toEqual(['id', 'question', 'alternates', 'answer', 'category', 'keywords']);
    expect((await importText(text)).json).toEqual({ created: [], updated: [], unchanged: 2, archived: [], review: true });
  });

  it('is for editors, and takes JSON Lines only', async () => {
    expect((await api.post('/api/kb/import', base, { token: operator.token, headers: { 'content-type': 'application/x-ndjson' } })).status).toBe(403);
    expect((await api.post('/api/kb/import', base, { headers: { 'content-type': 'application/x-ndjson' } })).status).toBe(401);
    const wrongType = await api.post('/api/kb/import', { lines: [] }, { token: editor.token });
    expect(wrongType.status).toBe(415);
  });
});
