import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import { RunnableLambda, RunnableSequence } from '@langchain/core/runnables';
import type { EmergencyNumber } from '@hotline/db/enums';
import type { ScoredHit, SearchResult } from '../search/kb-search.ts';
import { detectEmergency, EMERGENCY_ADVICE, type PreparedRule } from './intake-rules.ts';
import { replyText } from './llm.ts';

export interface AnswerInput {
  question: string;
  channel: string;
}

export interface Answer {
  answer: string;
  sources: { id: string; question: string }[];
  confident: boolean;
  suggestFiling: boolean;
  emergency: EmergencyNumber | null;
  /** Close entries to offer when there is no confident answer ("您是不是想问"). */
  related: { id: string; question: string }[];
  /** How the answer was worded: taken from the entry, or rephrased by the model from it. */
  mode: 'extractive' | 'llm' | 'none';
  /** False when the search service could not be reached. */
  searchAvailable: boolean;
  /** The question as the search compared it (for the unanswered queue). */
  canonical: string;
  /** The language of the reply: English for a question asked in English, whose answer says what the service can do. */
  language: 'zh' | 'en';
}

export interface AnswerDeps {
  rules: readonly PreparedRule[];
  search: (question: string) => Promise<SearchResult>;
  llm?: BaseChatModel | undefined;
}

export const NO_ANSWER_TEXT =
  '抱歉，知识库里暂时没有找到与您的问题相符的答复。您可以提交诉求，12345 热线会转交相关部门办理，并在时限内答复您。';
/** For a question in English: the knowledge base is Chinese, so say plainly what the service can do and how to file. */
export const ENGLISH_HELP_TEXT =
  'This is the 12345 citizen service hotline of the city. Our answers are written in Chinese, and we could not find one that matches your question in English. ' +
  'You can file a request in English: choose "File a request" (我要反映) on the website, or send "我要反映" in this chat, describe what happened and where, and the hotline will pass it to the office in charge, which replies within the time limit. ' +
  'You can also call 12345. In an emergency call 110 (police), 119 (fire) or 120 (ambulance) at once.';
const ENGLISH_EMERGENCY: Record<EmergencyNumber, string> = {
  '110': 'If you are in danger now, call the police on 110.',
  '119': 'If there is a fire, a gas leak or someone trapped, call 119 now.',
  '120': 'If someone is seriously ill or injured, call 120 for an ambulance now.',
};

/** The few words that make an English message an emergency (the rules are written for Chinese). */
const ENGLISH_EMERGENCY_WORDS: [RegExp, EmergencyNumber][] = [
  [/\b(fire|on fire|flames?|smoke|burning|gas leak|smell(s|ing)? (of )?gas|trapped)\b/i, '119'],
  [/\b(unconscious|not breathing|collapsed|heart attack|stroke|bleeding|overdose|passed out|fainted|seizure)\b/i, '120'],
  [/\b(robbery|robbing|attack(ed|ing)?|assault(ed)?|knife|gun|break-?in|breaking in|stabbed|kidnap(ped)?|being hit|beating)\b/i, '110'],
];

/** A question written in English (Latin letters, no Chinese characters). */
export function isEnglish(text: string): boolean {
  const latin = text.match(/[A-Za-z]/g)?.length ?? 0;
  const cjk = text.match(/[\u3400-\u9fff]/g)?.length ?? 0;
  return cjk === 0 && latin >= 6 && /[A-Za-z]{2,}\s+[A-Za-z]{2,}/.test(text);
}

export const SEARCH_DOWN_TEXT = '抱歉，知识库检索暂时不可用，请稍后再试；您也可以直接提交诉求，12345 热线会转交相关部门办理。';

// Complaints and reports need someone to act, even when an entry explains the rules.
const NEEDS_ACTION = ['投诉', '举报', '反映', '不处理', '不作为', '没人管', '没人处理', '太吵', '扰民', '拖欠', '欠薪', '不给'];

