import { kbIntakeRules } from '@hotline/db';
import { asc } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, createHarness, createStaff, type Harness, type TestStaff } from '../support/harness.ts';

// 受理规则's 试一试 (POST /api/kb/admin/intake-rules/test): the intake draft of
// a citizen's message under rules an editor is still editing, or the stored
// ones, with the rules that counted and the words they matched. It writes
// nothing; it checks the rules as 保存 would; editors only.

let h: Harness;
let api: ReturnType<typeof client>;
let editor: TestStaff, operator: TestStaff;

const rule = (overrides: Record<string, unknown> = {}) => ({
  id: 'c-lamp',
  kind: 'category',
  target: 'urban_management.municipal_facilities',
  any: ['路灯'],
  all: [],
  none: [],
  weight: 3,
  note: '路灯',
  active: true,
  ...overrides,
});
const STORED = [
  rule(),
  rule({ id: 't-consult', kind: 'type', target: 'consultation', any: ['请问', '咨询'], note: null }),
  rule({ id: 'e119-fire', kind: 'emergency', target: '119', any: ['着火了', '起火了'], none: ['去年'], weight: 5, note: '正在着火' }),
];

type Tested = {
  using: 'given' | 'stored';
  draft: { type: string; category: string | null; subcategory: string | null; urgency: string; emergency: string | null; emergencyAdvice: string | null; missing: string[]; source: string };
  fired: { id: string; kind: string; target: string; weight: number; words: string[] }[];
  evidence: Record<string, string[]>;
};
const test = async (body: unknown, token = editor.token) => {
  const res = await api.post('/api/kb/admin/intake-rules/test', body, { token });
  expect(res.status, res.text).toBe(200);
  return res.json as Tested;
};
const stored = async () => h.database.db.select().from(kbIntakeRules).orderBy(asc(kbIntakeRules.id));

beforeAll(async () => {
  h = await createHarness();
  api = client(h);
  [editor, operator] = await Promise.all([createStaff(h, 'editor'), createStaff(h, 'operator')]);
  const saved = await api.put('/api/kb/admin/intake-rules', { rules: STORED }, { token: editor.token });
  expect(saved.status, saved.text).toBe(200);
});
afterAll(() => h.close());

const MESSAGE = '文昌街道幸福路12号门口的共享单车堆成山了，人都过不去';
const DRONE = '文昌街道幸福路12号小区里有人天天放无人机，贴着窗户飞';

describe('试一试 with the stored rules', () => {
  it('drafts the message as the intake chain does and lists the stored rules that counted, with their words', async () => {
    const result = await test({ text: '请问文昌街道的路灯坏了归谁管？' });
    expect(result.using).toBe('stored');
    expect(result.draft.type).toBe('consultation');
    expect(result.draft.category).toBe('urban_management');
    expect(result.draft.subcategory).toBe('urban_management.municipal_facilities');
    expect(result.draft.urgency).toBe('normal');
    expect(result.draft.emergency).toBeNull();
    expect(result.fired).toEqual([
      { id: 'c-lamp', kind: 'category', target: 'urban_management.municipal_facilities', weight: 3, words: ['路灯'] },
      { id: 't-consult', kind: 'type', target: 'consultation', weight: 3, words: ['请问'] },
    ]);

    const fire = await test({ text: '我家楼下厨房着火了，火很大' });
    expect(fire.draft.emergency).toBe('119');
    expect(fire.draft.urgency).toBe('urgent');
    expect(fire.draft.emergencyAdvice).toContain('119');
    expect(fire.fired.find((r) => r.id === 'e119-fire')).toEqual({ id: 'e119-fire', kind: 'emergency', target: '119', weight: 5, words: ['着火了'] });
    // A rule's 排除词 keeps it quiet.
    expect((await test({ text: '去年我家楼下厨房着火了，现在保险还没赔' })).fired.map((r) => r.id)).not.toContain('e119-fire');
  });
});

