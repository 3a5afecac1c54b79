import type { EmergencyNumber, IntakeRuleKind } from '@hotline/db/enums';
import { normalizeMarkingBreaks, normalizeText } from '../text/normalize.ts';
import type { Vocabulary } from '../text/vocabulary.ts';
import { contextReadings, readings, syllable } from '../text/pinyin.ts';

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
  /** Characters' readings in their context, each found on first use (see readingInPlace()). */
  context?: string[];
  /** Whether it is a letter of thanks (see isThanks()), found on first use. */
  thanks?: boolean;
  /** Other readings to match too (e.g. with synonyms made canonical). */
  variants: string[];
  /** Positions of each syllable, built on first use: a sound match can only start where its first syllable is. */
  starts?: Map<string, number[]>;
  /** Every piece of the normalised text up to SHORT_WORD characters long, built on first use (see found()). */
  pieces?: Set<string>;
  /** The words of each prepared rule set this text contains, found all at once on first use (see found()). */
  foundBy?: Map<WordIndex, Set<PreparedWord>>;
}

/** Where a message's clauses meet in a RuleText: no rule word matches across it. */
export const CLAUSE_BREAK = '|';

/**
 * The text normalised as normalizeText does, but with a CLAUSE_BREAK where
 * punctuation or spaces separated Chinese words: a rule word must lie within
 * one clause, so 打上了 in "…早就打上了" stays away from 打伤 and
 * "（女儿代老人打）我妈…" does not read as 打我妈. Runs of Latin letters
 * and digits are still joined (gas leak is gasleak, as rule words are).
 */
export function normalizeClauses(raw: string): string {
  return normalizeMarkingBreaks(raw, CLAUSE_BREAK);
}

/** The text's synonyms made canonical, clause by clause (the variant rules also match). */
export function canonicalClauses(raw: string, vocabulary: Vocabulary): string {
  return vocabulary.canonicalizeMarkingBreaks(raw, CLAUSE_BREAK);
}

export function ruleText(raw: string, variants: string[] = []): RuleText {
  const normalized = normalizeClauses(raw);
  const chars = [...normalized];
  // Every field present from the start: one object shape for the hot loop in found().
  return {
    normalized,
    chars,
    readings: chars.map(readings),
    variants: variants.filter((v) => v && v !== normalized),
    starts: undefined,
    context: undefined,
    thanks: undefined,
    pieces: undefined,
    foundBy: undefined,
  };
}

/** A rule word, with the syllables to match it by sound (着火 ≈ 找火). */
interface PreparedWord {
  text: string;
  chars: string[];
  /** Every reading of each character: finds the places a sound match may start. */
  readings: string[][] | null;
  /** Each character's reading in the word (埋了两 is mai le liang, never man le liang). */
  context: string[];
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
      if (text.chars[i + k] === word.chars[k]) {
        same++;
        continue;
      }
      // A character typed instead must say the word's syllable where it stands
      // (泄露 for 泄漏: xie lou), not by some other reading of it: 满 is never
      // 埋 (man, as in 埋怨) and 圈 never 卷 (juan, as in 猪圈).
      const said = word.context[k]!;
      if (!text.readings[i + k]!.includes(said)) break;
      // Most characters read as usual; only a rarer reading needs the neighbours (slow).
      if (syllable(text.chars[i + k]!) !== said && readingInPlace(text, i + k) !== said) break;
    }
    if (k === n && same * 2 >= n) return true;
  }
  return false;
}

/** How the character at `at` reads among its neighbours (pinyin-pro's phrase table needs only a few), remembered. */
function readingInPlace(text: RuleText, at: number): string {
  text.context ??= [];
  let reading = text.context[at];
  if (reading === undefined) {
    const from = Math.max(0, at - 3);
    reading = contextReadings(text.chars.slice(from, at + 4).join(''))[at - from] ?? '';
    text.context[at] = reading;
  }
  return reading;
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
 * A letter of thanks or praise tells of a danger that is over (消防五分钟就到了,
 * 抢救产后大出血保住了我的生命): no emergency or urgency rule reads one, known
 * by these words or by opening with 感谢 or 谢谢. None of the training
 * material's urgent messages has either; a closing 谢谢 ("请尽快处理，谢谢")
 * does not count.
 */
const THANKS = ['表扬', '致谢', '点赞', '点个赞', '锦旗', '特此', '感谢信', '致信', '衷心感谢', '由衷感谢', '十分感谢', '非常感谢', '万分感谢', '想感谢', '要感谢', '感谢你们', '感谢他们'];
function isThanks(text: RuleText): boolean {
  text.thanks ??= text.normalized.startsWith('感谢') || text.normalized.startsWith('谢谢') || THANKS.some((w) => text.normalized.includes(w));
  return text.thanks;
}

/**
 * An editor-tuned rule matches when the text contains one of `any` (when
 * given), every one of `all`, and none of `none`. `any` and `all` words of
 * three or more characters also match by sound, so pinyin-input typos
 * (燃汽泄露 for 燃气泄漏) still count; `none` words only by their characters.
 */
export function ruleMatches(rule: PreparedRule, text: RuleText): boolean {
  if (rule.anyWords.length === 0 && rule.allWords.length === 0) return false;
  if ((rule.kind === 'emergency' || rule.kind === 'urgency') && isThanks(text)) return false;
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
        context: chars.length >= 3 && /^\p{Script=Han}+$/u.test(text) ? contextReadings(text) : [],
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
