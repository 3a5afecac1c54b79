import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, createHarness, createStaff, type Harness, type TestStaff } from '../support/harness.ts';

// The knowledge console's search-quality tools, on the city's own content:
// 试一试 (a draft's rank for a citizen's phrasing, before publishing), the
// regression questions (runs compared with the one before, worse first), and
// a vocabulary change's effect on them before it is saved, and the search
// analytics (what citizens asked, without their personal data).

let h: Harness;
let api: ReturnType<typeof client>;
let alice: TestStaff, operator: TestStaff;

beforeAll(async () => {
  h = await createHarness({ knowledge: 'content' });
  api = client(h);
  [alice, operator] = await Promise.all([createStaff(h, 'editor'), createStaff(h, 'operator')]);
});
afterAll(() => h.close());

type Ranked = {
  rank: number | null;
  confident: boolean;
  answeredBy: string | null;
  entry: { words: { text: string; hit: boolean }[] } | null;
  above: { id: string; words: { text: string; hit: boolean }[] }[];
};

describe('试一试: a draft ranked for a citizen’s phrasing', () => {
  const draft = {
    question: '公园里可以放无人机吗？',
    alternates: [],
    answer: '城市公园内禁止放飞无人机，航拍须向公安机关报备。',
    category: 'urban_management.municipal_facilities',
    keywords: [],
  };
  const rank = async (phrasing: string, content: Record<string, unknown> = draft, entryId?: string) => {
    const res = await api.post('/api/kb/admin/rank', { content, phrasing, ...(entryId ? { entryId } : {}) }, { token: alice.token });
    expect(res.status, res.text).toBe(200);
    return res.json as Ranked;
  };

  it('ranks the draft’s own wording first and confident, and a phrasing only an alternate holds climbs once it is added', async () => {
    const own = await rank('公园里可以放无人机吗');
    expect(own.rank).toBe(1);
    expect(own.confident).toBe(true);
    expect(own.entry!.words.filter((w) => w.hit).map((w) => w.text).join('')).toContain('无人机');

    const phrasing = '绿地里玩航拍飞行器违不违法';
    const before = await rank(phrasing);
    const after = await rank(phrasing, { ...draft, alternates: [phrasing] });
    expect(after.rank).toBe(1);
    expect(before.rank === null || before.rank > 1 || !before.confident).toBe(true);
    // Nothing is published: the portal's search does not know the draft.
    const portal = await api.get(`/api/kb/search?q=${encodeURIComponent('公园里可以放无人机吗')}`);
    expect(portal.json.hits.map((x: { question: string }) => x.question)).not.toContain(draft.question);
  });

  it('lists what ranks above the draft with the words they matched', async () => {
    const res = await rank('停水了怎么办');
    expect(res.rank === null || res.rank > 1).toBe(true);
    expect(res.above.length).toBeGreaterThan(0);
    expect(res.above[0]!.words.some((w) => w.hit)).toBe(true);
    expect(res.answeredBy).toBe(res.above[0]!.id);
  });

  it('is for editors only, and validates the draft and the phrasing', async () => {
    expect((await api.post('/api/kb/admin/rank', { content: draft, phrasing: '上牌' }, { token: operator.token })).status).toBe(403);
    const bad = await api.post('/api/kb/admin/rank', { content: { ...draft, category: '' }, phrasing: '' }, { token: alice.token });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(['content.category', 'phrasing']));
  });
});

type Regression = {
  questions: number;
  last: { total: number; top1: number; top3: number; confident: number; trigger: string } | null;
  previous: { top1: number } | null;
  worse: number;
  rows: { id: number; question: string; expectedEntryId: string; change: string; now: { rank: number | null; top: string | null } | null }[];
};

