const CJK = /\p{Script=Han}/u;

/**
 * Terms for comparing short Chinese texts without a word segmenter:
 * character bigrams of each run of Chinese characters (single characters
 * for a run of one), and whole runs of Latin letters or digits.
 */
export function termsOf(canonical: string): string[] {
  const terms: string[] = [];
  let run = '';
  let latin = '';
  const flushRun = () => {
    const chars = [...run];
    if (chars.length === 1) terms.push(chars[0]!);
    for (let i = 0; i + 1 < chars.length; i++) terms.push(chars[i]! + chars[i + 1]!);
    run = '';
  };
  const flushLatin = () => {
    if (latin) terms.push(latin);
    latin = '';
  };
  for (const ch of canonical) {
    if (CJK.test(ch)) {
      flushLatin();
      run += ch;
    } else {
      flushRun();
      latin += ch;
    }
  }
  flushRun();
  flushLatin();
  return terms;
}

/** Term → count. */
export function bagOf(terms: readonly string[]): Map<string, number> {
  const bag = new Map<string, number>();
  for (const t of terms) bag.set(t, (bag.get(t) ?? 0) + 1);
  return bag;
}
