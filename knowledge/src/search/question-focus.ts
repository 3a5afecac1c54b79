/**
 * What a question asks for, beside its topic. A near-miss shares an entry's
 * topic and asks what the entry does not say: how much it costs, which shop
 * or brand is better, what the rule is in another place. The ranking cannot
 * see that (the topic's words match), so the answer gate gets it as three
 * features. Questions come as normalizeKeepingSpaces gives them: simplified
 * characters, lower case, a space where punctuation was.
 */
import type { KnowledgeEntry } from '../entry.ts';

const ASKS_AMOUNT = /多少钱|多少块|几块钱|几多钱|几钱|价格|价钱|费用是多少|收费多少|花多少|赔多少|补多少|补贴多少|给多少|发多少|拿多少|退多少|贵不贵|how much/i;
const GIVES_AMOUNT = /\d+(?:\.\d+)?\s*(?:元|块|万元)|[一二三四五六七八九十百千万两]+元|收费标准|不收费|免费|工本费|不收取/;
const ASKS_CHOICE = /哪(?:个|家|种|款|里的)[^\s]{0,8}(?:好|便宜|划算|靠谱|实惠)|推荐|划算|性价比|哪个牌子|靠不靠谱|靠谱[吗不么]|比较好还是|还是.{1,8}好/;

/** The question asks for an amount of money. */
export function asksAmount(question: string): boolean {
  return ASKS_AMOUNT.test(question);
}

/** The question asks which shop, brand or option is better: no entry of the hotline's recommends one. */
export function asksChoice(question: string): boolean {
  return ASKS_CHOICE.test(question);
}

/** The entry's answer states an amount or a fee (computed once per snapshot, in corpus.ts's featuresOf). */
export function givesAmount(entry: KnowledgeEntry): boolean {
  return GIVES_AMOUNT.test(entry.answer);
}

/**
 * Places beyond the city: a question about another province's rule or a
 * country abroad is answered by no entry written for this city, unless the
 * entry itself is about matters elsewhere (异地就医, 外地的事情).
 */
const ELSEWHERE = new RegExp(
  [
    '外地|外省|外市|外县|省外|市外|国外|境外|海外|异地|出国|隔壁省|隔壁市|省城|省会|老家',
    '北京|上海|天津|重庆|广州|深圳|杭州|南京|武汉|成都|西安|沈阳|长沙|郑州|济南|青岛|苏州|厦门|福州|合肥|南昌|昆明|贵阳|南宁|海口|兰州|西宁|银川|乌鲁木齐|拉萨|呼和浩特|太原|石家庄|哈尔滨|长春|大连|宁波|无锡|东莞|佛山|珠海|香港|澳门|台湾',
    '河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|海南|四川|贵州|云南|陕西|甘肃|青海|内蒙古|广西|西藏|宁夏|新疆',
    '美国|日本|韩国|泰国|英国|加拿大|澳大利亚|澳洲|德国|法国|新加坡|马来西亚|越南|俄罗斯|意大利|新西兰',
  ].join('|'),
);

/** The question is about a place beyond the city. */
export function asksElsewhere(question: string): boolean {
  return ELSEWHERE.test(question);
}

/** The entry speaks of places beyond the city: its question, alternates, keywords or answer (computed once per snapshot). */
export function speaksOfElsewhere(entry: KnowledgeEntry): boolean {
  return ELSEWHERE.test([entry.question, ...entry.alternates, ...entry.keywords, entry.answer].join(' '));
}
