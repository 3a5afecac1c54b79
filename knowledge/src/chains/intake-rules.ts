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
  /** Every piece of the normalised text up to SHORT_WORD characters long, built on first use (see found()). */
  pieces?: Set<string>;
  /** The words of each prepared rule set this text contains, found all at once on first use (see found()). */
  foundBy?: Map<WordIndex, Set<PreparedWord>>;
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
    pieces: undefined,
    foundBy: undefined,
  };
}

/** A rule word, with the syllables to match it by sound (着火 ≈ 找火). */
interface PreparedWord {
  text: string;
  chars: string[];
  readings: string[][] | null;
  /** The index of every word of the rules prepared with it. */
  index: WordIndex;
}

/**
 * Every word of one prepareRules() call, indexed so a text finds the words it
 * contains by looking up its own pieces and syllables, instead of trying each
 * of the thousands of words (the emergency rules alone have 5,800) on every
 * new ticket.
 */
interface WordIndex {
  /** Words of up to SHORT_WORD characters, by their text. */
  short: Map<string, PreparedWord[]>;
  /** Longer words, searched for. */
  long: PreparedWord[];
  /** Words matched by sound too, under every way of saying their first two syllables ("zhao huo"). */
  bySoundPair: Map<string, PreparedWord[]>;
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
  const starts = startsOf(text);
  const candidates = new Set<number>();
  for (const r of wanted[0]!) for (const i of starts.get(r) ?? []) candidates.add(i);
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

/** Rule words up to this many characters are looked up among the text's pieces; longer ones searched for. */
const SHORT_WORD = 6;
function piecesOf(text: RuleText): Set<string> {
  text.pieces ??= piecesOfChars(text.chars);
  return text.pieces;
}

function piecesOfChars(chars: readonly string[]): Set<string> {
  const pieces = new Set<string>();
  for (let i = 0; i < chars.length; i++) {
    let piece = '';
    for (let k = i; k < chars.length && k - i < SHORT_WORD; k++) pieces.add((piece += chars[k]));
  }
  return pieces;
}

function startsOf(text: RuleText): Map<string, number[]> {
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
  return text.starts;
}

/** Every word of the index the text contains: by its characters, in a variant, or by sound. */
function wordsIn(index: WordIndex, text: RuleText): Set<PreparedWord> {
  const hit = new Set<PreparedWord>();
  const take = (pieces: Iterable<string>) => {
    for (const piece of pieces) for (const w of index.short.get(piece) ?? []) hit.add(w);
  };
  take(piecesOf(text));
  for (const w of index.long) if (text.normalized.includes(w.text)) hit.add(w);
  for (const v of text.variants) {
    take(piecesOfChars([...v]));
    for (const w of index.long) if (v.includes(w.text)) hit.add(w);
  }
  // A sound match says every syllable of the word in a row, so its first two are two neighbouring
  // syllables of the text: only the words filed under those pairs are checked.
  const { readings } = text;
  const tried = new Set<PreparedWord>();
  for (let i = 0; i + 1 < readings.length; i++) {
    for (const a of readings[i]!) {
      for (const b of readings[i + 1]!) {
        for (const w of index.bySoundPair.get(`${a} ${b}`) ?? []) {
          if (hit.has(w) || tried.has(w)) continue;
          tried.add(w);
          if (soundsLike(w, text)) hit.add(w);
        }
      }
    }
  }
  return hit;
}

function found(word: PreparedWord, text: RuleText): boolean {
  text.foundBy ??= new Map();
  let hit = text.foundBy.get(word.index);
  if (!hit) text.foundBy.set(word.index, (hit = wordsIn(word.index, text)));
  return hit.has(word);
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
  const index: WordIndex = { short: new Map(), long: [], bySoundPair: new Map() };
  const withPinyin = (words: string[]): PreparedWord[] =>
    words.map((text) => {
      const chars = [...text];
      const word: PreparedWord = {
        text,
        chars,
        // Two-character words have too many homophones (到地 and 倒地) to match by sound.
        readings: chars.length >= 3 && /^\p{Script=Han}+$/u.test(text) ? chars.map(readings) : null,
        index,
      };
      if (chars.length <= SHORT_WORD) index.short.set(text, [...(index.short.get(text) ?? []), word]);
      else index.long.push(word);
      const [first, second] = word.readings ?? [];
      for (const a of new Set(first)) {
        for (const b of new Set(second)) index.bySoundPair.set(`${a} ${b}`, [...(index.bySoundPair.get(`${a} ${b}`) ?? []), word]);
      }
      return word;
    });
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
