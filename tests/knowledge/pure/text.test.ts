import { maskPersonalData, normalizeText, parseEntryLines, formatEntryLine, termsOf, Vocabulary, prepareRules, ruleMatches, ruleText, normalizeClauses, detectEmergency, checkRephrasing } from '@hotline/knowledge';
import { describe, expect, it } from 'vitest';

describe('normalizeText', () => {
  it('makes full-width half-width, traditional simplified, lower case, and drops punctuation', () => {
    expect(normalizeText('請問ＡＢＣ身份證丟了怎麼辦？！ 123')).toBe('请问abc身份证丢了怎么办123');
    expect(normalizeText('  ……  ')).toBe('');
  });

  it('masks phone and ID numbers before a question is stored', () => {
    expect(maskPersonalData('我的电话13812345678，身份证11010519491231002X')).toBe('我的电话［手机号］，身份证［身份证号］');
    expect(maskPersonalData('卡号6222021234567890123')).toBe('卡号［数字］');
    expect(maskPersonalData('12345热线')).toBe('12345热线');
  });
});

describe('Vocabulary', () => {
  const vocabulary = new Vocabulary({
    synonymGroups: [
      ['燃气', '煤气', '天然气'],
      ['孩子', '娃', '小孩'],
      ['出租车', '的士'],
      ['怎么', '咋'],
    ],
    stopWords: ['请问', '一下', '的', '了', '咋整', '怎么'],
  });

  it('replaces synonyms by their canonical word and drops fillers, longest match first', () => {
    expect(vocabulary.canonicalize('请问一下煤气没了咋整')).toBe('燃气没');
    expect(vocabulary.canonicalize('娃的户口')).toBe('孩子户口');
    // 的士 is a word, not 的 + 士.
    expect(vocabulary.canonicalize('打的士去医院')).toBe('打出租车去医院');
  });

  it('lets a synonym group win over the same word listed as a stop word', () => {
    // 怎么 is both a stop word and the canonical word of 咋: it stays.
    expect(vocabulary.canonicalize('怎么')).toBe('怎么');
    expect(vocabulary.canonicalize('咋')).toBe('怎么');
  });

  it('works on words, so a filler or synonym inside a longer word is left alone', () => {
    const v = new Vocabulary({ synonymGroups: [['节假日', '假期']], stopWords: ['怎么办'] });
    expect(v.canonicalize('怎么办理居住证')).toBe('怎么办理居住证');
    expect(v.canonicalize('居住证怎么办')).toBe('居住证');
    expect(v.canonicalize('产假期间津贴')).toBe('产假期间津贴');
    expect(v.canonicalize('假期值班')).toBe('节假日值班');
  });

  it('gives Meilisearch the groups as multi-way synonyms', () => {
    expect(vocabulary.meiliSynonyms()['煤气']).toEqual(['燃气', '天然气']);
  });
});

it('splits Chinese into bigrams and keeps Latin words whole', () => {
  expect(termsOf('停水wifi密码')).toEqual(['停水', 'wifi', '密码']);
  expect(termsOf('社保转移')).toEqual(['社保', '保转', '转移']);
  expect(termsOf('水')).toEqual(['水']);
});

describe('the exchange format', () => {
  it('reports every bad line with its number', () => {
    const text = [
      '{"id":"F1","question":"停水怎么办","alternates":[],"answer":"联系自来水公司。","category":"utilities","keywords":["停水"]}',
      'not json',
      '{"id":"F2","question":"x","alternates":[],"answer":"a","category":"utilities","keywords":[]}',
      '',
      '{"id":"F1","question":"重复的编号","alternates":[],"answer":"答案内容","category":"utilities","keywords":[]}',
      '{"id":"F3","question":"多余字段","alternates":[],"answer":"答案内容","category":"utilities","keywords":[],"extra":1}',
    ].join('\n');
    const { entries, errors } = parseEntryLines(text);
    expect(entries.map((e) => e.id)).toEqual(['F1']);
    expect(errors.map((e) => e.line)).toEqual([2, 3, 5, 6]);
    expect(errors[0]!.message).toBe('不是有效的 JSON');
    expect(errors[2]!.message).toBe('id F1 与第 1 行重复');
    expect(errors[3]!.message).toMatch(/extra/);
  });

  it('writes the documented keys in order', () => {
    expect(formatEntryLine({ id: 'F1', question: 'q?', alternates: ['a'], answer: 'A', category: 'utilities', keywords: ['k'] })).toBe(
      '{"id":"F1","question":"q?","alternates":["a"],"answer":"A","category":"utilities","keywords":["k"]}',
    );
  });
});

