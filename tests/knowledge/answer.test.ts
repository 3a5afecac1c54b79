import { kbUnanswered } from '@hotline/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateTicketInput } from '../../api/src/domain/tickets/schemas.ts';
import { client, createHarness, createStaff, type Harness, type TestStaff } from '../support/harness.ts';
import { ticketBody } from '../support/factories.ts';

let h: Harness;
let api: ReturnType<typeof client>;
let editor: TestStaff;

beforeAll(async () => {
  h = await createHarness({ knowledge: 'content' });
  api = client(h);
  editor = await createStaff(h, 'editor');
});
afterAll(() => h.close());

const ask = (question: string, channel = 'web') => api.post('/api/answer', { question, channel });

describe('GET /api/kb/search', () => {
  it('finds the entry for colloquial, traditional and full-width wording', async () => {
    for (const [q, id] of [
      ['家里停水了咋整', 'F001'],
      ['身份證丟了怎麼補', 'F093'],
      ['ｗｉｆｉ', null],
    ] as const) {
      const res = await api.get(`/api/kb/search?q=${encodeURIComponent(q)}&limit=3`);
      expect(res.status).toBe(200);
      if (id) expect(res.json.hits[0]).toMatchObject({ id, category: expect.any(String), score: expect.any(Number) });
      expect(res.json.hits.length).toBeLessThanOrEqual(3);
    }
  });

  it('shows as suggestions only hits good enough and close to the best', async () => {
    const good = await api.get(`/api/kb/search?q=${encodeURIComponent('身份证丢了咋补')}&suggest=1`);
    expect(good.status).toBe(200);
    expect(good.json.hits[0]?.id).toBe('F093');
    for (const hit of good.json.hits) expect(hit.score).toBeGreaterThanOrEqual(Math.max(0.35, good.json.hits[0].score * 0.8));
    const far = '火星上今天的天气怎么样';
    const plain = await api.get(`/api/kb/search?q=${encodeURIComponent(far)}`);
    const suggested = await api.get(`/api/kb/search?q=${encodeURIComponent(far)}&suggest=1`);
    expect(suggested.json.hits.length).toBeLessThan(Math.max(1, plain.json.hits.length));
    expect(suggested.json.hits).toEqual([]);
  });

  it('filters by category and checks its parameters', async () => {
    const res = await api.get(`/api/kb/search?q=${encodeURIComponent('怎么办理')}&category=household_registration&limit=10`);
    expect(res.json.hits.length).toBeGreaterThan(0);
    for (const hit of res.json.hits) expect(hit.category).toBe('household_registration');
    const bad = await api.get('/api/kb/search?q=&limit=500');
    expect(bad.status).toBe(400);
    expect(bad.json.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['limit', 'q']);
  });
});

