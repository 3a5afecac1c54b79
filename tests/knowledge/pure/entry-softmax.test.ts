import { describe, expect, it } from 'vitest';
import { EntrySoftmax, type PhrasedEntry, phrasingKey, softmaxExamples, trainSoftmax } from '../../../knowledge/src/search/entry-softmax.ts';
import { decodeSoftmax, encodeSoftmax, softmaxMaterial, trainedSoftmax } from '../../../knowledge/src/search/entry-softmax-training.ts';
import type { LabelledQuestion } from '../../../knowledge/src/search/entry-classifier.ts';

// The answer gate's entry-softmax model (issue 12): trained on entries'
// phrasings and labelled questions, it must tell entries apart, know what
// no entry answers, and serve only the entries it learnt as they are phrased.

const entry = (id: string, question: string, alternates: string[] = [], keywords: string[] = []): PhrasedEntry => ({ id, question, alternates, keywords });
const entries = [
  entry('F001', '家里突然停水了怎么办', ['停水了', '没水了'], ['停水']),
  entry('F093', '身份证丢了怎么补办', ['身份证补办'], ['身份证']),
  entry('F131', '车被贴了违停罚单怎么交罚款', ['违停罚单怎么交'], ['罚单']),
];
const labelled = (q: string, expected: string | null): LabelledQuestion => ({ q, expected });
const questions: LabelledQuestion[] = [
  labelled('水龙头拧开一滴水都没有', 'F001'),
  labelled('楼里一早上都没来水', 'F001'),
  labelled('今天怎么没水了，是不是管道坏了', 'F001'),
  labelled('钱包连身份证一起被偷了', 'F093'),
  labelled('证件掉了要去哪里重新办', 'F093'),
  labelled('二代证找不到了咋整', 'F093'),
  labelled('车窗上夹了一张黄色的单子', 'F131'),
  labelled('路边停了一会儿被贴条了', 'F131'),
  labelled('贴条了罚款在哪交', 'F131'),
  // What no entry here answers: the none class needs LEARNT.none (20) of them.
  ...Array.from({ length: 24 }, (_, i) => labelled(['明天会不会下雨', '附近有什么好吃的饭馆', '推荐一部好看的电影', '股票还能不能买'][i % 4]! + '呀'.repeat(i % 6), null)),
];

describe('the entry-softmax model', () => {
  const parts = trainSoftmax(entries, softmaxExamples(entries, questions));
  const model = new EntrySoftmax(parts, entries);

  it('learns which entry a question unlike any phrasing asks for, and what no entry answers', () => {
    expect(model.opinion('早上起来发现家里水龙头没水').best).toBe('F001');
    expect(model.opinion('身份证被偷了怎么办').best).toBe('F093');
    expect(model.opinion('停车被贴条，这钱怎么交').best).toBe('F131');
    const weather = model.opinion('明天下雨吗');
    expect(weather.best).toBeNull();
    expect(weather.none).toBeGreaterThan(0.5);
    const water = model.opinion('家里没水了');
    expect(water.p('F001')).toBeGreaterThan(0.5);
    expect(water.first).toBe(water.p('F001'));
    expect(water.second).toBeLessThan(water.first);
    // The probabilities of the classes it serves sum to one.
    expect((water.p('F001') ?? 0) + (water.p('F093') ?? 0) + (water.p('F131') ?? 0) + water.none).toBeCloseTo(1, 5);
  });

  it('serves only the entries it learnt as they are phrased now', () => {
    const edited = [entries[0]!, { ...entries[1]!, alternates: ['居住证怎么办'] }];
    const serving = new EntrySoftmax(parts, edited);
    expect(serving.knows('F001')).toBe(true);
    expect(serving.knows('F093')).toBe(false); // edited since: its old weights say nothing of it
    expect(serving.knows('F131')).toBe(false); // withdrawn
    const opinion = serving.opinion('身份证丢了');
    expect(opinion.p('F093')).toBeUndefined();
    expect(opinion.best === 'F001' || opinion.best === null).toBe(true);
    expect((opinion.p('F001') ?? 0) + opinion.none).toBeCloseTo(1, 5);
    expect(phrasingKey(edited[1]!)).not.toBe(phrasingKey(entries[1]!));
  });

  it('learns no none class from a handful of unanswerable questions, nor questions of entries asking something else now', () => {
    const few = softmaxExamples(entries, [labelled('水龙头拧开一滴水都没有', 'F001'), labelled('明天下雨吗', null)]);
    expect(few.some((e) => e.label === null)).toBe(false);
    const moved = softmaxExamples(entries, [{ q: '路边停了一会儿被贴条了', expected: 'F131', about: '公园几点关门' }]);
    expect(moved.some((e) => e.text === '路边停了一会儿被贴条了')).toBe(false);
  });

  it('is the same model after the disk cache, and the same material gives the same digest', () => {
    const back = decodeSoftmax(encodeSoftmax(parts));
    expect(back.classes).toEqual(parts.classes);
    expect(back.features).toEqual(parts.features);
    expect(back.weights).toEqual(parts.weights);
    expect(back.bias).toEqual(parts.bias);
    expect(() => decodeSoftmax(encodeSoftmax(parts).subarray(0, 100))).toThrow();
    expect(softmaxMaterial(entries, questions).digest).toBe(softmaxMaterial(entries.map((e) => ({ ...e })).reverse(), [...questions]).digest);
    expect(softmaxMaterial(entries, questions.slice(1)).digest).not.toBe(softmaxMaterial(entries, questions).digest);
  });

  it('trains on a worker once per material, and not at all without a labelled question', async () => {
    // A material no earlier run cached: a question with this run's time in it.
    const fresh = [...questions, labelled(`停水了 ${Date.now()} ${Math.random()}`, 'F001')];
    const first = trainedSoftmax(entries, fresh);
    expect(first.ready).toBeNull();
    const trained = await first.done;
    expect(trained?.classes).toEqual(['F001', 'F093', 'F131', null]);
    const again = trainedSoftmax(entries, fresh);
    expect(again.ready).toBe(trained);
    expect(new EntrySoftmax(trained!, entries).opinion('家里没水了').best).toBe('F001');
    const none = trainedSoftmax(entries, []);
    expect(none.ready).toBeNull();
    expect(await none.done).toBeNull();
  }, 60_000);
});