describe('回归问题 and the vocabulary', () => {
  it('seeds the questions from the evaluation files (not TEST), runs them, and a vocabulary change that breaks some is shown before saving and listed worse first after', async () => {
    const first = await api.get('/api/kb/admin/regression', { token: alice.token });
    expect(first.status, first.text).toBe(200);
    const seeded = first.json as Regression;
    expect(seeded.questions).toBeGreaterThan(500);
    expect(seeded.last).toBeNull();
    const started = performance.now();
    const run = await api.post('/api/kb/admin/regression/run', {}, { token: alice.token });
    expect(run.status, run.text).toBe(200);
    console.log(`regression run: ${run.json.total} questions in ${Math.round(performance.now() - started)} ms (load ${(await import('node:fs')).readFileSync('/proc/loadavg', 'utf8').trim()})`);
    expect(run.json.total).toBe(seeded.questions);
    expect(run.json.top1).toBeGreaterThan(run.json.total * 0.5);
    expect(run.json.top3).toBeGreaterThanOrEqual(run.json.top1);

    // The telling words of water cuts made stop words. Until the entry-softmax model this broke the
    // questions about them (listed worse first); now half of each learnt entry's score reads the
    // citizen's own words, not the vocabulary's, and the seeded questions (TRAIN and DEV, which
    // that model learnt from or resembles) hold: the check shows what the change does, which is
    // nothing worse. (The ordering of a run's worse questions first is no longer exercised here.)
    const vocabulary = (await api.get('/api/kb/admin/vocabulary', { token: alice.token })).json as { synonymGroups: string[][]; stopWords: string[] };
    const dropped = ['停水', '没水', '断水'];
    const proposed = { ...vocabulary, synonymGroups: vocabulary.synonymGroups.filter((g) => !g.some((w) => dropped.includes(w))), stopWords: [...vocabulary.stopWords, ...dropped] };
    const t0 = performance.now();
    const impact = await api.post('/api/kb/admin/vocabulary/impact', proposed, { token: alice.token });
    expect(impact.status, impact.text).toBe(200);
    console.log(`vocabulary impact: ${impact.json.checked} of ${impact.json.questions} questions twice in ${Math.round(performance.now() - t0)} ms`);
    // Only the questions that mention a changed word (or whose entries do) are run twice.
    expect(impact.json.checked).toBeGreaterThan(0);
    expect(impact.json.checked).toBeLessThan(impact.json.questions);
    expect(impact.json.worse).toBe(0);
    expect(impact.json.top1After).toBeGreaterThanOrEqual(impact.json.top1Before);
    // Nothing is saved by looking.
    expect((await api.get('/api/kb/admin/vocabulary', { token: alice.token })).json.stopWords).not.toContain('停水');

    // Saving runs the questions again by itself.
    expect((await api.put('/api/kb/admin/vocabulary', proposed, { token: alice.token })).status).toBe(200);
    const read = async () => (await api.get('/api/kb/admin/regression', { token: alice.token })).json as Regression;
    await expect.poll(async () => (await read()).last?.trigger, { timeout: 60_000, interval: 500 }).toBe('vocabulary');
    const after = await read();
    expect(after.last!.total).toBe(seeded.questions);
    expect(after.last!.top1).toBeGreaterThanOrEqual(after.previous!.top1);
    expect((await api.put('/api/kb/admin/vocabulary', vocabulary, { token: alice.token })).status).toBe(200);
  }, 180_000);

  it('lets editors add and remove a question, and nobody else', async () => {
    const added = await api.post('/api/kb/admin/regression/questions', { question: '家里水龙头没水了', expectedEntryId: 'F001' }, { token: alice.token });
    expect(added.status, added.text).toBe(201);
    const bad = await api.post('/api/kb/admin/regression/questions', { question: '家里水龙头没水了', expectedEntryId: 'NOPE' }, { token: alice.token });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details[0].path).toBe('expectedEntryId');
    expect((await api.post(`/api/kb/admin/regression/questions/${added.json.id}/remove`, {}, { token: operator.token })).status).toBe(403);
    expect((await api.post(`/api/kb/admin/regression/questions/${added.json.id}/remove`, {}, { token: alice.token })).status).toBe(204);
    expect((await api.post(`/api/kb/admin/regression/questions/${added.json.id}/remove`, {}, { token: alice.token })).status).toBe(404);
    expect((await api.get('/api/kb/admin/regression', { token: operator.token })).status).toBe(403);
  });
});

describe('搜索分析', () => {
  it('counts questions, confident answers and 没解决 votes per question, entry and category, masks numbers, and exports CSV', async () => {
    const ask = async (question: string) => {
      const res = await api.post('/api/answer', { question, channel: 'web' });
      expect(res.status, res.text).toBe(200);
      return res.json as { confident: boolean; sources: { id: string }[] };
    };
    const answered = await ask('停水了怎么办');
    await ask('停水了怎么办');
    await ask('我的电话13812345678婚假能休几天');
    expect(answered.confident).toBe(true);
    const entryId = answered.sources[0]!.id;
    expect((await api.post('/api/kb/feedback', { entryId, helpful: false, channel: 'web', question: '停水了怎么办' })).status).toBe(204);

    const res = await api.get('/api/kb/admin/analytics', { token: alice.token });
    expect(res.status, res.text).toBe(200);
    const a = res.json as {
      asked: number;
      confident: number;
      notHelpful: number;
      topQuestions: { key: string; asked: number }[];
      unanswered: { key: string }[];
      entries: { key: string; asked: number; notHelpful: number }[];
      perDay: { asked: number }[];
    };
    expect(a.asked).toBeGreaterThanOrEqual(3);
    expect(a.notHelpful).toBe(1);
    expect(a.topQuestions[0]!.asked).toBe(2);
    expect(a.entries.find((e) => e.key === entryId)).toMatchObject({ asked: 2, notHelpful: 1 });
    expect(a.perDay).toHaveLength(30);
    expect(a.perDay.at(-1)!.asked).toBe(a.asked);
    const unanswered = a.unanswered.map((q) => q.key).join(' ');
    expect(unanswered).toContain('婚假');
    expect(unanswered).not.toContain('13812345678');

    const csv = await api.get('/api/kb/admin/analytics?format=csv', { token: alice.token });
    expect(csv.status).toBe(200);
    expect(csv.text).toContain(`条目,${entryId}`);
    expect(csv.text).not.toContain('13812345678');
    expect((await api.get('/api/kb/admin/analytics', { token: operator.token })).status).toBe(403);
    expect((await api.get('/api/kb/admin/analytics?from=2026-02-01&to=2026-01-01', { token: alice.token })).status).toBe(400);
  });
});
