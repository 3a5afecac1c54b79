import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIDENCE, CONFIDENCE_THRESHOLD, chooseThreshold, thresholdFor } from '../../knowledge/src/search/confidence.ts';
import { CONFIDENCE_MODEL } from '../../knowledge/src/search/confidence-model.ts';
import { boostedValue, fitBoostedTrees, treeValue } from '../../knowledge/src/search/boosted-trees.ts';
import { KnowledgeCorpus, termSetsOf } from '../../knowledge/src/search/corpus.ts';
import { NO_EVIDENCE } from '../../knowledge/src/search/entry-classifier.ts';
import { termsOf } from '../../knowledge/src/text/grams.ts';
import { Vocabulary } from '../../knowledge/src/text/vocabulary.ts';
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

  it('boosted trees learn what a straight line cannot: right only when two features agree', () => {
    // Label 1 exactly when both features are high (an interaction): the linear start (0) gets half wrong.
    const rows: number[][] = [];
    const labels: number[] = [];
    for (let i = 0; i < 400; i++) {
      const x = [(i % 20) / 20, Math.floor(i / 20) / 20];
      rows.push(x);
      labels.push(x[0]! >= 0.5 && x[1]! >= 0.5 ? 1 : 0);
    }
    const model = fitBoostedTrees(rows, labels, rows.map(() => 0), { trees: 60, depth: 2, rate: 0.3, minWeight: 1 });
    const p = (x: number[]) => 1 / (1 + Math.exp(-boostedValue(model, x)));
    expect(p([0.8, 0.8])).toBeGreaterThan(0.9);
    expect(p([0.8, 0.1])).toBeLessThan(0.1);
    expect(p([0.1, 0.8])).toBeLessThan(0.1);
    expect(treeValue({ feature: 0, below: 0.5, low: -1, high: 2 }, [0.7])).toBe(2);
    // The shipped models carry their trees.
    expect(CONFIDENCE_MODEL.boost?.trees.length).toBeGreaterThan(0);
  });

  it('remembers how like the questions an entry answers, and its near-misses, a question is', () => {
    const vocabulary = new Vocabulary({ synonymGroups: [], stopWords: [] });
    const entry = { id: 'F001', question: '家里突然停水了怎么办？', alternates: [], keywords: [], answer: '确认停水范围，拨打自来水公司热线报修。' } as unknown as ConstructorParameters<typeof KnowledgeCorpus>[1][number];
    const corpus = new KnowledgeCorpus(vocabulary, [entry], [
      { q: '水龙头一点水都没有找谁修', expected: 'F001' },
      { q: '停水一整天自来水公司会赔偿损失吗', expected: null, near: 'F001' },
      // Labelled against another question under the same id: not this entry's.
      { q: '停水期间的水费能减免吗', expected: null, near: 'F001', about: '燃气费怎么交' },
    ]);
    const grams = (q: string) => new Set(termsOf(vocabulary.words(q).join('')));
    const nearMiss = corpus.likeness('F001', grams('停水一整天自来水公司赔偿损失吗'));
    expect(nearMiss.nearMiss).toBeGreaterThan(0.7);
    expect(nearMiss.asked).toBeLessThan(0.2);
    const asked = corpus.likeness('F001', grams('水龙头一点水都没有'));
    expect(asked.asked).toBeGreaterThan(0.5);
    expect(asked.nearMiss).toBe(0);
    expect(corpus.likeness('F001', grams('停水期间的水费能减免吗')).nearMiss).toBeLessThan(0.2);
    expect(corpus.likeness('F404', grams('水龙头一点水都没有'))).toEqual({ asked: 0, nearMiss: 0 });
  });

  it('weighs the classifier’s evidence over the whole question: a long story about one entry adds up to more', () => {
    const vocabulary = new Vocabulary({ synonymGroups: [], stopWords: [] });
    const entry = (id: string, question: string) => ({ id, question, alternates: [], keywords: [], answer: '' }) as unknown as ConstructorParameters<typeof KnowledgeCorpus>[1][number];
    const corpus = new KnowledgeCorpus(vocabulary, [entry('F001', '家里突然停水了怎么办'), entry('F131', '车被贴了违停罚单怎么交罚款')], [
      { q: '水龙头一点水都没有找谁修', expected: 'F001' },
      { q: '车窗上夹了张罚单去哪交钱', expected: 'F131' },
    ]);
    const short = corpus.classifier.rank(termSetsOf(vocabulary, ['停水了']));
    const long = corpus.classifier.rank(termSetsOf(vocabulary, ['早上起来家里突然停水了，水龙头一点水都没有，邻居家也停水，找谁修']));
    expect(short.top[0]).toBe('F001');
    expect(long.top[0]).toBe('F001');
    expect(short.evidence('F001')).toBeGreaterThan(0);
    expect(long.evidence('F001')).toBeGreaterThan(short.evidence('F001'));
    // The runner-up's evidence is the same margin, against it.
    expect(long.evidence('F131')).toBeCloseTo(-long.evidence('F001'), 5);
    expect(long.evidence('F404')).toBe(NO_EVIDENCE);
    // No labelled question no entry answers: the none class has no say.
    expect(long.noneEvidence).toBe(NO_EVIDENCE);
  });
});
