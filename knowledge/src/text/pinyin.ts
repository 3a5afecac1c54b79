import { pinyin } from 'pinyin-pro';

const HAN = /\p{Script=Han}/u;

/**
 * Toneless pinyin of each character (others unchanged), so that the
 * homophone typos of pinyin input methods (身份正 for 身份证, 公基金 for
 * 公积金, 路等 for 路灯) read the same as the intended words.
 */
export function pinyinSyllables(text: string): string[] {
  const chars = [...text];
  const syllables = pinyin(text, { toneType: 'none', type: 'array', nonZh: 'consecutive' });
  // pinyin-pro keeps runs of non-Chinese characters together; align by walking both.
  if (syllables.length === chars.length) return syllables;
  const out: string[] = [];
  for (const ch of chars) out.push(HAN.test(ch) ? pinyin(ch, { toneType: 'none' }) : ch);
  return out;
}

/** Bigrams of syllables, the pinyin counterpart of termsOf. */
export function pinyinTerms(canonical: string): string[] {
  const terms: string[] = [];
  let run: string[] = [];
  const flush = () => {
    if (run.length === 1) terms.push(run[0]!);
    for (let i = 0; i + 1 < run.length; i++) terms.push(`${run[i]}_${run[i + 1]}`);
    run = [];
  };
  const chars = [...canonical];
  const syllables = pinyinSyllables(canonical);
  chars.forEach((ch, i) => {
    if (HAN.test(ch)) run.push(syllables[i]!);
    else flush();
  });
  flush();
  return terms;
}
