import type { echoWall as EchoSource, mailbox as MailboxSource } from '../zh-CN/published.ts';

export const echoWall: typeof EchoSource = {};
export const mailbox: typeof MailboxSource = {};
