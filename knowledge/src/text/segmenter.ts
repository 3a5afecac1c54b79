import { createRequire } from 'node:module';
import { Jieba } from '@node-rs/jieba';

const require = createRequire(import.meta.url);
// The package's CommonJS entry reads jieba's standard dictionary and its
// IDF table (word informativeness in general Chinese text).
const { dict, idf } = require('@node-rs/jieba/dict.js') as { dict: Buffer; idf: Buffer };

const jieba = Jieba.withDict(dict);
const taught = new Set<string>();

/**
 * Splits text into words. Without HMM guessing, unknown stretches come out
 * as single characters rather than made-up words (我妈领), which suits
 * matching: the character bigrams cover them.
 */
export function segment(text: string): string[] {
  return jieba.cut(text, false);
}

/**
 * Teaches the segmenter editors' words it does not know yet (新农合, 公租房 …)
 * so they stay whole. A low frequency: enough to beat single characters, not
 * enough to tear known words apart (a frequent 假期 would split 产假期间).
 */
export function teachWords(words: Iterable<string>): void {
  const lines: string[] = [];
  for (const word of words) {
    if (taught.has(word) || [...word].length < 2 || /\s/.test(word)) continue;
    taught.add(word);
    if (segment(word).length === 1) continue;
    lines.push(`${word} 10 n`);
  }
  if (lines.length) jieba.loadDict(Buffer.from(`${lines.join('\n')}\n`));
}

let general: Map<string, number> | undefined;
let median = 0;

/** How informative a word is in general Chinese (jieba's IDF table); unknown words get the table's median. */
export function generalIdf(word: string): number {
  if (!general) {
    general = new Map();
    const values: number[] = [];
    for (const line of idf.toString('utf8').split('\n')) {
      const space = line.lastIndexOf(' ');
      if (space <= 0) continue;
      const value = Number(line.slice(space + 1));
      general.set(line.slice(0, space), value);
      values.push(value);
    }
    values.sort((a, b) => a - b);
    median = values[Math.floor(values.length / 2)] ?? 10;
  }
  return general.get(word) ?? median;
}
