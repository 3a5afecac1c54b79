import type { file as FileSource, letter as LetterSource, receipt as ReceiptSource } from '../zh-CN/file.ts';

export const file: typeof FileSource = {};
export const receipt: typeof ReceiptSource = {};
export const letter: typeof LetterSource = {};