describe('POST /api/answer', () => {
  it('answers from the entry with its source when confident', async () => {
    const res = await ask('请问一下家里突然没水了咋整');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ confident: true, suggestFiling: false, emergency: null, mode: 'extractive', sources: [{ id: 'F001' }] });
    expect(res.json.answer.length).toBeGreaterThan(20);
  });

  it('is never sure of a reply that holds no words, such as a menu number typed on its own', async () => {
    for (const question of ['1', '２', '?', '1 2']) {
      const res = await ask(question);
      expect(res.status).toBe(200);
      expect(res.json.confident, question).toBe(false);
    }
  });

  it('says when it does not know, suggests filing, and queues the question for editors with personal data masked', async () => {
    const question = '我的快递一直没到，电话13912345678，能帮我查查吗';
    const first = await ask(question, 'wechat');
    expect(first.json).toMatchObject({ confident: false, suggestFiling: true, sources: [] });
    expect(first.json.answer).toMatch(/提交诉求/);
    await ask(question, 'telegram');
    const queue = await api.get('/api/kb/admin/unanswered', { token: editor.token });
    const item = queue.json.items.find((i: { sampleText: string }) => i.sampleText.includes('快递'));
    expect(item).toMatchObject({ count: 2, channels: ['wechat', 'telegram'], reason: 'no_confident_answer', status: 'open' });
    expect(item.sampleText).toBe('我的快递一直没到，电话［手机号］，能帮我查查吗');
  });

  it('points to the emergency number before anything else', async () => {
    const gas = await ask('厨房里煤气味特别大怎么办');
    expect(gas.json.emergency).toBe('119');
    expect(gas.json.answer).toMatch(/^这可能是紧急情况，请立即拨打 119/);
    const collapse = await ask('我爸突然晕倒了叫不醒');
    expect(collapse.json.emergency).toBe('120');
    const calm = await ask('燃气费怎么交');
    expect(calm.json.emergency).toBeNull();
  });

  it('answers a question in English in English, saying what the service does and how to file', async () => {
    const res = await ask('Hello, the street light outside my building has been broken for a week. Who can fix it?');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ language: 'en', suggestFiling: true, confident: false });
    expect(res.json.answer).toMatch(/^This is the 12345 citizen service hotline/);
    expect(res.json.answer).toContain('file a request in English');
    const fire = await ask('There is smoke and fire in my neighbour apartment, what do I do');
    expect(fire.json.answer).toMatch(/^If there is a fire/);
    // A few Latin letters in a Chinese question do not make it English.
    expect((await ask('小区wifi信号不好找谁')).json.language).toBe('zh');
    // An English description is a valid filing.
    const filed = await api.post('/api/tickets', ticketBody({ description: 'The street light at the corner of Heping Road has been broken for a week.', title: undefined }));
    expect(filed.status, filed.text).toBe(201);
  });

  it('suggests filing for a complaint even when an entry explains the rules', async () => {
    const res = await ask('楼上邻居半夜装修太吵了，我要投诉');
    expect(res.json.suggestFiling).toBe(true);
  });

  it('turns "not helpful" feedback into a queue item and counts it', async () => {
    const res = await api.post('/api/kb/feedback', { entryId: 'F093', helpful: false, question: '身份证丢了在外地能补吗', channel: 'web' });
    expect(res.status).toBe(204);
    await api.post('/api/kb/feedback', { entryId: 'F093', helpful: true, channel: 'web' });
    const [item] = await h.database.db.select().from(kbUnanswered).where(eq(kbUnanswered.sampleText, '身份证丢了在外地能补吗'));
    expect(item).toMatchObject({ reason: 'not_helpful', entryId: 'F093' });
    const entry = await api.get('/api/kb/admin/entries/F093', { token: editor.token });
    expect(entry.json).toMatchObject({ helpfulCount: 1, notHelpfulCount: 1 });
    expect((await api.post('/api/kb/feedback', { entryId: 'NOPE', helpful: false, channel: 'web' })).status).toBe(404);
  });

  it('lets editors turn a queued question into an alternate of an entry', async () => {
    await ask('管子里流出来的水不太对劲');
    const queue = await api.get('/api/kb/admin/unanswered', { token: editor.token });
    const item = queue.json.items.find((i: { sampleText: string }) => i.sampleText.startsWith('管子里流出来的水'));
    const attach = await api.post(`/api/kb/admin/unanswered/${item.id}/attach`, { entryId: 'F003' }, { token: editor.token });
    expect(attach.status).toBe(200);
    expect(attach.json.alternates).toContain('管子里流出来的水不太对劲');
    expect(attach.json.status).toBe('draft');
    const again = await api.post(`/api/kb/admin/unanswered/${item.id}/dismiss`, { reason: 'duplicate' }, { token: editor.token });
    expect(again.status).toBe(409);
  });

  it('lets editors dismiss a queued question with a reason, kept for the 已忽略 tab', async () => {
    await ask('哈哈哈哈测试一下');
    const queue = await api.get('/api/kb/admin/unanswered', { token: editor.token });
    const item = queue.json.items.find((i: { sampleText: string }) => i.sampleText.startsWith('哈哈哈哈'));
    const path = `/api/kb/admin/unanswered/${item.id}/dismiss`;
    const none = await api.post(path, {}, { token: editor.token });
    expect(none.status).toBe(400);
    expect(none.json.error.details.map((d: { path: string }) => d.path)).toEqual(['reason']);
    const bare = await api.post(path, { reason: 'other' }, { token: editor.token });
    expect(bare.status).toBe(400);
    expect(bare.json.error.details).toEqual([{ path: 'note', message: '选择“其他”时请写明忽略的原因' }]);
    expect((await api.post(path, { reason: 'meaningless', note: '市民在试用' }, { token: editor.token })).status).toBe(204);
    const dismissed = await api.get('/api/kb/admin/unanswered?status=dismissed', { token: editor.token });
    expect(dismissed.json.items.find((i: { id: number }) => i.id === item.id)).toMatchObject({ status: 'dismissed', dismissReason: '无意义或测试内容：市民在试用', resolvedBy: editor.id });
  });

  it('validates its input', async () => {
    const res = await api.post('/api/answer', { question: '', channel: 'fax' });
    expect(res.status).toBe(400);
    expect(res.json.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['channel', 'question']);
  });
});

describe('POST /api/intake/draft', () => {
  it('drafts type, category, place and title, valid for POST /api/tickets once contact is added', async () => {
    const res = await api.post('/api/intake/draft', { text: '东城区和平街道幸福小区5号楼从昨天开始停水，到现在也没人来修，太耽误事了', channel: 'wechat' });
    expect(res.status).toBe(200);
    expect(res.json.draft).toMatchObject({
      // A repair nobody came for reads as a complaint or a request for help; which one is the
      // model's judgement, measured by npm run eval:intake rather than pinned here.
      type: expect.stringMatching(/^(complaint|help)$/),
      category: 'utilities.water_outage',
      location: { district: 'dongcheng', street: 'dongcheng_heping' },
      channel: 'wechat',
    });
    expect(res.json.draft.location.address).toMatch(/幸福小区/);
    expect(res.json.emergency).toBeNull();
    expect(res.json.missing).toEqual(['contact']);
    const ticket = CreateTicketInput.safeParse({ ...res.json.draft, contact: { phone: '13800001111' } });
    expect(ticket.success).toBe(true);
    // Chat channels file through the process's own bots (the internal token).
    const created = await api.post('/api/tickets', { ...res.json.draft, contact: { phone: '13800001111' } }, { internal: true });
    expect(created.status).toBe(201);
  });

  it('flags an emergency with the number to call', async () => {
    const res = await api.post('/api/intake/draft', { text: '救命 我们楼道着火了好大的烟 人出不去', channel: 'telegram' });
    expect(res.json).toMatchObject({ emergency: '119', draft: { urgency: 'urgent' } });
    expect(res.json.emergencyAdvice).toMatch(/119/);
  });

  it('asks for the place when a complaint has none, and treats a question as a consultation', async () => {
    const complaint = await api.post('/api/intake/draft', { text: '公司拖欠了我三个月工资老板一直不给', channel: 'web' });
    expect(complaint.json.draft.category).toMatch(/^labor_social_security/);
    expect(complaint.json.missing).toContain('location');
    const question = await api.post('/api/intake/draft', { text: '请问居住证办理需要什么材料？', channel: 'web' });
    expect(question.json.draft.type).toBe('consultation');
    expect(question.json.missing).not.toContain('location');
  });
});
