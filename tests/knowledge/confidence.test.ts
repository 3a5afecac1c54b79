import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIDENCE, CONFIDENCE_THRESHOLD, chooseThreshold, thresholdFor } from '../../knowledge/src/search/confidence.ts';
import { CONFIDENCE_MODEL } from '../../knowledge/src/search/confidence-model.ts';
import { asksAmount, asksChoice, asksElsewhere, givesAmount, speaksOfElsewhere } from '../../knowledge/src/search/question-focus.ts';
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

  it('refuses a question that asks which brand is better or what it costs, where the entry says neither', async () => {
    const res = await search('被狗咬了要打狂犬疫苗，国产的和进口的哪个牌子好？一针多少钱');
    expect(res.hits[0]?.id).toBeDefined();
    expect(res.confident).toBe(false);
  });

  it('tells what a question asks for beside its topic', () => {
    expect(asksAmount('补办身份证要多少钱')).toBe(true);
    expect(asksAmount('驾驶证补领的工本费到底是多少钱呀')).toBe(true);
    expect(asksAmount('身份证丢了怎么补办')).toBe(false);
    expect(asksChoice('加盟蜜雪冰城划算还是自己做品牌划算')).toBe(true);
    expect(asksChoice('哪家培训机构比较靠谱')).toBe(true);
    expect(asksChoice('去哪个窗口办')).toBe(false);
    const entry = (answer: string) => ({ id: 'X', question: 'q', alternates: [], keywords: [], answer }) as unknown as Parameters<typeof givesAmount>[0];
    expect(givesAmount(entry('到期换领收取工本费 20 元。'))).toBe(true);
    expect(givesAmount(entry('1. 携带身份证到窗口办理。2. 当场受理。'))).toBe(false);
    expect(asksElsewhere('我闺女在沈阳念大学，那边几号供暖')).toBe(true);
    expect(asksElsewhere('东城区今年几号供暖')).toBe(false);
    expect(speaksOfElsewhere(entry('异地就医需先办理备案。'))).toBe(true);
    expect(speaksOfElsewhere(entry('携带身份证到窗口办理。'))).toBe(false);
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
