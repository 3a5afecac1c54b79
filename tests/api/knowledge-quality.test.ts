import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, createHarness, createStaff, type Harness, type TestStaff } from '../support/harness.ts';

// The knowledge console's search-quality tools, on the city's own content:
// 试一试 (a draft's rank for a citizen's phrasing, before publishing).

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
