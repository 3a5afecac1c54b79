import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { RunnableLambda, RunnableSequence } from '@langchain/core/runnables';
import { EMERGENCY_NUMBERS, type EmergencyNumber, REQUEST_TYPES, type RequestType } from '@hotline/db/enums';
import { z } from 'zod';
import { normalizeText } from '../text/normalize.ts';
import type { Vocabulary } from '../text/vocabulary.ts';
import { type IntakeModel, type IntakePrediction, shippedIntakeModel } from '../model/intake-model.ts';
import { canonicalClauses, EMERGENCY_ADVICE, type EmergencyFinding, matchedWords, type PreparedRule, ruleMatches, type RuleText, ruleText } from './intake-rules.ts';
import { readUrgency, URGENT_THRESHOLD, urgencyVerdict, withoutPlaces } from './urgency.ts';
import { extractJson, replyText } from './llm.ts';

export interface IntakeCatalog {
  districts: { code: string; name: string; streets: { code: string; name: string }[] }[];
  /** Every category code (first and second level) with its name and parent. */
  categories: { code: string; name: string; parentCode: string | null }[];
}

export interface KnowledgeEvidence {
  entryId: string;
  categoryCode: string;
  subcategoryCode: string | null;
  score: number;
}

export interface IntakeDraft {
  type: RequestType;
  category: string | null;
  urgency: 'normal' | 'urgent';
  title: string;
  description: string;
  location: { district?: string; street?: string; address?: string };
  emergency: EmergencyNumber | null;
  emergencyAdvice: string | null;
  /** Why: rule ids, `kb:<entry id>`, or `llm`. */
  evidence: { category: string[]; type: string[]; urgency: string[]; emergency: string[] };
  source: 'rules' | 'llm';
}

export interface IntakeDeps {
  rules: readonly PreparedRule[];
  catalog: IntakeCatalog;
  /** The editors' synonyms: rules also read the text with synonyms made canonical. */
  vocabulary?: Vocabulary;
  /** Category evidence from the knowledge base, best first; absent or failing search is no evidence. */
  knowledge?: (text: string) => Promise<KnowledgeEvidence[]>;
  llm?: BaseChatModel | undefined;
  /** The statistical intake model; absent: the one trained from the repository's data; null: rules only. */
  model?: IntakeModel | null;
}

/** The first-level category (DESIGN.md's codes) an emergency belongs to, unless stronger evidence says otherwise. */
const EMERGENCY_CATEGORY: Record<EmergencyNumber, string> = { '110': 'public_safety', '119': 'public_safety', '120': 'health' };
const EMERGENCY_CATEGORY_WEIGHT = 6;

/** How much the knowledge base's closest entries count for the category, by rank; tuned on npm run eval:intake. */
export const KB_EVIDENCE = { minScore: 0.1, weights: [10, 5, 2.5] } as const;

const QUESTION_CUES = ['请问', '怎么', '如何', '哪里', '哪儿', '多少', '能不能', '可不可以', '是否', '吗', '需要什么', '什么时候', '多久', '咨询'];
const FILLERS = /^(你好|您好|请问|麻烦|打扰一下|我想问一下|我想问|我要反映|我想反映|反映一下|反映|投诉|举报)[，,。！!：:\s]*/;

const ADDRESS =
  /[\p{Script=Han}\d]{2,12}?(?:路|街|大道|巷|胡同|弄)(?:\d+(?:号|弄))?(?:[\p{Script=Han}\d]{0,8}?(?:小区|花园|苑|大厦|公寓|广场|市场|村|号楼|栋|幢|单元))?|[\p{Script=Han}]{2,10}(?:小区|花园|家园|苑|大厦|公寓|广场|新村)(?:\d+(?:号楼|栋|幢))?/u;

/** District, street and address mentions, matched against the configured districts and streets. */
export function findLocation(catalog: IntakeCatalog, text: string): IntakeDraft['location'] {
  const location: IntakeDraft['location'] = {};
  for (const district of catalog.districts) {
    const short = district.name.replace(/(区|县|市)$/, '');
    if (text.includes(district.name) || (short.length >= 2 && text.includes(`${short}区`))) location.district = district.code;
    for (const street of district.streets) {
      const shortStreet = street.name.replace(/(街道|镇|乡)$/, '');
      if (text.includes(street.name) || (shortStreet.length >= 2 && text.includes(`${shortStreet}街道`))) {
        location.street = street.code;
        location.district = district.code;
      }
    }
  }
  const address = text.match(ADDRESS);
  if (address) location.address = address[0].replace(/^(我家|我们|我在|住在|家住|位于|在)/, '');
  return location;
}

