import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeMetrics } from '../../api/src/domain/metrics/compute-metrics.ts';
import { client, createHarness, type Harness, type TestStaff } from '../support/harness.ts';
import { fileNovember } from '../support/november-tickets.ts';

// November 2026's constructed tickets (tests/support/november-tickets.ts),
// their metrics worked out by hand in each expectation.

let h: Harness;
let supervisor: TestStaff;
const as = (who: TestStaff) => h.ctx(who);

beforeAll(async () => {
  h = await createHarness();
  ({ supervisor } = await fileNovember(h));
});
afterAll(() => h.close());

const ratio = (numerator: number, denominator: number) => ({ numerator, denominator, rate: denominator === 0 ? null : numerator / denominator });

describe('metrics over November 2026', () => {
  it('match the hand-computed figures for the whole city', async () => {
    const result = await computeMetrics(await as(supervisor), { from: '2026-11-01', to: '2026-11-30', groupBy: 'none' });
    expect(result.groups).toHaveLength(1);
    expect(result.groups[0]!.metrics).toEqual({
      // Due in November: T1 ✓, T2 ✗ (late), T3 ✓ (new limit after the return), T8 ✓, T9 ✗ (not replied).
      onTimeCompletion: ratio(3, 5),
      // Replied by a unit in November: T1 ✓, T2 ✗, T3 ✓, T8 ✓.
      contact: ratio(3, 4),
      // Rated in November: T1, T2 (callback), T4.
      processSatisfaction: ratio(3, 3),
      resultSatisfaction: ratio(2, 3),
      resolution: ratio(2, 3),
      // Created in November and not rejected: T1-T4, T6, T7, T9, T10 = 8; answered at intake: T4.
      directAnswer: ratio(1, 8),
      // Dispatches in November: T1, T2, T3 (returned), T3 again, T9, T10.
      dispatchAccuracy: ratio(5, 6),
      // Created in November: 9 (T1-T7, T9, T10); merged T6 and repeat T7.
      repeat: ratio(2, 9),
      // Replied or answered in November: T1 (rated), T2 (callback), T3 (unreachable), T4 (rated), T8 (not yet called back).
      callback: ratio(4, 5),
    });
  });

  it('split by unit and by channel', async () => {
    const byUnit = await computeMetrics(await as(supervisor), { from: '2026-11-01', to: '2026-11-30', groupBy: 'unit' });
    const water = byUnit.groups.find((g) => g.key === 'util_water')!;
    const power = byUnit.groups.find((g) => g.key === 'util_power')!;
    expect(water.label).toBe('示范市自来水有限公司');
    expect(water.metrics.onTimeCompletion).toEqual(ratio(2, 4));
    expect(water.metrics.contact).toEqual(ratio(2, 3));
    expect(water.metrics.dispatchAccuracy).toEqual(ratio(4, 4));
    expect(power.metrics.onTimeCompletion).toEqual(ratio(1, 1));
    expect(power.metrics.dispatchAccuracy).toEqual(ratio(1, 2));
    // Tickets never dispatched have no unit.
    expect(byUnit.groups.find((g) => g.key === '(none)')!.metrics.directAnswer).toEqual(ratio(1, 3));

    const byChannel = await computeMetrics(await as(supervisor), { from: '2026-11-01', to: '2026-11-30', groupBy: 'channel' });
    const wechat = byChannel.groups.find((g) => g.key === 'wechat')!;
    expect(wechat.label).toBe('微信公众号');
    expect(wechat.metrics.onTimeCompletion).toEqual(ratio(0, 1));
    expect(wechat.metrics.resultSatisfaction).toEqual(ratio(0, 1));
    expect(byChannel.groups.find((g) => g.key === 'web')!.metrics.onTimeCompletion).toEqual(ratio(3, 4));
  });

  it('count only what falls in the period', async () => {
    const october = await computeMetrics(await as(supervisor), { from: '2026-10-01', to: '2026-10-31', groupBy: 'none' });
    expect(october.groups[0]!.metrics).toMatchObject({ onTimeCompletion: ratio(0, 0), directAnswer: ratio(0, 1), dispatchAccuracy: ratio(1, 1) });
    // One day: 6 November (T8 due and replied that day, T1 rated).
    const day = await computeMetrics(await as(supervisor), { from: '2026-11-06', to: '2026-11-06', groupBy: 'none' });
    expect(day.groups[0]!.metrics).toMatchObject({ onTimeCompletion: ratio(1, 1), contact: ratio(2, 2), processSatisfaction: ratio(1, 1) });
  });

  it('are served by the API to supervisors, with checked parameters', async () => {
    const api = client(h);
    const res = await api.get('/api/staff/metrics?from=2026-11-01&to=2026-11-30&groupBy=district', { token: supervisor.token });
    expect(res.status).toBe(200);
    expect(res.json.groups.find((g: { key: string }) => g.key === 'dongcheng').label).toBe('东城区');
    const bad = await api.get('/api/staff/metrics?from=2026-11-31&to=2026-11-01&groupBy=planet', { token: supervisor.token });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['from', 'groupBy']);
    const reversed = await api.get('/api/staff/metrics?from=2026-11-30&to=2026-11-01', { token: supervisor.token });
    expect(reversed.status).toBe(400);
  });
});
