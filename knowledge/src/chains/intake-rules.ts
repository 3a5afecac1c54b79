import type { EmergencyNumber, IntakeRuleKind } from '@hotline/db/enums';
import { normalizeText } from '../text/normalize.ts';
import { readings } from '../text/pinyin.ts';

export interface IntakeRule {
  id: string;
  kind: IntakeRuleKind;
  target: string;
  any: string[];
  all: string[];
  none: string[];
  weight: number;
}

/** A citizen's text as rules read it: normalised, and in pinyin for homophone typos. */
export interface RuleText {
  normalized: string;
  chars: string[];
  /** The toneless readings of each character. */
  readings: string[][];
  /** Other readings to match too (e.g. with synonyms made canonical). */
  variants: string[];
  /** Positions of each syllable, built on first use: a sound match can only start where its first syllable is. */
  starts?: Map<string, number[]>;
  /** A 2,048-bit Bloom filter of the text's characters, built on first use (see found()). */
  bloom?: Uint32Array;
  /** Every piece of the normalised text up to SHORT_WORD characters long, built on first use (see found()). */
  pieces?: Set<string>;
}

export function ruleText(raw: string, variants: string[] = []): RuleText {
  const normalized = normalizeText(raw);
  const chars = [...normalized];
  // Every field present from the start: one object shape for the hot loop in found().
  return {
    normalized,
    chars,
    readings: chars.map(readings),
    variants: variants.filter((v) => v && v !== normalized),
    starts: undefined,
    bloom: undefined,
    pieces: undefined,
  };
}

/** A rule word, with the syllables to match it by sound (着火 ≈ 找火). */
interface PreparedWord {
  text: string;
  chars: string[];
  readings: string[][] | null;
  /** Each character's code point, for the Bloom filter of a text's characters. */
  codes: number[];
}

/**
 * A homophone typo changes a character or two, not the whole word: the
 * text must say the word's syllables and share at least half its characters
 * (找火 for 着火, 燃汽泄露 for 燃气泄漏), so 业主 never passes for 噎住.
 */
function soundsLike(word: PreparedWord, text: RuleText): boolean {
  const wanted = word.readings;
  if (!wanted) return false;
  const n = wanted.length;
  if (!text.starts) {
    const starts = new Map<string, number[]>();
    text.readings.forEach((rs, i) => {
      for (const r of rs) {
        const at = starts.get(r) ?? [];
        if (at[at.length - 1] !== i) at.push(i);
        starts.set(r, at);
      }
    });
    text.starts = starts;
  }
  const candidates = new Set<number>();
  for (const r of wanted[0]!) for (const i of text.starts.get(r) ?? []) candidates.add(i);
  for (const i of candidates) {
    if (i + n > text.readings.length) continue;
    let same = 0;
    let k = 0;
    for (; k < n; k++) {
      // A polyphone may be read either way (泄露 is xie lou, 露 alone lu).
      if (!text.readings[i + k]!.some((r) => wanted[k]!.includes(r))) break;
      if (text.chars[i + k] === word.chars[k]) same++;
    }
    if (k === n && same * 2 >= n) return true;
  }
  return false;
}

export interface PreparedRule extends IntakeRule {
  anyWords: PreparedWord[];
  allWords: PreparedWord[];
}

const BLOOM_BITS = 2048;
function bloomOf(text: RuleText): Uint32Array {
  if (!text.bloom) {
    text.bloom = new Uint32Array(BLOOM_BITS / 32);
    for (const c of text.chars) {
      const bit = c.codePointAt(0)! & (BLOOM_BITS - 1);
      text.bloom[bit >>> 5]! |= 1 << (bit & 31);
    }
  }
  return text.bloom;
}

/** Rule words up to this many characters are looked up among the text's pieces; longer ones searched for. */
const SHORT_WORD = 6;
function piecesOf(text: RuleText): Set<string> {
  if (!text.pieces) {
    text.pieces = new Set();
    const { chars } = text;
    for (let i = 0; i < chars.length; i++) {
      let piece = '';
      for (let k = i; k < chars.length && k - i < SHORT_WORD; k++) text.pieces.add((piece += chars[k]));
    }
  }
  return text.pieces;
}

