import type { OutboundMessage } from './types.ts';

/**
 * Splits messages longer than a network's limit (Telegram: 4096 characters)
 * at line breaks where possible; buttons stay with the last part.
 */
export function splitMessages(messages: OutboundMessage[], limit: number): OutboundMessage[] {
  const out: OutboundMessage[] = [];
  for (const message of messages) {
    const parts = splitText(message.text, limit);
    parts.forEach((text, i) => out.push(i === parts.length - 1 && message.buttons ? { text, buttons: message.buttons } : { text }));
  }
  return out;
}

export function splitText(text: string, limit: number): string[] {
  if (limit < 1) throw new Error('limit must be positive');
  const chars = [...text];
  if (chars.length <= limit) return [text];
  const parts: string[] = [];
  let rest = chars;
  while (rest.length > limit) {
    const window = rest.slice(0, limit);
    let cut = window.lastIndexOf('\n');
    if (cut < limit / 2) {
      const sentence = Math.max(window.lastIndexOf('。'), window.lastIndexOf('；'), window.lastIndexOf('！'), window.lastIndexOf('？'));
      cut = sentence >= limit / 2 ? sentence + 1 : limit;
    }
    parts.push(rest.slice(0, cut).join('').trimEnd());
    rest = rest.slice(cut);
    while (rest[0] === '\n') rest = rest.slice(1);
  }
  if (rest.length > 0) parts.push(rest.join(''));
  return parts.filter((p) => p.length > 0);
}
