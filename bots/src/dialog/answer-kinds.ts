import { hasDetailedAddress } from '@hotline/knowledge/chains/place';

/**
 * What an answer plainly is, whatever was asked: a phone number, a time, an
 * address. Each step of the filing checks its answer against these, so an
 * address given at the time question is not stored as the time.
 */

const PHONE = /(1[3-9]\d{9})|(0\d{2,3}-?\d{7,8})/;

/** Words of a time of occurrence (not "号", which is also a house number). */
const TIME =
  /刚刚|刚才|今天|昨天|前天|今早|今晚|昨晚|昨夜|上午|下午|晚上|早上|早晨|凌晨|中午|夜里|半夜|深夜|傍晚|白天|\d{1,2}\s*[点:：]|[一二三四五六七八九十两]+点|\d{1,2}\s*月|\d{1,2}\s*日|上周|本周|这周|上个月|这个月|星期|周[一二三四五六日末]|礼拜|小时|分钟|一直|经常|每天|天天|每晚|每周|最近|近期|前几天|这几天|几天|好久|很久|长期|多年|去年|今年|现在|目前|持续|至今|多月|多天|\d+\s*天|\d+\s*年|[一二两三四五六七八九十几半多]+个?(?:年|月|天|周|星期|礼拜|小时)/u;

export function phoneIn(text: string): string | undefined {
  return text.replace(/[\s-]/g, '').match(PHONE)?.[0];
}

export function hasTime(text: string): boolean {
  return TIME.test(text.replace(PHONE, ''));
}

/** An address and nothing of a time: "人民路 5 号" is a place, "昨天晚上" is not. */
export function isAddress(text: string): boolean {
  const t = text.replace(PHONE, '');
  return hasDetailedAddress(t) && !hasTime(t);
}

/** Without the phone number and its label words ("电话"), what is left of an answer. */
export function withoutPhone(text: string): string {
  return text
    .replace(/[\d-]{7,}/g, '')
    .replace(/(电话|手机|手机号|号码|联系方式)[:：是]?/g, '')
    .replace(/^[\s,，。:：;；]+|[\s,，。:：;；]+$/g, '');
}