export function shortTitle(text: string): string {
  const cleaned = text.trim().replace(FILLERS, '');
  const first = cleaned.split(/[。！？!?\n；;]/)[0]?.trim() || cleaned;
  const chars = [...first];
  return chars.length > 20 ? `${chars.slice(0, 20).join('')}…` : first || '市民诉求';
}

/** What the rules (and the knowledge base) found in a message, before any model is consulted. */
export interface RuleReading {
  /** First-level category → summed rule and knowledge-base weight. */
  coarse: Map<string, number>;
  /** Second-level category → summed weight. */
  fine: Map<string, number>;
  /** Request type → summed rule weight. */
  typeScores: Map<RequestType, number>;
  /** The type when no type rule matched: a question is a consultation, anything else a complaint. */
  fallbackType: RequestType;
  urgentRuleIds: string[];
  emergency: EmergencyFinding | null;
  evidence: IntakeDraft['evidence'];
}

type RuleTextDeps = Pick<IntakeDeps, 'catalog' | 'vocabulary'>;

/** A message as the rules read it: emergencies from the whole text, everything else from the topic (the text without place names). */
function readTexts(deps: RuleTextDeps, text: string): { whole: RuleText; topic: string; topicText: RuleText } {
  const whole = ruleText(text, deps.vocabulary ? [canonicalClauses(text, deps.vocabulary)] : []);
  const topic = withoutPlaces(deps.catalog, text);
  const topicText = ruleText(topic, deps.vocabulary ? [canonicalClauses(topic, deps.vocabulary)] : []);
  return { whole, topic, topicText };
}

/** Editor-tuned keyword rules plus knowledge-base evidence for the category. */
export async function readByRules(deps: IntakeDeps, text: string): Promise<RuleReading> {
  const normalized = normalizeText(text);
  const { whole, topic, topicText } = readTexts(deps, text);
  const matched = deps.rules.filter((r) => r.kind !== 'emergency' && r.kind !== 'urgency' && ruleMatches(r, topicText));
  // Emergencies and urgency: the same reading every new ticket gets (urgency.ts).
  const { emergency, urgentRuleIds } = readUrgency(deps.rules, whole, topicText);
  const parentOf = new Map(deps.catalog.categories.map((c) => [c.code, c.parentCode]));

  // Category: weights per second-level code, summed per first level.
  const fine = new Map<string, number>();
  const coarse = new Map<string, number>();
  const evidence: IntakeDraft['evidence'] = { category: [], type: [], urgency: [], emergency: [] };
  const addCategory = (code: string, weight: number, why: string) => {
    if (!parentOf.has(code)) return;
    const first = parentOf.get(code) ?? code;
    coarse.set(first, (coarse.get(first) ?? 0) + weight);
    if (first !== code) fine.set(code, (fine.get(code) ?? 0) + weight);
    evidence.category.push(why);
  };
  for (const r of matched.filter((r) => r.kind === 'category')) addCategory(r.target, r.weight, r.id);
  // The knowledge base's closest entries vote for their categories, the closest most.
  const kb = deps.knowledge ? await deps.knowledge(topic).catch(() => []) : [];
  kb.slice(0, 3).forEach((hit, rank) => {
    if (hit.score >= KB_EVIDENCE.minScore) addCategory(hit.subcategoryCode ?? hit.categoryCode, KB_EVIDENCE.weights[rank]! * hit.score, `kb:${hit.entryId}`);
  });
  // An emergency is itself evidence of what the matter is about.
  if (emergency) addCategory(EMERGENCY_CATEGORY[emergency.number], EMERGENCY_CATEGORY_WEIGHT, `emergency:${emergency.number}`);

  const typeScores = new Map<RequestType, number>();
  for (const r of matched.filter((r) => r.kind === 'type' && (REQUEST_TYPES as readonly string[]).includes(r.target))) {
    typeScores.set(r.target as RequestType, (typeScores.get(r.target as RequestType) ?? 0) + r.weight);
    evidence.type.push(r.id);
  }
  const fallbackType: RequestType = QUESTION_CUES.some((q) => normalized.includes(q)) || /[?？]/.test(text) ? 'consultation' : 'complaint';

  if (emergency) evidence.emergency.push(...emergency.ruleIds);
  evidence.urgency.push(...urgentRuleIds);
  return { coarse, fine, typeScores, fallbackType, urgentRuleIds, emergency, evidence };
}

/**
 * The words of the message each of the given rules matched on (by characters
 * or by sound), read as readByRules reads it: the evidence shown to editors
 * beside a draft's rule ids. Only says why a rule matched; which rules
 * counted is the draft's `evidence`.
 */
