import type { EmergencyNumber, IntakeRuleKind } from '@hotline/db/enums';
import { normalizeText } from '../text/normalize.ts';

export interface IntakeRule {
  id: string;
  kind: IntakeRuleKind;
  target: string;
  any: string[];
  all: string[];
  none: string[];
  weight: number;
}

/**
 * An editor-tuned rule matches when the normalised text contains one of
 * `any` (when given), every one of `all`, and none of `none`.
 */
export function ruleMatches(rule: IntakeRule, normalized: string): boolean {
  if (rule.any.length === 0 && rule.all.length === 0) return false;
  if (rule.any.length > 0 && !rule.any.some((w) => normalized.includes(w))) return false;
  if (!rule.all.every((w) => normalized.includes(w))) return false;
  return !rule.none.some((w) => normalized.includes(w));
}

/** Rules with their words normalised the way texts are, so 著火 and 着火, Ｗｉｆｉ and wifi meet. */
export function prepareRules(rules: readonly IntakeRule[]): IntakeRule[] {
  const norm = (words: string[]) => words.map((w) => normalizeText(w)).filter(Boolean);
  return rules.map((r) => ({ ...r, any: norm(r.any), all: norm(r.all), none: norm(r.none) }));
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
export function detectEmergency(rules: readonly IntakeRule[], text: string): EmergencyFinding | null {
  const normalized = normalizeText(text);
  const hits = rules.filter((r) => r.kind === 'emergency' && ruleMatches(r, normalized));
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
