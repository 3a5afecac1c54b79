/**
 * One sentence the hotline must treat as urgent (a hazard about to fall on
 * people: 紧急工单, not a 110/119/120 call) and one it must not, filed on every
 * channel by the urgency tests: the same words get the same urgency everywhere.
 */
export const URGENT_SENTENCE = '楼顶的广告牌被大风吹得摇摇欲坠，下面是小学门口，随时可能砸到孩子';
export const NORMAL_SENTENCE = '小区门口的路灯坏了一个多星期，晚上特别黑，希望尽快修好';
