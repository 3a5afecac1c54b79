import { CATEGORY_TEMPLATES, GENERAL_TEMPLATES, type ReplyTemplate } from '../i18n/zh-CN/reply-templates.ts';

export type { ReplyTemplate };

/** What a template's placeholders are filled from. */
export interface TemplateTicket {
  title: string;
  category: string | null;
  districtName: string | null;
  streetName: string | null;
  leadUnitName: string | null;
  createdAt: string;
}

/** The templates offered for a ticket: its category's first, then those for any ticket. */
export function templatesFor(category: string | null): ReplyTemplate[] {
  const first = category?.split('.')[0] ?? '';
  return [...(CATEGORY_TEMPLATES[first] ?? []), ...GENERAL_TEMPLATES];
}

/** 2026年12月4日, in the city's time zone. */
function chineseDate(iso: string): string {
  const parts = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'numeric', day: 'numeric' }).formatToParts(new Date(iso));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}年${get('month')}月${get('day')}日`;
}

/** The template's text with {title}, {place}, {filedDate} and {unit} filled from the ticket; 【…】 are left for the handler. */
export function fillTemplate(template: ReplyTemplate, ticket: TemplateTicket): string {
  const values: Record<string, string> = {
    title: ticket.title,
    place: [ticket.districtName, ticket.streetName].filter(Boolean).join(''),
    filedDate: chineseDate(ticket.createdAt),
    unit: ticket.leadUnitName ?? '我单位',
  };
  return template.text.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}

/** Whether a reply still holds a template's 【to fill】 mark. */
export function hasUnfilledMark(text: string): boolean {
  return /【[^】]*】/.test(text);
}

/** A knowledge entry's Markdown answer as the plain text a citizen reads on the progress page. */
export function plainAnswer(markdown: string): string {
  return markdown
    .replace(/\r\n/g, '\n')
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]+)\]\(([^)]+)\)/g, '$1（$2）')
    .replace(/^#{1,6}\s*/gm, '')
    .replace(/^\s*[-*+]\s+/gm, '· ')
    .replace(/\*\*([^*]+)\*\*|__([^_]+)__/g, '$1$2')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