describe('试一试 with rules being edited', () => {
  it('applies rules added in the request (not saved): urgency changes, the category follows the added rule, and the rules are listed as fired with their words', async () => {
    const before = await test({ text: DRONE });
    // No stored rule knows drones: the category is the model's guess, with no rule's evidence.
    expect(before.evidence.category).not.toContain('c-drone');
    expect(before.draft.urgency).toBe('normal');
    expect(before.fired).toEqual([]);

    const edited = [
      ...STORED,
      rule({ id: 'u-window', kind: 'urgency', target: 'urgent', any: ['贴着窗户', '撞到人'], note: '无人机贴窗' }),
      rule({ id: 'c-drone', target: 'public_safety.public_order', any: ['无人机', '航拍'], weight: 4, note: null }),
    ];
    const after = await test({ text: DRONE, rules: edited });
    expect(after.using).toBe('given');
    expect(after.draft.category).toBe('public_safety');
    expect(after.draft.subcategory).toBe('public_safety.public_order');
    expect(after.draft.urgency).toBe('urgent');
    expect(after.fired).toEqual([
      { id: 'u-window', kind: 'urgency', target: 'urgent', weight: 3, words: ['贴着窗户'] },
      { id: 'c-drone', kind: 'category', target: 'public_safety.public_order', weight: 4, words: ['无人机'] },
    ]);
    expect(after.evidence.category).toContain('c-drone');
    // The street and the address were found: only a contact is still to be asked for.
    expect(after.draft.missing).toEqual(['contact']);
  });

  it('leaves the stored rules as they were, and an inactive rule in the request does not count', async () => {
    const rowsBefore = await stored();
    const result = await test({ text: MESSAGE, rules: [...STORED, rule({ id: 'u-blocked', kind: 'urgency', target: 'urgent', any: ['过不去'], active: false })] });
    expect(result.fired).toEqual([]);
    expect(result.draft.urgency).toBe('normal');
    const rowsAfter = await stored();
    expect(rowsAfter).toEqual(rowsBefore);
    expect(rowsAfter.map((r) => r.id)).toEqual(['c-lamp', 'e119-fire', 't-consult']);
    // And the stored ones are what a test without rules uses afterwards.
    expect((await test({ text: MESSAGE })).fired).toEqual([]);
  });

  it('with no rules at all, drafts from the model alone', async () => {
    const result = await test({ text: '请问文昌街道的路灯坏了归谁管？', rules: [] });
    expect(result.fired).toEqual([]);
    expect(result.draft.type).toBeTruthy();
  });
});

describe('bad input', () => {
  it('answers VALIDATION with the field’s path: the message, a rule’s field, a duplicate id, an unknown category', async () => {
    const cases: [unknown, string][] = [
      [{ text: '我' }, 'text'],
      [{ text: 'x'.repeat(5001) }, 'text'],
      [{}, 'text'],
      [{ text: MESSAGE, rules: [rule({ id: 'Bad Id' })] }, 'rules.0.id'],
      [{ text: MESSAGE, rules: [rule(), rule({ id: 'e1', kind: 'emergency', target: '999' })] }, 'rules.1.target'],
      [{ text: MESSAGE, rules: [rule({ any: [], all: [] })] }, 'rules.0.any'],
      [{ text: MESSAGE, rules: [rule({ weight: 11 })] }, 'rules.0.weight'],
      [{ text: MESSAGE, rules: [rule(), rule({ target: 'transport' })] }, 'rules.1.id'],
      [{ text: MESSAGE, rules: [rule({ target: 'no_such_category' })] }, 'rules.0.target'],
    ];
    for (const [body, path] of cases) {
      const res = await api.post('/api/kb/admin/intake-rules/test', body, { token: editor.token });
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.json.error.code).toBe('VALIDATION');
      expect(res.json.error.details[0].path, JSON.stringify(body).slice(0, 80)).toBe(path);
      expect(res.json.error.message).toMatch(/[\u4e00-\u9fff]/);
    }
  });
});

describe('who may test', () => {
  it('refuses staff who are not editors, and visitors who are not signed in', async () => {
    const res = await api.post('/api/kb/admin/intake-rules/test', { text: MESSAGE }, { token: operator.token });
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe('FORBIDDEN');
    expect((await api.post('/api/kb/admin/intake-rules/test', { text: MESSAGE })).status).toBe(401);
  });
});