function found(word: PreparedWord, text: RuleText): boolean {
  // One set lookup per short word instead of a search through the text: every new ticket is read by
  // the emergency rules' 5,800 words on the filing path.
  const contains = word.chars.length <= SHORT_WORD ? piecesOf(text).has(word.text) : text.normalized.includes(word.text);
  if (contains) return true;
  for (const v of text.variants) if (v.includes(word.text)) return true;
  if (!word.readings) return false;
  // A sound match shares at least half the word's characters in place, so at least that many must
  // occur in the text (a Bloom filter may say yes wrongly, never no). Most words fail this at once.
  const bloom = bloomOf(text);
  let present = 0;
  for (const code of word.codes) present += (bloom[(code & (BLOOM_BITS - 1)) >>> 5]! >>> (code & 31)) & 1;
  return present * 2 >= word.codes.length && soundsLike(word, text);
}

/**
 * An editor-tuned rule matches when the text contains one of `any` (when
 * given), every one of `all`, and none of `none`. `any` and `all` words of
 * three or more characters also match by sound, so pinyin-input typos
 * (燃汽泄露 for 燃气泄漏) still count; `none` words only by their characters.
 */
export function ruleMatches(rule: PreparedRule, text: RuleText): boolean {
  if (rule.anyWords.length === 0 && rule.allWords.length === 0) return false;
  if (rule.anyWords.length > 0 && !rule.anyWords.some((w) => found(w, text))) return false;
  if (!rule.allWords.every((w) => found(w, text))) return false;
  return !rule.none.some((w) => text.normalized.includes(w) || text.variants.some((v) => v.includes(w)));
}

/** The rule's `any` and `all` words the text contains (by characters or by sound): the evidence shown to staff. */
export function matchedWords(rule: PreparedRule, text: RuleText): string[] {
  return [...rule.anyWords, ...rule.allWords].filter((w) => found(w, text)).map((w) => w.text);
}

/** Rules with their words normalised the way texts are (著火 and 着火, Ｗｉｆｉ and wifi meet) and in pinyin. */
export function prepareRules(rules: readonly IntakeRule[]): PreparedRule[] {
  const norm = (words: string[]) => words.map((w) => normalizeText(w)).filter(Boolean);
  const withPinyin = (words: string[]): PreparedWord[] =>
    words.map((text) => ({
      text,
      chars: [...text],
      codes: [...text].map((c) => c.codePointAt(0)!),
      // Two-character words have too many homophones (到地 and 倒地) to match by sound.
      readings: [...text].length >= 3 && /^\p{Script=Han}+$/u.test(text) ? [...text].map(readings) : null,
    }));
  return rules.map((r) => {
    const any = norm(r.any);
    const all = norm(r.all);
    return { ...r, any, all, none: norm(r.none), anyWords: withPinyin(any), allWords: withPinyin(all) };
  });
}

export interface EmergencyFinding {
  number: EmergencyNumber;
  ruleIds: string[];
}

const PRIORITY: Record<EmergencyNumber, number> = { '119': 3, '120': 2, '110': 1 };

/**
 * Life-safety emergencies (fire, gas leak, someone trapped, violence,
 * a medical collapse) must be pointed to 110/119/120 before anything else.
 * When several apply, the strongest evidence decides; on a tie fire and
 * rescue comes first, then the ambulance, then the police.
 */
export function detectEmergency(rules: readonly PreparedRule[], text: string | RuleText): EmergencyFinding | null {
  const read = typeof text === 'string' ? ruleText(text) : text;
  const hits = rules.filter((r) => r.kind === 'emergency' && ruleMatches(r, read));
  if (hits.length === 0) return null;
  const score = new Map<EmergencyNumber, number>();
  for (const r of hits) {
    const n = r.target as EmergencyNumber;
    score.set(n, (score.get(n) ?? 0) + r.weight);
  }
  const number = [...score.entries()].sort((a, b) => b[1] - a[1] || PRIORITY[b[0]] - PRIORITY[a[0]])[0]![0];
  return { number, ruleIds: hits.map((r) => r.id) };
}

export const EMERGENCY_ADVICE: Record<EmergencyNumber, string> = {
  '119': '这可能是紧急情况，请立即拨打 119（火灾、燃气泄漏、被困等抢险救援）。燃气泄漏时不要开关电器、不要用明火，打开门窗后立刻离开。',
  '120': '这可能是紧急情况，请立即拨打 120 急救电话，说清地址和病人情况，并保持电话畅通。',
  '110': '这可能是紧急情况，请立即拨打 110 报警，先确保自身安全，远离危险。',
};