export function matchedRuleWords(deps: RuleTextDeps & Pick<IntakeDeps, 'rules'>, text: string, ruleIds: readonly string[]): Map<string, string[]> {
  const { whole, topicText } = readTexts(deps, text);
  const wanted = new Set(ruleIds);
  const words = new Map<string, string[]>();
  for (const r of deps.rules) if (wanted.has(r.id)) words.set(r.id, matchedWords(r, r.kind === 'emergency' ? whole : topicText));
  return words;
}

/**
 * How the model's probabilities and the rules' evidence are weighed; chosen on
 * the DEV split with a TRAIN-only model (`npm run eval:intake -- --tune`).
 * Each rule weight multiplies the rules' share of their evidence (0–1) and is
 * added to the model's probability (0–1).
 */
export interface IntakeWeights {
  categoryRules: number;
  subcategoryRules: number;
  typeRules: number;
  /** Weight of the question-or-complaint fallback when no type rule matched. */
  typeFallback: number;
  /** The model's urgency probability at or above which a message is drafted urgent. */
  urgentThreshold: number;
}

export const INTAKE_WEIGHTS: IntakeWeights = { categoryRules: 0.1, subcategoryRules: 0.75, typeRules: 0.5, typeFallback: 0, urgentThreshold: URGENT_THRESHOLD };

