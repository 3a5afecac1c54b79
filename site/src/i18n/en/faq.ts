import type { faq as Source } from '../zh-CN/faq.ts';

export const faq: typeof Source = {};
