// Redaction of personal details in a text that is about to become public
// (回音壁, 市长信箱). Pure: no database, so the staff page can show the same
// result. It errs on the side of hiding: a street name wrongly taken for a
// name costs a word, a missed phone number costs a citizen's privacy.

export type RedactionKind = 'name' | 'phone' | 'id_number' | 'bank_card' | 'number' | 'plate' | 'email' | 'account' | 'house_number';

export interface Replacement {
  kind: RedactionKind;
  original: string;
  replacement: string;
  /** Where the replacement stands in the redacted text (UTF-16 offsets), for highlighting. */
  start: number;
  end: number;
}

export interface Redacted {
  text: string;
  replacements: Replacement[];
}

export interface KnownPersonalData {
  /** Names known to belong to people in the case (the citizen's, a contact's). */
  names?: readonly (string | null | undefined)[];
  /** The address the citizen gave: its house numbers are hidden wherever it appears. */
  address?: string | null | undefined;
}

export const REDACTION_LABELS: Record<RedactionKind, string> = {
  name: '姓名',
  phone: '电话号码',
  id_number: '证件号码',
  bank_card: '银行卡号',
  number: '号码',
  plate: '车牌号',
  email: '电子邮箱',
  account: '社交账号',
  house_number: '门牌号',
};

const COMMON_SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝';
const COMPOUND_SURNAMES = ['欧阳', '司马', '诸葛', '上官', '东方', '皇甫', '令狐', '慕容', '尉迟', '公孙', '夏侯', '司徒', '端木', '长孙', '宇文', '独孤'];
/** The most common surnames only, for 老王 / 小李, where a rarer one would too often start a word (小区). */
const EVERYDAY_SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡杜叶程苏魏吕丁沈姚卢姜崔钟谭陆汪廖贾夏韦';
const SURNAME = `(?:${COMPOUND_SURNAMES.join('|')}|[${COMMON_SURNAMES}])`;
/** Characters that end a name in running text: verbs, particles and the like seldom start or continue a given name. */
const NOT_IN_NAME = '说反映在的了和与是家住向给把被要想也都就又不没很今昨打电来去到从对为因所等及称讲问告诉带找让叫请已曾还再才将会能可该于之而并或';
const GIVEN = `[\\u4e00-\\u9fa5](?<![${NOT_IN_NAME}])`;
const TITLES =
  '先生|女士|小姐|师傅|老师|经理|阿姨|大爷|大妈|大娘|大姐|大哥|老板娘|老板|医生|大夫|护士|主任|书记|科长|处长|局长|所长|队长|站长|组长|村长|社长|院长|校长|警官|民警|同志|律师|会计|老人|奶奶|爷爷|师父|工|总';
const CUES =
  '我叫|名叫|叫做|姓名[:：]?|联系人[:：]?|本人|署名|落款[:：]?|来信人[:：]?|反映人[:：]?|市民|居民|村民|业主|房东|租客|邻居|负责人|经办人|工作人员|保安|保洁|同事|儿子|女儿|丈夫|妻子|老公|老婆|母亲|父亲|我妈|我爸|孩子|学生|患者|病人|老人|司机|店主|老板';
/** Words that look like surname + title but name no one. */
const NOT_NAMES = new Set(['班主任', '文书记', '时老师', '和老师', '于先生', '向老师', '车师傅', '明老师']);

const CN_DIGITS = '零〇一二三四五六七八九十百两幺';
const PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领';

interface Span {
  start: number;
  end: number;
  kind: RedactionKind;
  /** Replace only these parts (house numbers keep their 号/栋/室); default the whole span. */
  parts?: { start: number; end: number }[];
}

