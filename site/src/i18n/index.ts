import { en } from './en/index.ts';
import { zhCN } from './zh-CN/index.ts';

// All portal copy lives in these message files: zh-CN is the source, en
// mirrors its shape (the type checker holds it to every key).

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export type Messages = typeof zhCN;

const CATALOGS: Record<Locale, Messages> = { 'zh-CN': zhCN, en };

export const isLocale = (value: unknown): value is Locale => typeof value === 'string' && (LOCALES as readonly string[]).includes(value);

export function messages(locale: Locale): Messages {
  return CATALOGS[locale];
}
