import type { ChatButton, OutboundMessage } from '../dialog/types.ts';
import { WECHAT_COPY } from './messages.zh-CN.ts';

/** WeChat's text messages (passive replies, customer-service and Wechaty messages) hold about 2048 bytes. */
export const WECHAT_TEXT_MAX_BYTES = 2_000;

/**
 * WeChat text has no buttons: they become numbered options ("1. 是"), and the
 * citizen answers with the number. `ButtonMemory` keeps the last options
 * offered to each user so the adapter can turn "1" back into the button's
 * `reply` before the dialog sees it.
 */
export function renderText(message: OutboundMessage): string {
  if (!message.buttons?.length) return message.text;
  const options = message.buttons.map((b, i) => `${i + 1}. ${b.label}`).join('\n');
  return `${message.text}\n\n${options}\n${WECHAT_COPY.replyWithNumber}`;
}

/** Splits text into pieces of at most `maxBytes` UTF-8 bytes, at line breaks where it can, never inside a character. */
export function splitText(text: string, maxBytes = WECHAT_TEXT_MAX_BYTES): string[] {
  const encoder = new TextEncoder();
  const bytes = (s: string) => encoder.encode(s).length;
  if (bytes(text) <= maxBytes) return [text];
  const pieces: string[] = [];
  let rest = text;
  while (bytes(rest) > maxBytes) {
    // The longest prefix within the limit, by characters (code points).
    const chars = Array.from(rest);
    let size = 0;
    let cut = 0;
    for (; cut < chars.length; cut++) {
      const next = bytes(chars[cut]!);
      if (size + next > maxBytes) break;
      size += next;
    }
    let prefix = chars.slice(0, cut).join('');
    const lineBreak = prefix.lastIndexOf('\n');
    if (lineBreak > prefix.length / 2) prefix = prefix.slice(0, lineBreak + 1);
    pieces.push(prefix.trimEnd());
    rest = rest.slice(prefix.length).replace(/^\n+/, '');
  }
  if (rest.length) pieces.push(rest);
  return pieces.filter((p) => p.length > 0);
}

/** The dialog's answer as WeChat texts: options numbered, each piece within the limit. */
export function renderMessages(messages: OutboundMessage[], maxBytes = WECHAT_TEXT_MAX_BYTES): string[] {
  return messages.flatMap((m) => splitText(renderText(m), maxBytes));
}

/** Joins the answer into as few texts as fit (a passive reply carries one message). */
export function packTexts(texts: string[], maxBytes = WECHAT_TEXT_MAX_BYTES): string[] {
  const encoder = new TextEncoder();
  const packed: string[] = [];
  for (const text of texts) {
    const last = packed[packed.length - 1];
    if (last !== undefined && encoder.encode(`${last}\n\n${text}`).length <= maxBytes) packed[packed.length - 1] = `${last}\n\n${text}`;
    else packed.push(text);
  }
  return packed;
}

/**
 * The options last offered to each user, in memory (bounded): a number the
 * citizen sends back is mapped to the button's reply. Lost on restart, when
 * the number reaches the dialog as plain text (which then asks again). For
 * Wechaty, one long-lived process per account; the official account, whose
 * webhook may land on any instance, keeps them in the database
 * (offered-options.ts).
 */
export class ButtonMemory {
  readonly #offered = new Map<string, ChatButton[]>();
  readonly #limit: number;

  constructor(limit = 10_000) {
    this.#limit = limit;
  }

  /** Remembers the buttons of the last message that had any; an answer without buttons forgets them. */
  remember(userId: string, messages: OutboundMessage[]): void {
    const withButtons = [...messages].reverse().find((m) => m.buttons?.length);
    this.#offered.delete(userId);
    if (!withButtons) return;
    this.#offered.set(userId, withButtons.buttons!);
    if (this.#offered.size > this.#limit) this.#offered.delete(this.#offered.keys().next().value!);
  }

  /** The button's reply when `text` is the number of one of the options last offered, else the text itself. */
  resolve(userId: string, text: string): string {
    const index = optionIndex(text);
    const button = index === null ? undefined : this.#offered.get(userId)?.[index];
    return button ? button.reply : text;
  }
}

/** The 0-based option a reply like "1", "２" or "3." picks; null when the text is not a bare option number. */
export function optionIndex(text: string): number | null {
  const match = /^\s*([0-9０-９]{1,2})\s*[.。、]?\s*$/.exec(text);
  if (!match) return null;
  const digits = match[1]!.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
  return Number(digits) - 1;
}
