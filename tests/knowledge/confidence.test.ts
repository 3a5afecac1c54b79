import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIDENCE, CONFIDENCE_THRESHOLD, chooseThreshold, thresholdFor } from '../../knowledge/src/search/confidence.ts';
import { CONFIDENCE_MODEL } from '../../knowledge/src/search/confidence-model.ts';
import { client, createHarness, type Harness } from '../support/harness.ts';

let h: Harness;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  h = await createHarness({ knowledge: 'content' });
  api = client(h);
});
afterAll(() => h.close());

const search = async (q: string) => (await api.get(`/api/kb/search?q=${encodeURIComponent(q)}&limit=3`)).json;

describe('calibrated confidence of direct answers', () => {
  it('answers a clearly matching question confidently, from the right entry', async () => {
    for (const [q, id] of [
      ['家里停水了咋整', 'F001'],
      ['身份证丢了咋补', 'F093'],
    ] as const) {
      const res = await search(q);
      expect(res.hits[0]?.id, q).toBe(id);
      expect(res.confident, q).toBe(true);
    }
  });

  it('refuses a near-miss: close to an entry, asking what it does not answer', async () => {
    // F001 is about a water cut, not about a refund of the water bill for it.
    const res = await search('停水这几天的水费能不能给减免');
    expect(res.hits.length).toBeGreaterThan(0);
    expect(res.confident).toBe(false);
  });

  it('takes its threshold from the one setting, the target precision, as chosen on DEV', () => {
    expect(CONFIDENCE_THRESHOLD).toBe(thresholdFor(CONFIDENCE.targetPrecision));
    expect(CONFIDENCE_MODEL.thresholds.some((t) => t.precision === CONFIDENCE.targetPrecision)).toBe(true);
    // Asking for more precision never lowers the line.
    const lines = [0.9, 0.95, 0.97, 0.99].map((p) => thresholdFor(p));
    expect([...lines].sort((a, b) => a - b)).toEqual(lines);
  });

  it('chooses the lowest threshold whose confident answers reach the target precision', () => {
    const p = [0.99, 0.95, 0.9, 0.8, 0.7, 0.6];
    const right = [true, true, true, false, true, false];
    expect(chooseThreshold(p, right, 1)).toBe(0.9);
    expect(chooseThreshold(p, right, 0.8)).toBe(0.7);
    expect(chooseThreshold(p, right, 0.5)).toBe(0.6);
  });
});
