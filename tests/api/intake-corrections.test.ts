import { intakeCorrections, jobRuns, tickets } from '@hotline/db';
import { shippedIntakeModel } from '@hotline/knowledge';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../api/src/http/logger.ts';
import { BackgroundJobs } from '../../api/src/jobs/background-jobs.ts';
import { INTAKE_RETRAIN_JOB, retrainWithReport } from '../../api/src/jobs/intake-retraining.ts';
import { ticketBody } from '../support/factories.ts';
import { client, createHarness, createStaff, type Harness, type TestStaff } from '../support/harness.ts';

// Learning from dispatchers' corrections (issue 12): a type, category or
// urgency that staff change at acceptance or dispatch is stored, and the
// nightly job retrains the intake model with it.

let h: Harness;
let api: ReturnType<typeof client>;
let operator: TestStaff, dispatcher: TestStaff;
let jobs: BackgroundJobs;

beforeAll(async () => {
  h = await createHarness();
  api = client(h);
  [operator, dispatcher] = await Promise.all([createStaff(h, 'operator'), createStaff(h, 'dispatcher')]);
  jobs = new BackgroundJobs({ db: h.database.db, rules: h.rules, limiter: h.limiter, logger: createLogger('error'), knowledge: h.knowledge });
});
afterAll(async () => {
  await jobs.stop();
  await h.close();
});

/** A suggestion the shipped model gets wrong: the citizen suggests replacing old pipes, the model reads praise. */
const TEXT = '我们村的自来水管道老化了经常爆，希望能统一更换';
const best = (scores: Map<string, number> | null) => [...(scores ?? [])].sort((a, b) => b[1] - a[1])[0]?.[0];

async function file(overrides: Record<string, unknown>) {
  const res = await api.post('/api/tickets', ticketBody(overrides));
  expect(res.status, res.text).toBe(201);
  return res.json.ticketNo as string;
}
async function ok(who: TestStaff, ticketNo: string, action: string, body: unknown) {
  const res = await api.post(`/api/staff/tickets/${ticketNo}/${action}`, body, { token: who.token });
  expect(res.status, `${action}: ${res.text}`).toBe(200);
}

describe('corrections', () => {
  it('records what staff changed at acceptance and dispatch, by whom, and nothing when they keep the suggestion', async () => {
    const kept = await file({});
    await ok(operator, kept, 'accept', { type: 'complaint', category: 'utilities.water_outage' });
    const no = await file({ type: 'praise', category: 'utilities.water_outage', title: '水管', description: TEXT });
    await ok(operator, no, 'accept', { type: 'suggestion' });
    await ok(dispatcher, no, 'dispatch', { category: 'agriculture_rural', leadUnitId: 'util_water', coUnitIds: [] });

    const [keptTicket] = await h.database.db.select().from(tickets).where(eq(tickets.ticketNo, kept));
    expect(await h.database.db.select().from(intakeCorrections).where(eq(intakeCorrections.ticketId, keptTicket!.id))).toEqual([]);
    const [ticket] = await h.database.db.select().from(tickets).where(eq(tickets.ticketNo, no));
    const rows = await h.database.db.select().from(intakeCorrections).where(eq(intakeCorrections.ticketId, ticket!.id)).orderBy(asc(intakeCorrections.id));
    expect(rows).toMatchObject([
      { field: 'type', suggested: 'praise', chosen: 'suggestion', action: 'accept', correctedBy: operator.id },
      { field: 'category', suggested: 'utilities.water_outage', chosen: 'agriculture_rural', action: 'dispatch', correctedBy: dispatcher.id },
    ]);
    expect(rows[0]!.correctedAt).toBeInstanceOf(Date);
  });

  it('the nightly job retrains the model with them, so it predicts the corrected labels for that text; outside the night it waits', async () => {
    // The model as shipped reads the text otherwise.
    const before = shippedIntakeModel()!.predict(TEXT);
    expect(best(before.type)).not.toBe('suggestion');
    expect(best(before.category)).not.toBe('agriculture_rural');

    // 15:00 in the city: not the night window, and no instance has retrained yet.
    expect(await jobs.runIntakeRetrainingOnce(new Date('2026-11-24T15:00:00+08:00'))).toBeNull();
    const night = await jobs.runIntakeRetrainingOnce(new Date('2026-11-25T03:00:00+08:00'));
    expect(night).toMatchObject({ corrections: 1 });
    expect(night!.examples).toBeGreaterThan(2_000);
    const [run] = await h.database.db.select().from(jobRuns).where(eq(jobRuns.job, INTAKE_RETRAIN_JOB));
    expect(run!.runs).toBe(1);

    const after = shippedIntakeModel()!.predict(TEXT);
    expect(best(after.type)).toBe('suggestion');
    expect(best(after.category)).toBe('agriculture_rural');
    // The same night again: this process is up to date, nothing to do.
    expect(await jobs.runIntakeRetrainingOnce(new Date('2026-11-25T03:30:00+08:00'))).toBeNull();
  }, 60_000);

  it('the admin command retrains at once, reports the test split and the corrected tickets before and after, and has running instances follow', async () => {
    const report = await retrainWithReport(h.database.db, 'test-cli');
    expect(report.corrections).toBe(1);
    // The held-out split is measured by both models; one correction barely moves it.
    expect(report.test.before.messages).toBeGreaterThan(500);
    expect(report.test.before.category).toBeGreaterThan(0.6);
    expect(Math.abs(report.test.after.category! - report.test.before.category!)).toBeLessThan(0.02);
    // The corrected ticket: read otherwise before, as staff chose after.
    expect(report.corrected.before).toMatchObject({ messages: 1, type: 0, category: 0 });
    expect(report.corrected.after).toMatchObject({ messages: 1, type: 1, category: 1 });
    const [run] = await h.database.db.select().from(jobRuns).where(eq(jobRuns.job, INTAKE_RETRAIN_JOB));
    expect(run!.runs).toBe(2);
    // Outside the night, a running instance sees the newer run and retrains its own model.
    expect(await jobs.runIntakeRetrainingOnce(new Date('2026-11-25T15:00:00+08:00'))).toMatchObject({ corrections: 1 });
    expect(await jobs.runIntakeRetrainingOnce(new Date('2026-11-25T15:05:00+08:00'))).toBeNull();
  }, 60_000);
});
