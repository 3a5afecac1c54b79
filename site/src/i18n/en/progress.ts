import type { progress as Source } from '../zh-CN/progress.ts';

export const progress: typeof Source = {};
