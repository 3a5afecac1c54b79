import * as OpenCC from 'opencc-js';

// Traditional characters to mainland simplified. The Taiwan phrase tables
// also resolve 著 by context (著火 → 着火, but 显著 stays), which the
// plain character table does not.
const toSimplified = OpenCC.Converter({ from: 'tw', to: 'cn' });

/**
 * The form every question and every indexed phrasing is compared in:
 * full-width letters and digits made half-width (NFKC), traditional
 * characters made simplified, lower case, and everything that is not a
 * letter, a digit or a CJK character removed.
 */
export function normalizeText(raw: string): string {
  const nfkc = raw.normalize('NFKC');
  return toSimplified(nfkc)
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

/**
 * Like normalizeText, but with `mark` where punctuation or spaces separated
 * words, except between two Latin letters or digits (gas leak stays gasleak,
 * as normalizeText has it). One conversion for the whole text.
 */
export function normalizeMarkingBreaks(raw: string, mark: string): string {
  return toSimplified(raw.normalize('NFKC'))
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, (gap: string, at: number, whole: string) => {
      const before = whole[at - 1];
      const after = whole[at + gap.length];
      if (before === undefined || after === undefined) return '';
      return /[a-z0-9]/.test(before) && /[a-z0-9]/.test(after) ? '' : mark;
    });
}

/** Like normalizeText, but keeps single spaces where words or sentences were separated. */
export function normalizeKeepingSpaces(raw: string): string {
  return toSimplified(raw.normalize('NFKC'))
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * Masks what looks like personal data before a question is stored for
 * editors: ID card numbers, phone numbers and other long digit runs.
 */
export function maskPersonalData(text: string): string {
  return text
    .replace(/(?<!\d)\d{17}[\dXx](?![\dXx])/g, '［身份证号］')
    .replace(/(?<!\d)1[3-9]\d{9}(?!\d)/g, '［手机号］')
    .replace(/\d{7,}/g, '［数字］');
}
