import { kbLearnedQuestions } from '@hotline/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../api/src/http/logger.ts';
import { BackgroundJobs } from '../../api/src/jobs/background-jobs.ts';
import { ticketBody } from '../support/factories.ts';
import { client, createHarness, createStaff, type Harness, type TestStaff } from '../support/harness.ts';

// Learning from the office's work (issue 12): when an operator answers a
// ticket directly from a knowledge entry, the citizen's words become a
// question that entry answers, and the answer chain's classifier learns it.

let h: Harness;
let api: ReturnType<typeof client>;
let alice: TestStaff, bob: TestStaff, operator: TestStaff;
let jobs: BackgroundJobs;
/** The entry the first test creates and teaches. */
let catEntry = '';

beforeAll(async () => {
  h = await createHarness({ knowledge: 'content' });
  api = client(h);
  [alice, bob, operator] = await Promise.all([createStaff(h, 'editor'), createStaff(h, 'editor'), createStaff(h, 'operator')]);
  jobs = new BackgroundJobs({ db: h.database.db, rules: h.rules, limiter: h.limiter, logger: createLogger('error'), knowledge: h.knowledge });
}, 120_000);
afterAll(async () => {
  await jobs.stop();
  await h.close();
});

async function fileAndAnswer(description: string, entryId: string) {
  const filed = await api.post('/api/tickets', ticketBody({ type: 'consultation', title: '咨询', description }));
  expect(filed.status, filed.text).toBe(201);
  const ticketNo = filed.json.ticketNo as string;
  const res = await api.post(`/api/staff/tickets/${ticketNo}/answer`, { answer: '请按条目所述办理：由属地街道负责，可拨打 12345 反映具体位置。', entryId }, { token: operator.token });
  expect(res.status, res.text).toBe(200);
  return ticketNo;
}

describe('direct answers from an entry', () => {
  it('keep the citizen’s words (numbers masked) for that entry, and the classifier learns the entry from them', async () => {
    // A new entry: the classifier knows only its own phrasings.
    const created = await api.post(
      '/api/kb/admin/entries',
      {
        question: '小区里流浪猫越来越多，谁来管？',
        alternates: ['流浪猫太多'],
        answer: '小区内的流浪猫由物业和社区居委会组织处置，可联系属地街道或拨打 12345 反映具体小区。',
        category: 'urban_management',
        keywords: ['流浪猫'],
      },
      { token: alice.token },
    );
    expect(created.status, created.text).toBe(201);
    const id = created.json.id as string;
    await api.post(`/api/kb/admin/entries/${id}/submit`, {}, { token: alice.token });
    await api.post(`/api/kb/admin/entries/${id}/approve`, {}, { token: bob.token });
    await h.drainOutbox();
    const published = (await h.knowledge.snapshot()).corpus;
    expect(published.classifier.learnt(id)).toBe(false);
    // The entry-softmax model of the shipped entries serves on while one with the new entry trains.
    expect(published.softmax?.knows('F001')).toBe(true);
    expect(published.softmax?.knows(id)).toBe(false);
    catEntry = id;
    const probe = async () => (await api.get(`/api/kb/search?q=${encodeURIComponent('单元楼下野猫成群，猫屎到处都是，有人管吗')}`)).json as { hits: { id: string }[]; confident: boolean };
    expect((await probe()).hits[0]?.id).not.toBe(id);

    await fileAndAnswer('楼下野猫一到晚上就叫春，一群一群的，吵得人睡不着，联系我 13912345678', id);
    await fileAndAnswer('单元门口好多野猫，有人天天喂，猫屎到处都是，小孩被抓伤了', id);
    const rows = await h.database.db.select().from(kbLearnedQuestions);
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.entryId === id && r.source === 'direct_answer' && r.createdBy === operator.id)).toBe(true);
    expect(rows.map((r) => r.question).join('\n')).not.toMatch(/13912345678/);
    expect(rows.map((r) => r.question).join('\n')).toContain('［手机号］');

    // The nightly retraining reloads the snapshot: the entry is now learnt from citizens' words.
    expect(await jobs.runIntakeRetrainingOnce(new Date('2026-11-25T03:00:00+08:00'))).toMatchObject({ learnedQuestions: 2 });
    const { corpus } = await h.knowledge.snapshot();
    expect(corpus.classifier.learnt(id)).toBe(true);
    expect((await probe()).hits[0]?.id).toBe(id);
  }, 120_000);

  it('retrain the entry-softmax model on a worker when entries or their questions change, and reload with it', async () => {
    // Each change above (the entry, then each learnt question) asked for a model of its own; the last one is trained.
    let corpus = (await h.knowledge.snapshot()).corpus;
    const deadline = Date.now() + 90_000;
    while (!corpus.softmax?.knows(catEntry) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      corpus = (await h.knowledge.snapshot()).corpus;
    }
    expect(corpus.softmax?.knows(catEntry)).toBe(true);
    expect(corpus.softmax?.knows('F001')).toBe(true);
    // It learnt the citizens' words too: a third way of saying it goes to the entry.
    expect(corpus.softmax?.opinion('小区野猫成群，晚上叫个不停，猫屎到处都是').best).toBe(catEntry);
  }, 120_000);

  it('refuse an entry id that is not one, and learn nothing from an answer written by hand', async () => {
    const filed = await api.post('/api/tickets', ticketBody({ type: 'consultation', description: '想问一下公积金能不能用来交房租，需要什么材料' }));
    const ticketNo = filed.json.ticketNo as string;
    const bad = await api.post(`/api/staff/tickets/${ticketNo}/answer`, { answer: '可以，按月提取。', entryId: '../../etc' }, { token: operator.token });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details.map((d: { path: string }) => d.path)).toContain('entryId');
    const ok = await api.post(`/api/staff/tickets/${ticketNo}/answer`, { answer: '可以，按月提取，带上租房合同。' }, { token: operator.token });
    expect(ok.status, ok.text).toBe(200);
    expect(await h.database.db.select().from(kbLearnedQuestions)).toHaveLength(2);
  });
});
