/**
 * The place a unit can find: every channel (chat, portal form, the intake
 * draft's `missing` list) asks for the same things. A matter at a fixed place
 * needs, besides the district and street, a detailed address — road and
 * number, 小区 + 楼栋, a shared location, or a landmark. A matter with no
 * fixed place (a consultation, a phone or online scam, a website or hotline)
 * may go without.
 */

/** Road and number, 小区/楼栋, village: the shapes of an address a unit can walk to. */
const ADDRESS_SHAPES = [
  /[\p{Script=Han}\d]{1,12}(?:路|街|大道|大街|巷|胡同|弄|里)\s*\d+\s*(?:号|弄)/u,
  /[\p{Script=Han}\d]{1,12}(?:小区|花园|家园|苑|大厦|公寓|新村|社区|宿舍|村|城|府|湾|庭)\s*(?:\d+|[一二三四五六七八九十]+)\s*(?:号楼|栋|幢|单元|号|期|区)/u,
  /\d+\s*(?:号楼|栋|幢|单元)/u,
  /[\p{Script=Han}\d]{2,12}(?:小区|花园|家园|公寓|新村|大厦)/u,
  /[\p{Script=Han}\d]{1,12}(?:路|街|大道|大街)(?:与|和|跟)[\p{Script=Han}\d]{1,12}(?:路|街|大道|大街)?(?:交叉口|交口|路口|口)?/u,
];

/** A landmark the unit can find, with where from it ("…门口", "…对面", "…公交站"). */
const LANDMARK =
  /[\p{Script=Han}\d]{2,14}(?:学校|小学|中学|幼儿园|医院|卫生院|公园|广场|商场|超市|市场|菜市场|银行|酒店|宾馆|车站|地铁站|公交站|站|桥|加油站|派出所|政府|大院|门口|对面|旁边|附近|路口|十字路口|交叉口|东门|西门|南门|北门|正门|后门)/u;

/** True when the text carries a detailed address (not only a district or street name). */
export function hasDetailedAddress(text: string | undefined): boolean {
  if (!text) return false;
  const t = text.replace(/\s+/g, '');
  return ADDRESS_SHAPES.some((shape) => shape.test(t)) || LANDMARK.test(t);
}

/** Matters that happen on the phone, online or by post: there is no place to go. */
const NO_FIXED_PLACE = /诈骗|骗子|骗局|被骗|电信|网络|网上|网购|网店|网站|短信|来电|电话|骚扰|app|APP|App|公众号|小程序|平台|客服|快递|热线|政策|咨询|怎么办理|如何办理|在哪里办/u;

/**
 * Whether the matter needs a place a unit can find. Consultations never do;
 * suggestions and praise only when they name none; complaints, reports and
 * help requests do unless they plainly happen on the phone or online.
 */
export function needsFixedPlace(type: string, description: string): boolean {
  if (type === 'consultation') return false;
  if (NO_FIXED_PLACE.test(description)) return false;
  return type === 'complaint' || type === 'report' || type === 'help';
}

export interface PlaceOf {
  district?: string | undefined;
  street?: string | undefined;
  address?: string | undefined;
  lat?: number | undefined;
  lng?: number | undefined;
}

/** What is still missing of the place: the district (who handles it) and the detailed address. */
export function missingPlace(type: string, description: string, location: PlaceOf | undefined): ('location' | 'address')[] {
  const loc = location ?? {};
  const missing: ('location' | 'address')[] = [];
  if (type !== 'consultation' && !loc.district && !loc.address && loc.lat === undefined) missing.push('location');
  if (needsFixedPlace(type, description) && loc.lat === undefined && !hasDetailedAddress(loc.address) && !hasDetailedAddress(description)) missing.push('address');
  return missing;
}

/** What an intake draft still needs asked (POST /api/intake/draft's `missing`): the place, the contact, and the category when none was found. */
export function draftMissing(draft: { type: string; description: string; location?: PlaceOf | undefined; category?: string | null | undefined }): ('location' | 'address' | 'contact' | 'category')[] {
  const missing: ('location' | 'address' | 'contact' | 'category')[] = [...missingPlace(draft.type, draft.description, draft.location), 'contact'];
  if (!draft.category) missing.push('category');
  return missing;
}