/** The model may only reword what the entries say: it must cite them and bring no number of its own. */
export function checkRephrasing(text: string, hits: readonly ScoredHit[]): boolean {
  const cited = [...text.matchAll(/\[([A-Za-z0-9_-]+)\]/g)].map((m) => m[1]!);
  const allowed = new Set(hits.map((h) => h.id));
  if (cited.length === 0 || cited.some((id) => !allowed.has(id))) return false;
  if (/NO_ANSWER|无法回答|没有相关/.test(text)) return false;
  const sourceText = hits.map((h) => h.answer).join('\n');
  const numbers = text.replace(/\[[A-Za-z0-9_-]+\]/g, '').match(/\d{3,}/g) ?? [];
  if (numbers.some((n) => !sourceText.includes(n))) return false;
  if (/https?:\/\//.test(text) && !/https?:\/\//.test(sourceText)) return false;
  return text.trim().length >= 10;
}

async function rephrase(llm: BaseChatModel, question: string, hits: readonly ScoredHit[]): Promise<string | null> {
  const entries = hits.map((h) => `[${h.id}] 问：${h.question}\n答：${h.answer}`).join('\n\n');
  const reply = await llm.invoke([
    new SystemMessage(
      '你是 12345 市民服务热线的答复助手。只能根据下面给出的知识条目回答市民的问题，不得添加条目中没有的信息、电话、网址或承诺。用简明的中文回答，并在引用的内容后标注条目编号，如 [F001]。如果条目不能回答这个问题，只输出 NO_ANSWER。\n\n' +
        entries,
    ),
    new HumanMessage(question),
  ]);
  return replyText(reply.content).trim() || null;
}

interface Retrieved {
  input: AnswerInput;
  emergency: EmergencyNumber | null;
  result: SearchResult | null;
}

/**
 * Which hits a citizen without a direct answer is shown as "您可能想问": the
 * first three when the search gives its first hit at least `minConfidence`
 * of being right, else those scoring `minScore`. A citizen who tells a long
 * story scores low on every entry (few of its words are an entry's), though
 * ranked right: by score alone, on DEV, 47 of the 263 unsure questions whose
 * first hit was right got a list with it; by confidence 0.1, 251 (and 176 of
 * 526 unanswerable questions a list, which offers filing beside it).
 */
export const RELATED = { minConfidence: 0.1, minScore: 0.3 } as const;

function relatedHits(result: SearchResult): { id: string; question: string }[] {
  const shown = result.confidence >= RELATED.minConfidence ? result.hits : result.hits.filter((h) => h.score >= RELATED.minScore);
  return shown.slice(0, 3).map((h) => ({ id: h.id, question: h.question }));
}

/**
 * The answer chain every channel uses: emergency check, retrieve, decide
 * confidence, then answer from the entry itself (extractive) with its
 * source. When a model is configured it may reword the answer strictly from
 * the retrieved entries; anything that fails the check falls back to the
 * entry's own text.
 */
export function createAnswerChain(deps: AnswerDeps) {
  return RunnableSequence.from([
    RunnableLambda.from(async (input: AnswerInput): Promise<Retrieved> => {
      const emergency = detectEmergency(deps.rules, input.question)?.number ?? null;
      let result: SearchResult | null = null;
      try {
        result = await deps.search(input.question);
      } catch {
        result = null; // the search service is down: answer what we can
      }
      return { input, emergency, result };
    }),
    RunnableLambda.from(async ({ input, emergency: found, result }: Retrieved): Promise<Answer> => {
      let emergency = found;
      if (isEnglish(input.question)) {
        const top = result?.confident ? result.hits[0] : undefined;
        const english = emergency ?? ENGLISH_EMERGENCY_WORDS.find(([re]) => re.test(input.question))?.[1] ?? null;
        emergency = english;
        const urgent = emergency ? `${ENGLISH_EMERGENCY[emergency]}\n\n` : '';
        return {
          answer: urgent + ENGLISH_HELP_TEXT + (top ? `\n\n（中文答复 Answer in Chinese）\n${top.answer}` : ''),
          sources: top ? [{ id: top.id, question: top.question }] : [],
          confident: false,
          suggestFiling: true,
          emergency,
          related: result ? relatedHits(result) : [],
          mode: 'none',
          searchAvailable: !!result,
          canonical: result?.canonical ?? '',
          language: 'en',
        };
      }
      const prefix = emergency ? `${EMERGENCY_ADVICE[emergency]}\n\n` : '';
      const needsAction = NEEDS_ACTION.some((w) => input.question.includes(w));
      if (!result) {
        return {
          answer: prefix + SEARCH_DOWN_TEXT,
          sources: [],
          confident: false,
          suggestFiling: true,
          emergency,
          related: [],
          mode: 'none',
          searchAvailable: false,
          canonical: '',
          language: 'zh',
        };
      }
      const top = result.hits[0];
      if (!result.confident || !top) {
        return {
          answer: prefix + NO_ANSWER_TEXT,
          sources: [],
          confident: false,
          suggestFiling: true,
          emergency,
          related: relatedHits(result),
          mode: 'none',
          searchAvailable: true,
          canonical: result.canonical,
          language: 'zh',
        };
      }
      let answer = top.answer;
      let mode: Answer['mode'] = 'extractive';
      let used: ScoredHit[] = [top];
      if (deps.llm) {
        const pool = result.hits.slice(0, 3).filter((h) => h.score >= top.score - 0.1);
        const worded = await rephrase(deps.llm, input.question, pool).catch(() => null);
        if (worded && checkRephrasing(worded, pool)) {
          answer = worded;
          mode = 'llm';
          used = pool.filter((h) => worded.includes(`[${h.id}]`));
        }
      }
      return {
        answer: prefix + answer,
        sources: used.map((h) => ({ id: h.id, question: h.question })),
        confident: true,
        suggestFiling: needsAction,
        emergency,
        related: result.hits.slice(1, 4).filter((h) => h.score >= Math.min(RELATED.minScore, top.score / 2)).map((h) => ({ id: h.id, question: h.question })),
        mode,
        searchAvailable: true,
        canonical: result.canonical,
        language: 'zh',
      };
    }),
  ]);
}
