import type { Messages } from '../index.ts';
import { answer, ask, home } from './ask.ts';
import { common } from './common.ts';
import { faq } from './faq.ts';
import { file, letter, receipt } from './file.ts';
import { accessibility, privacy } from './legal.ts';
import { progress } from './progress.ts';
import { echoWall, figures, mailbox } from './published.ts';

export const en: Messages = { common, home, ask, answer, file, receipt, letter, progress, echoWall, figures, mailbox, faq, privacy, accessibility };
