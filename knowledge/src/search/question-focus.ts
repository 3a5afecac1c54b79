/**
 * What a question asks for, beside its topic. A near-miss shares an entry's
 * topic and asks what the entry does not say: how much it costs, which shop
 * or brand is better. The ranking cannot see that (the topic's words match),
 * so the answer gate gets it as two features.
 */
import type { KnowledgeEntry } from '../entry.ts';

const ASKS_AMOUNT = /多少钱|多少块|几块钱|几多钱|几钱|价格|价钱|费用是多少|收费多少|花多少|赔多少|补多少|补贴多少|给多少|发多少|拿多少|退多少|贵不贵|how much/i;
const GIVES_AMOUNT = /\d+(?:\.\d+)?\s*(?:元|块|万元)|[一二三四五六七八九十百千万两]+元|收费标准|不收费|免费|工本费|不收取/;
const ASKS_CHOICE = /哪(?:个|家|种|款|里的)[^，。？?！!\s]{0,8}(?:好|便宜|划算|靠谱|实惠)|推荐|划算|性价比|哪个牌子|靠不靠谱|靠谱[吗不么]|比较好还是|还是.{1,8}好/;

/** The question asks for an amount of money. */
export function asksAmount(question: string): boolean {
  return ASKS_AMOUNT.test(question);
}

/** The question asks which shop, brand or option is better: no entry of the hotline's recommends one. */
export function asksChoice(question: string): boolean {
  return ASKS_CHOICE.test(question);
}

const givesAmountOf = new WeakMap<KnowledgeEntry, boolean>();

/** The entry states an amount or a fee (its answer or its ways of asking). */
export function givesAmount(entry: KnowledgeEntry): boolean {
  let gives = givesAmountOf.get(entry);
  if (gives === undefined) {
    gives = GIVES_AMOUNT.test(entry.answer);
    givesAmountOf.set(entry, gives);
  }
  return gives;
}