/** Full-width digits, letters and separators as ASCII, one UTF-16 unit for one, so offsets stay the same. */
function asciiView(text: string): string {
  return text.replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

function digitsOf(s: string): string {
  return s.replace(/\D/g, '');
}

const DATE = /^(?:19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2}$/;

function numberKind(raw: string): RedactionKind | null {
  if (DATE.test(raw.trim())) return null;
  const digits = digitsOf(raw.replace(/^\+?86(?=[\s-]?1)/, ''));
  const tail = /[Xx]$/.test(raw.trim());
  if (tail && (digits.length === 17 || digits.length === 14)) return 'id_number';
  if (digits.length === 11 && digits.startsWith('1')) return 'phone';
  if (digits.length === 15 || digits.length === 18) return 'id_number';
  if (digits.length >= 16 && digits.length <= 19) return 'bank_card';
  if (digits.startsWith('0') && digits.length >= 10 && digits.length <= 12) return 'phone';
  if (digits.length === 7 || digits.length === 8) return 'phone';
  return digits.length >= 7 ? 'number' : null;
}

function collect(view: string, known: KnownPersonalData): Span[] {
  const spans: Span[] = [];
  const add = (re: RegExp, kind: RedactionKind | ((m: RegExpExecArray) => Span | null)) => {
    for (const m of view.matchAll(re)) {
      if (typeof kind === 'function') {
        const span = kind(m as RegExpExecArray);
        if (span) spans.push(span);
      } else spans.push({ start: m.index!, end: m.index! + m[0].length, kind });
    }
  };

  add(/[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g, 'email');
  // Chat accounts: the id after the word that introduces it.
  add(/(?:微信号?|威信|薇信|vx|VX|Vx|wx|WX|WeChat|wechat|QQ号?|qq号?|扣扣)\s*(?:号码|号|账号|id|ID)?\s*[:：是为]?\s*([A-Za-z][-_A-Za-z0-9]{4,19}|\d{5,12})/g, (m) => {
    const id = m[1]!;
    const start = m.index! + m[0].length - id.length;
    return { start, end: start + id.length, kind: 'account' };
  });
  // Licence plates: 粤B·12345, 京A 88888, 沪AD12345.
  add(new RegExp(`[${PROVINCES}]\\s?[A-Za-z][·•・.\\s-]?[A-Za-z0-9]{4,5}[A-Za-z0-9挂学警]?(?![A-Za-z0-9])`, 'g'), 'plate');
  // Runs of digits, spaces and hyphens allowed inside: phones, ID and card numbers however they are typed.
  add(/(?<![\dA-Za-z])(?:\+?86[\s-]?)?\d(?:[\s-]?\d){6,}(?:[\s-]?[Xx])?(?![\d])/g, (m) => {
    const kind = numberKind(m[0]);
    return kind ? { start: m.index!, end: m.index! + m[0].trimEnd().length, kind } : null;
  });
  // A phone number read out in Chinese digits.
  add(new RegExp(`[零〇一二三四五六七八九幺两]{7,}`, 'g'), 'number');

  // House, building, unit and room numbers: only the number goes, the word stays (幸福路×号×单元×室).
  // The number is the first group and starts the match (the look-behinds consume nothing).
  const numbered = (re: RegExp) => add(re, (m) => ({ start: m.index!, end: m.index! + m[1]!.length, kind: 'house_number' }));
  numbered(/(?<![月\d])(\d+(?:[-—－]\d+)*[A-Za-z]?)\s*(号楼|号院|号门|号|栋|幢|座|单元|室|层|楼|户|弄|巷|排|组|门|号铺|铺|弄)(?!线)/g);
  numbered(new RegExp(`(?<![月${CN_DIGITS}第])([${CN_DIGITS}]+)(号楼|号院|号|栋|幢|单元|室|层|楼)(?!线|房|梯|道|下|上)`, 'g'));
  // "3单元502" and "5栋1203": the room number after the building word.
  add(/(?:单元|栋|幢|座|号楼|号院)\s*(\d{2,5}[A-Za-z]?)(?!\d)/g, (m) => {
    const start = m.index! + m[0].length - m[1]!.length;
    return { start, end: start + m[1]!.length, kind: 'house_number' };
  });
  // "3-2-502", "12-1-301室".
  add(/(?<![\d-])\d{1,4}(?:[-—－]\d{1,4}){1,3}(?![\d-])/g, (m) => (DATE.test(m[0]) || /^\d{1,2}-\d{1,2}$/.test(m[0]) ? null : { start: m.index!, end: m.index! + m[0].length, kind: 'house_number' }));

  // Names the case itself tells us.
  for (const name of known.names ?? []) {
    const n = name?.trim();
    if (!n || [...n].length < 2) continue;
    let at = view.indexOf(n);
    while (at !== -1) {
      spans.push({ start: at, end: at + n.length, kind: 'name' });
      at = view.indexOf(n, at + n.length);
    }
  }
  // The citizen's address wherever it is repeated: its numbers go.
  if (known.address) {
    for (const m of asciiView(known.address).matchAll(/\d+/g)) {
      const digits = m[0];
      let at = view.indexOf(digits);
      while (at !== -1) {
        if (!/\d/.test(view[at - 1] ?? '') && !/\d/.test(view[at + digits.length] ?? '')) spans.push({ start: at, end: at + digits.length, kind: 'house_number' });
        at = view.indexOf(digits, at + digits.length);
      }
    }
  }
  // 张先生, 王建国主任, 欧阳老师: the name before a title (the title stays).
  add(new RegExp(`(${SURNAME}(?:${GIVEN}){0,2}?)(?=${TITLES})`, 'g'), (m) => {
    const after = view.slice(m.index! + m[0].length);
    const title = TITLES.split('|').find((t) => after.startsWith(t)) ?? '';
    if (NOT_NAMES.has(m[0] + title) || NOT_NAMES.has(m[0].slice(-1) + title)) return null;
    return { start: m.index!, end: m.index! + m[0].length, kind: 'name' };
  });
  // 我叫张三, 联系人：李四, 邻居王建国: the name after a word that introduces a person.
  add(new RegExp(`(?:${CUES})\\s*(${SURNAME}(?:${GIVEN}){1,2})`, 'g'), (m) => {
    const start = m.index! + m[0].length - m[1]!.length;
    return { start, end: start + m[1]!.length, kind: 'name' };
  });
  // 姓王的, 一位姓张的师傅.
  add(new RegExp(`姓(${SURNAME})`, 'g'), (m) => ({ start: m.index! + 1, end: m.index! + m[0].length, kind: 'name' }));
  // 老王, 小李 (followed by what ends a name).
  add(new RegExp(`[老小]([${EVERYDAY_SURNAMES}])(?=[${NOT_IN_NAME}，。、！？；：,.!?;:\\s）)]|$)`, 'g'), (m) => ({ start: m.index! + 1, end: m.index! + 2, kind: 'name' }));
  return spans;
}

const REPLACEMENT: Record<Exclude<RedactionKind, 'house_number' | 'name'>, string> = {
  phone: '［电话号码］',
  id_number: '［证件号码］',
  bank_card: '［银行卡号］',
  number: '［号码］',
  plate: '［车牌号］',
  email: '［电子邮箱］',
  account: '［社交账号］',
};

/** Overlaps are merged into the wider span; a merged span takes the kind of its widest part. */
function merge(spans: Span[]): Span[] {
  const sorted = [...spans].filter((s) => s.end > s.start).sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Span[] = [];
  for (const span of sorted) {
    const last = out.at(-1);
    if (last && span.start < last.end) {
      if (span.end > last.end) {
        const wider = span.end - span.start > last.end - last.start ? span.kind : last.kind;
        last.end = span.end;
        last.kind = wider;
      }
      continue;
    }
    out.push({ ...span });
  }
  return out;
}

/** Replaces every personal detail found in `text`; says what was replaced and where. */
export function redact(text: string, known: KnownPersonalData = {}): Redacted {
  const view = asciiView(text);
  const spans = merge(collect(view, known));
  let out = '';
  let cursor = 0;
  const replacements: Replacement[] = [];
  for (const span of spans) {
    out += text.slice(cursor, span.start);
    const original = text.slice(span.start, span.end);
    const replacement =
      span.kind === 'name'
        ? [...original].length === 1
          ? '某'
          : '某某'
        : span.kind === 'house_number'
          ? original.replace(/[0-9０-９A-Za-zＡ-Ｚａ-ｚ零〇一二三四五六七八九十百两幺]+/g, '×')
          : REPLACEMENT[span.kind];
    replacements.push({ kind: span.kind, original, replacement, start: out.length, end: out.length + replacement.length });
    out += replacement;
    cursor = span.end;
  }
  out += text.slice(cursor);
  return { text: out, replacements };
}

/**
 * The details that must never be in a published text, whoever edited it:
 * phone, ID and card numbers, and the citizen's own name and phone.
 */
export function hardIdentifiersIn(text: string, known: KnownPersonalData & { phones?: readonly (string | null | undefined)[] } = {}): string[] {
  const view = asciiView(text);
  const found: string[] = [];
  for (const span of merge(collect(view, { names: known.names }))) {
    if (span.kind === 'phone' || span.kind === 'id_number' || span.kind === 'bank_card' || (span.kind === 'name' && (known.names ?? []).some((n) => n && text.slice(span.start, span.end).includes(n)))) {
      found.push(text.slice(span.start, span.end));
    }
  }
  for (const phone of known.phones ?? []) {
    if (phone && digitsOf(view).includes(digitsOf(phone)) && digitsOf(phone).length >= 7) found.push(phone);
  }
  return [...new Set(found)];
}

/**
 * The texts of one case together: a full name found in one of them (王建国
 * after 老板 in the description) is hidden in all of them, also where no
 * word introduces it (经查，王建国经营的…).
 */
export function redactCase<K extends string>(texts: Record<K, string>, known: KnownPersonalData = {}): Record<K, Redacted> {
  const names = new Set((known.names ?? []).filter((n): n is string => !!n && [...n.trim()].length >= 2).map((n) => n.trim()));
  for (const value of Object.values<string>(texts)) {
    const view = asciiView(value);
    for (const span of collect(view, known)) {
      const found = value.slice(span.start, span.end);
      if (span.kind === 'name' && [...found].length >= 2) names.add(found);
    }
  }
  const all = { ...known, names: [...names] };
  return Object.fromEntries(Object.entries<string>(texts).map(([key, value]) => [key, redact(value, all)])) as Record<K, Redacted>;
}