describe('intake rules', () => {
  const rules = prepareRules([
    { id: 'fire', kind: 'emergency', target: '119', any: ['着火', '冒烟'], all: [], none: ['上个月', '消防检查'], weight: 5 },
    { id: 'lift', kind: 'emergency', target: '119', any: [], all: ['电梯', '困'], none: [], weight: 5 },
    { id: 'faint', kind: 'emergency', target: '120', any: ['晕倒', '昏迷'], all: [], none: [], weight: 4 },
    { id: 'fight', kind: 'emergency', target: '110', any: ['打人', '砍人'], all: [], none: [], weight: 5 },
  ]);

  it('matches any/all/none after normalising (著火 is 着火)', () => {
    expect(ruleMatches(rules[0]!, ruleText('厨房著火了'))).toBe(true);
    expect(ruleMatches(rules[0]!, ruleText('上个月楼道着火'))).toBe(false);
    expect(ruleMatches(rules[1]!, ruleText('我被困在电梯里了'))).toBe(true);
    expect(ruleMatches(rules[1]!, ruleText('电梯老是坏'))).toBe(false);
  });

  it('also matches longer words by sound, for pinyin-input typos, if they share characters', () => {
    const [gas] = prepareRules([{ id: 'gas', kind: 'emergency', target: '119', any: ['燃气泄漏'], all: [], none: ['担心'], weight: 5 }]);
    expect(ruleMatches(gas!, ruleText('燃汽泄露了满屋子味'))).toBe(true);
    // The same syllables with no character in common are another word.
    expect(ruleMatches(gas!, ruleText('然期谢楼'))).toBe(false);
    // Two-character words have too many homophones: 找火 is not taken for 着火.
    expect(ruleMatches(rules[0]!, ruleText('找火了'))).toBe(false);
    expect(ruleMatches(gas!, ruleText('燃汽泄露，担心'))).toBe(false);
  });

  it('reads a typed-instead character by the syllable it says in place, not by a rare reading', () => {
    const [buried] = prepareRules([{ id: 'buried', kind: 'emergency', target: '119', any: ['埋了两', '卷进去了'], all: [], none: [], weight: 5 }]);
    // 霾 says mai: a typo for 埋 (mai le).
    expect(ruleMatches(buried!, ruleText('塌方霾了两个工人'))).toBe(true);
    // 满 is man and 埋 is man only in 埋怨; 圈 is juan only in 猪圈.
    expect(ruleMatches(buried!, ruleText('垃圾桶满了两天没人收'))).toBe(false);
    expect(ruleMatches(buried!, ruleText('把公共绿地圈进去了'))).toBe(false);
  });

  it('finds a rule word within one clause, never across punctuation or a space', () => {
    const [dv] = prepareRules([{ id: 'dv', kind: 'emergency', target: '110', any: ['打我妈'], all: [], none: [], weight: 5 }]);
    expect(ruleMatches(dv!, ruleText('他喝醉了在打我妈'))).toBe(true);
    expect(ruleMatches(dv!, ruleText('（女儿代老人打）我妈心脏装了支架'))).toBe(false);
    expect(ruleMatches(dv!, ruleText('白天也打 我妈睡不着'))).toBe(false);
    expect(normalizeClauses('Gas leak! 快来')).toBe('gasleak|快来');
  });

  it('reads no emergency or urgency in a letter of thanks', () => {
    expect(ruleMatches(rules[0]!, ruleText('楼下电动车着火了'))).toBe(true);
    expect(ruleMatches(rules[0]!, ruleText('表扬消防救援站，楼下电动车着火他们五分钟就到了'))).toBe(false);
    expect(ruleMatches(rules[0]!, ruleText('感谢物业，昨晚楼道冒烟处理得很快'))).toBe(false);
    expect(ruleMatches(rules[0]!, ruleText('楼道在冒烟，请尽快派人，谢谢'))).toBe(true);
  });

  it('points to the number whose evidence is strongest', () => {
    expect(detectEmergency(rules, '楼下有人砍人，有人晕倒了')?.number).toBe('110');
    expect(detectEmergency(rules, '老人突然晕倒了')).toEqual({ number: '120', ruleIds: ['faint'] });
    expect(detectEmergency(rules, '想咨询消防检查的流程')).toBeNull();
  });
});

describe('checking a model rewording', () => {
  const hits = [
    { id: 'F1', question: '停水怎么办', answer: '请拨打 12345 转接供水服务热线，说明地址。', category: 'utilities', subcategory: null, unit: null, score: 0.9, matched: '' },
  ];
  it('accepts a rewording that cites the entry and adds no numbers', () => {
    expect(checkRephrasing('您可以拨打 12345，由热线转接供水服务热线 [F1]。', hits)).toBe(true);
  });
  it('refuses one without a citation, citing another entry, or with a new number or link', () => {
    expect(checkRephrasing('您可以拨打 12345 转接供水热线。', hits)).toBe(false);
    expect(checkRephrasing('请看 [F9] 的说明，拨打 12345。', hits)).toBe(false);
    expect(checkRephrasing('请拨打 96116 供水热线 [F1]。', hits)).toBe(false);
    expect(checkRephrasing('详见 https://example.com [F1]，拨打 12345。', hits)).toBe(false);
    expect(checkRephrasing('NO_ANSWER', hits)).toBe(false);
  });
});
