import { pinyin } from 'pinyin-pro';

const HAN = /\p{Script=Han}/u;
const cache = new Map<string, string>();

/** The toneless syllable of one character (its most common reading), remembered. */
export function syllable(ch: string): string {
  let value = cache.get(ch);
  if (value === undefined) {
    value = HAN.test(ch) ? pinyin(ch, { toneType: 'none' }) : ch;
    cache.set(ch, value);
  }
  return value;
}

/**
 * Toneless pinyin of each character (others unchanged), so that the
 * homophone typos of pinyin input methods (身份正 for 身份证, 公基金 for
 * 公积金, 路等 for 路灯) read the same as the intended words. Character by
 * character, without context: a polyphone always reads the same, which is
 * what matching needs (both sides are read alike) and is far cheaper.
 */
export function pinyinSyllables(text: string): string[] {
  return [...text].map(syllable);
}

const readingCache = new Map<string, string[]>();

/** Every toneless reading of a character (露: lu, lou), for matching typos without knowing the context. */
export function readings(ch: string): string[] {
  let value = readingCache.get(ch);
  if (value === undefined) {
    value = HAN.test(ch) ? [...new Set(pinyin(ch, { multiple: true, type: 'array', toneType: 'none' }) as string[])] : [ch];
    if (value.length === 0) value = [ch];
    readingCache.set(ch, value);
  }
  return value;
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
  for (const ch of canonical) {
    if (HAN.test(ch)) run.push(syllable(ch));
    else flush();
  }
  flush();
  return terms;
}

/**
 * Toneless pinyin of each character as read in its context (埋了 is mai le,
 * 圈进去 quan jin qu, 泄露 xie lou); other characters unchanged, one entry per
 * character. For checking a homophone typo: the typist said the intended
 * word's syllables, so the character typed instead reads them in place.
 */
export function contextReadings(text: string): string[] {
  const out: string[] = [];
  for (const run of text.match(/\p{Script=Han}+|[^\p{Script=Han}]+/gu) ?? []) {
    if (HAN.test(run[0]!)) {
      const read = pinyin(run, { type: 'array', toneType: 'none' }) as string[];
      if (read.length === [...run].length) out.push(...read);
      else out.push(...[...run].map(syllable));
    } else out.push(...run);
  }
  return out;
}
