// Pure: the statistics of the hot-spot detector, no database code.

/**
 * The detection method (stated here once; README and the warnings' texts say the same):
 *
 * For every first- and second-level category, city-wide and per district and per street,
 * the tickets filed in each recent window (1 h, 6 h, 24 h, 7 days) are compared with what
 * the same counts's own history predicts: its tickets in the 28 days before the longest
 * window, spread over the window by the city's seasonal profile (tickets per hour of the
 * day, on working days and on days off apart, by the official calendar with its 调休),
 * plus a half-ticket prior so a place that was quiet is not expected to stay at exactly
 * zero. A window fires when its count is at least MIN_COUNT, at least MIN_RATIO times the
 * expectation, and the Poisson probability of that many or more is below MAX_P_VALUE (1e-7)
 * (a strict level: thousands of counts are tested every run). Clusters of near-duplicate
 * tickets (ticket_duplicate_links) fire when they reach CLUSTER_SIZE within the 7 days.
 */
export const HOTSPOT_METHOD = {
  windowsHours: [1, 6, 24, 168] as const,
  baselineDays: 28,
  prior: 0.5,
  minCount: 6,
  minRatio: 3,
  maxPValue: 1e-7,
  clusterSize: 10,
} as const;

/** P(X ≥ x) for X ~ Poisson(λ); exact series from x upward (the tail is short where it matters). */
export function poissonUpperTail(x: number, lambda: number): number {
  if (x <= 0) return 1;
  if (lambda <= 0) return 0;
  if (x <= lambda) return 1 - poissonCdf(x - 1, lambda);
  // log P(X = x) = -λ + x ln λ - ln x!
  let logFactorial = 0;
  for (let i = 2; i <= x; i++) logFactorial += Math.log(i);
  const logFirst = -lambda + x * Math.log(lambda) - logFactorial;
  let term = 1;
  let sum = 1;
  for (let k = x + 1; k < x + 10_000; k++) {
    term *= lambda / k;
    sum += term;
    if (term < sum * 1e-15) break;
  }
  return Math.min(1, Math.exp(logFirst) * sum);
}

function poissonCdf(x: number, lambda: number): number {
  let term = Math.exp(-lambda);
  let sum = term;
  for (let k = 1; k <= x; k++) {
    term *= lambda / k;
    sum += term;
  }
  return Math.min(1, sum);
}

export interface BurstVerdict {
  fired: boolean;
  count: number;
  expected: number;
  ratio: number;
  pValue: number;
}

/** Whether `count` tickets against `expected` is a burst by HOTSPOT_METHOD. */
export function judgeBurst(count: number, expected: number, method: Pick<typeof HOTSPOT_METHOD, 'minCount' | 'minRatio' | 'maxPValue'> = HOTSPOT_METHOD): BurstVerdict {
  const ratio = expected > 0 ? count / expected : Number.POSITIVE_INFINITY;
  if (count < method.minCount || ratio < method.minRatio) return { fired: false, count, expected, ratio, pValue: 1 };
  const pValue = poissonUpperTail(count, expected);
  return { fired: pValue <= method.maxPValue, count, expected, ratio, pValue };
}

/** Han stretches of a text (the words a title is made of, without punctuation or digits). */
function hanRuns(text: string): string[] {
  return text.match(/\p{Script=Han}+/gu) ?? [];
}

const STOP_WORDS = new Set(['反映', '问题', '市民', '投诉', '举报', '求助', '咨询', '建议', '希望', '请求', '要求', '处理', '解决', '相关', '部门', '一直', '没有', '我们', '现在', '今天', '昨天', '附近', '这个', '那个', '已经', '情况', '及时', '尽快', '严重', '影响']);

/**
 * The most telling words of a burst's tickets: the Chinese substrings (2–4 characters)
 * found in the most of its titles (and descriptions, at half weight), longer ones
 * preferred, place names and filler words left out, at most `max`, not overlapping.
 */
export function tellingWords(texts: { title: string; description: string }[], exclude: string[], max = 2): string[] {
  if (texts.length === 0) return [];
  const excluded = exclude.filter(Boolean);
  const score = new Map<string, number>();
  for (const { title, description } of texts) {
    for (const [text, weight] of [[title, 1], [description.slice(0, 200), 0.5]] as const) {
      const seen = new Set<string>();
      for (const run of hanRuns(text)) {
        for (let len = 2; len <= 4; len++) {
          for (let i = 0; i + len <= run.length; i++) seen.add(run.slice(i, i + len));
        }
      }
      for (const gram of seen) score.set(gram, (score.get(gram) ?? 0) + weight);
    }
  }
  const ranked = [...score.entries()]
    .filter(([gram, s]) => s >= texts.length * 0.4 && !STOP_WORDS.has(gram) && !excluded.some((e) => e.includes(gram) || gram.includes(e)))
    // A longer word that is nearly as frequent says more: 停水 over 停, 小区停水 over 停水 when all share it.
    .map(([gram, s]) => [gram, s * (1 + 0.35 * (gram.length - 2))] as const)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const chosen: string[] = [];
  const top = ranked[0]?.[1] ?? 0;
  for (const [gram, weight] of ranked) {
    // A second word only when it is nearly as common, and never a piece of the first one again (区突然停 after 突然停水).
    if (weight < top * 0.6) break;
    if (chosen.some((c) => sharesBigram(c, gram))) continue;
    chosen.push(gram);
    if (chosen.length === max) break;
  }
  return chosen;
}

function sharesBigram(a: string, b: string): boolean {
  for (let i = 0; i + 2 <= a.length; i++) if (b.includes(a.slice(i, i + 2))) return true;
  return false;
}

export function windowLabel(hours: number): string {
  return hours % 24 === 0 ? `近${hours / 24}天` : `近${hours}小时`;
}

export function formatP(p: number): string {
  return p < 1e-12 ? '<1e-12' : p.toExponential(1);
}