const best = <K>(scores: Map<K, number>): K | undefined => [...scores.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
const shares = <K>(scores: Map<K, number>): Map<K, number> => {
  const total = [...scores.values()].reduce((a, b) => a + b, 0);
  return new Map([...scores.entries()].map(([k, v]) => [k, total > 0 ? v / total : 0]));
};
const plus = <K>(into: Map<K, number>, from: Map<K, number>, weight: number) => {
  for (const [k, v] of from) into.set(k, (into.get(k) ?? 0) + weight * v);
};

/**
 * Type, category and urgency from the rules' reading and, when there is one,
 * the model's prediction. Emergencies and urgency rules are never overruled:
 * the model can make a message urgent, never make it normal.
 */
export function combineReading(
  catalog: IntakeCatalog,
  reading: RuleReading,
  prediction: IntakePrediction | null,
  weights: IntakeWeights = INTAKE_WEIGHTS,
): Pick<IntakeDraft, 'type' | 'category' | 'urgency' | 'evidence'> {
  const parentOf = new Map(catalog.categories.map((c) => [c.code, c.parentCode]));
  const evidence: IntakeDraft['evidence'] = {
    category: [...reading.evidence.category],
    type: [...reading.evidence.type],
    urgency: [...reading.evidence.urgency],
    emergency: [...reading.evidence.emergency],
  };
  const known = <K extends string>(scores: Map<K, number> | null | undefined) => new Map([...(scores ?? [])].filter(([code]) => parentOf.has(code)));

  // First level: the model's probability plus the rules' share, weighed.
  const coarse = known(prediction?.category);
  plus(coarse, shares(reading.coarse), prediction?.category ? weights.categoryRules : 1);
  const first = best(coarse) ?? null;
  let category = first;
  if (first) {
    const fine = known(prediction?.subcategory(first));
    const ruleFine = new Map([...reading.fine].filter(([code]) => parentOf.get(code) === first));
    plus(fine, shares(ruleFine), fine.size ? weights.subcategoryRules : 1);
    category = best(fine) ?? first;
    const p = prediction?.category?.get(first);
    if (p !== undefined) evidence.category.push(`model:${category}:${p.toFixed(2)}`);
  }

  let type: RequestType;
  if (prediction?.type) {
    const scores = new Map(prediction.type);
    if (reading.typeScores.size) plus(scores, shares(reading.typeScores), weights.typeRules);
    else scores.set(reading.fallbackType, (scores.get(reading.fallbackType) ?? 0) + weights.typeFallback);
    type = best(scores)!;
    evidence.type.push(`model:${type}:${prediction.type.get(type)?.toFixed(2) ?? '0'}`);
  } else {
    type = best(reading.typeScores) ?? reading.fallbackType;
  }

  // The same verdict every new ticket gets at filing (urgency.ts: decideUrgency).
  const verdict = urgencyVerdict({ emergency: reading.emergency, urgentRuleIds: reading.urgentRuleIds, words: [] }, prediction?.urgent ?? null, weights.urgentThreshold);
  if (prediction?.urgent != null && prediction.urgent >= weights.urgentThreshold) evidence.urgency.push(`model:${prediction.urgent.toFixed(2)}`);
  return { type, category, urgency: verdict.urgency, evidence };
}

/** The draft without a language model: rules, knowledge-base evidence and the statistical model. */
async function draftByRules(deps: IntakeDeps, text: string): Promise<IntakeDraft> {
  const reading = await readByRules(deps, text);
  const model = deps.model === undefined ? shippedIntakeModel() : deps.model;
  const prediction = model ? model.predict(withoutPlaces(deps.catalog, text)) : null;
  const { emergency } = reading;
  return {
    ...combineReading(deps.catalog, reading, prediction),
    title: shortTitle(text),
    description: text.trim(),
    location: findLocation(deps.catalog, text),
    emergency: emergency?.number ?? null,
    emergencyAdvice: emergency ? EMERGENCY_ADVICE[emergency.number] : null,
    source: 'rules',
  };
}

/** What the model must return; its output is untrusted and checked like any input. */
export const LlmIntake = z.object({
  type: z.enum(REQUEST_TYPES),
  category: z.string().nullable(),
  urgency: z.enum(['normal', 'urgent']),
  title: z.string().min(2).max(40),
  district: z.string().nullable().optional(),
  street: z.string().nullable().optional(),
  address: z.string().max(100).nullable().optional(),
  emergency: z.enum(EMERGENCY_NUMBERS).nullable(),
});

function intakePrompt(catalog: IntakeCatalog, text: string) {
  const categories = catalog.categories.map((c) => `${c.code}=${c.name}`).join('；');
  const districts = catalog.districts.map((d) => `${d.code}=${d.name}（${d.streets.map((s) => `${s.code}=${s.name}`).join('，')}）`).join('；');
  return [
    new SystemMessage(
      [
        '你是 12345 市民服务热线的受理助手。把市民的留言整理成工单草稿，只输出一个 JSON 对象，不要输出其他文字。',
        '字段：type（complaint 投诉/report 举报/help 求助/consultation 咨询/suggestion 建议/praise 表扬）；category（下列分类编码之一，无法判断时为 null）；urgency（normal 或 urgent，危及生命财产安全时为 urgent）；title（20 字以内的标题）；district、street（下列编码之一或 null）；address（留言中的详细地址或 null）；emergency（正在发生火灾、燃气泄漏、有人被困为 "119"，急病重伤为 "120"，暴力犯罪为 "110"，否则 null）。',
        `分类：${categories}`,
        `区和街道：${districts}`,
      ].join('\n'),
    ),
    new HumanMessage(text),
  ];
}

/** The model's draft, checked against the schema and the configured codes; null when unusable. */
async function draftByLlm(deps: IntakeDeps, text: string): Promise<Partial<IntakeDraft> | null> {
  if (!deps.llm) return null;
  try {
    const reply = await deps.llm.invoke(intakePrompt(deps.catalog, text), { response_format: { type: 'json_object' } } as never);
    const parsed = LlmIntake.safeParse(extractJson(replyText(reply.content)));
    if (!parsed.success) return null;
    const known = new Set(deps.catalog.categories.map((c) => c.code));
    const districts = new Map(deps.catalog.districts.map((d) => [d.code, d]));
    const d = parsed.data;
    const district = d.district && districts.has(d.district) ? d.district : undefined;
    const street = district && d.street && districts.get(district)!.streets.some((s) => s.code === d.street) ? d.street : undefined;
    return {
      type: d.type,
      category: d.category && known.has(d.category) ? d.category : null,
      urgency: d.urgency,
      title: d.title,
      location: { ...(district ? { district } : {}), ...(street ? { street } : {}), ...(d.address ? { address: d.address } : {}) },
      emergency: d.emergency,
    };
  } catch {
    return null; // unreachable, slow or nonsensical model: the rules stand
  }
}

/**
 * The intake chain: rules first (always), then the model when one is
 * configured. The model may refine type, category, title and location; it
 * may add an emergency but never remove one the rules found.
 */
export function createIntakeChain(deps: IntakeDeps) {
  return RunnableSequence.from([
    RunnableLambda.from(async (text: string) => ({ text, rules: await draftByRules(deps, text) })),
    RunnableLambda.from(async ({ text, rules }: { text: string; rules: IntakeDraft }): Promise<IntakeDraft> => {
      const llm = await draftByLlm(deps, text);
      if (!llm) return rules;
      const emergency = rules.emergency ?? llm.emergency ?? null;
      return {
        ...rules,
        type: llm.type ?? rules.type,
        category: llm.category ?? rules.category,
        urgency: emergency || llm.urgency === 'urgent' || rules.urgency === 'urgent' ? 'urgent' : 'normal',
        title: llm.title ?? rules.title,
        location: { ...rules.location, ...llm.location },
        emergency,
        emergencyAdvice: emergency ? EMERGENCY_ADVICE[emergency] : null,
        evidence: { ...rules.evidence, category: [...rules.evidence.category, 'llm'] },
        source: 'llm',
      };
    }),
  ]);
}
