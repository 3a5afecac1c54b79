import type { EmergencyNumber } from '@hotline/db/enums';
import { type IntakeModel, shippedIntakeModel } from '../model/intake-model.ts';
import type { Vocabulary } from '../text/vocabulary.ts';
import { canonicalClauses, detectEmergency, type EmergencyFinding, matchedWords, type PreparedRule, ruleMatches, type RuleText, ruleText } from './intake-rules.ts';

/** The districts and streets whose names say where, not what (the intake catalog's shape). */
export interface PlaceNames {
  districts: { name: string; streets: { name: string }[] }[];
}

/**
 * The text without the configured district and street names, for judging
 * what the matter is about: 和平街道 says nothing about the problem.
 */
export function withoutPlaces(catalog: PlaceNames, text: string): string {
  let rest = text;
  for (const district of catalog.districts) {
    for (const street of district.streets) rest = rest.replaceAll(street.name, ' ');
    rest = rest.replaceAll(district.name, ' ');
  }
  return rest;
}

/** What the emergency and urgency rules found in a message. */
export interface UrgencyReading {
  emergency: EmergencyFinding | null;
  urgentRuleIds: string[];
  /** The words those rules matched on. */
  words: string[];
}

/**
 * Emergencies are read from the whole text (a place name may be the danger:
 * 燃气站), urgency from the text without place names, as the intake chain's
 * other rules are.
 */
export function readUrgency(rules: readonly PreparedRule[], whole: RuleText, topic: RuleText): UrgencyReading {
  const emergency = detectEmergency(rules, whole);
  const urgent = rules.filter((r) => r.kind === 'urgency' && ruleMatches(r, topic));
  const words = new Set<string>();
  for (const r of rules) if (emergency?.ruleIds.includes(r.id)) for (const w of matchedWords(r, whole)) words.add(w);
  for (const r of urgent) for (const w of matchedWords(r, topic)) words.add(w);
  return { emergency, urgentRuleIds: urgent.map((r) => r.id), words: [...words] };
}

/** The model's urgency probability at or above which a message is urgent; chosen on DEV (README, npm run eval:intake -- --tune). */
export const URGENT_THRESHOLD = 0.3;

export interface UrgencyDecision {
  urgency: 'normal' | 'urgent';
  /** What decided it: an emergency rule (110/119/120), an urgency rule, the model, or nothing found. */
  by: 'emergency' | 'rule' | 'model' | 'none';
  emergency: EmergencyNumber | null;
  /** Ids of the emergency and urgency rules that matched. */
  rules: string[];
  /** The words of the message those rules matched on. */
  words: string[];
  /** The model's probability that the message is urgent, two decimals; null without a model. */
  model: number | null;
  threshold: number;
}

/**
 * The one urgency rule: an emergency or an urgency rule makes a message
 * urgent, and so does the model at or above the threshold; the model never
 * makes normal what a rule found urgent. The intake draft and every new
 * ticket, on every channel, are judged by this function, so the same words
 * get the same urgency everywhere.
 */
export function urgencyVerdict(reading: UrgencyReading, modelUrgent: number | null, threshold = URGENT_THRESHOLD): UrgencyDecision {
  const byModel = modelUrgent !== null && modelUrgent >= threshold;
  const by = reading.emergency ? 'emergency' : reading.urgentRuleIds.length > 0 ? 'rule' : byModel ? 'model' : 'none';
  return {
    urgency: by === 'none' ? 'normal' : 'urgent',
    by,
    emergency: reading.emergency?.number ?? null,
    rules: [...(reading.emergency?.ruleIds ?? []), ...reading.urgentRuleIds],
    words: reading.words,
    model: modelUrgent === null ? null : Math.round(modelUrgent * 100) / 100,
    threshold,
  };
}

export interface UrgencyDeps {
  rules: readonly PreparedRule[];
  vocabulary?: Vocabulary | undefined;
  catalog: PlaceNames;
  /** Absent: the model trained from the repository's data; null: rules only. */
  model?: IntakeModel | null;
}

/**
 * Decides a message's urgency from the emergency and urgency rules and the
 * model's urgency head only: no search, no language model, so it is cheap
 * enough for the filing path (a fraction of a millisecond).
 */
export function decideUrgency(deps: UrgencyDeps, text: string): UrgencyDecision {
  const whole = ruleText(text, deps.vocabulary ? [canonicalClauses(text, deps.vocabulary)] : []);
  const topic = withoutPlaces(deps.catalog, text);
  const topicText = topic === text ? whole : ruleText(topic, deps.vocabulary ? [canonicalClauses(topic, deps.vocabulary)] : []);
  const model = deps.model === undefined ? shippedIntakeModel() : deps.model;
  return urgencyVerdict(readUrgency(deps.rules, whole, topicText), model ? model.predictUrgent(topic) : null);
}
