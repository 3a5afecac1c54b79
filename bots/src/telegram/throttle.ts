import type { Transformer } from 'grammy';

export interface ThrottleOptions {
  /** Least time between two messages to one chat (Telegram: about 1 per second). */
  perChatMs?: number;
  /** Messages per second over all chats (Telegram: about 30). */
  perSecond?: number;
  /** Retries of a call answered 429, each after the retry_after Telegram gives. */
  maxRetries?: number;
  /** Longest wait honoured for one retry_after, in seconds. */
  maxRetryAfterSeconds?: number;
  sleep?: (ms: number) => Promise<void>;
}

const SENDING = /^(send|copy|forward|edit)/;
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A Bot API transformer that spaces out messages (per chat and overall) and
 * honours `retry_after` on 429. Slots are reserved synchronously, so
 * concurrent sends line up in call order.
 */
export function throttleTransformer(options: ThrottleOptions = {}): Transformer {
  const perChatMs = options.perChatMs ?? 1000;
  const globalGapMs = 1000 / (options.perSecond ?? 30);
  const maxRetries = options.maxRetries ?? 3;
  const maxRetryAfter = options.maxRetryAfterSeconds ?? 60;
  const sleep = options.sleep ?? defaultSleep;
  const chatNext = new Map<string, number>();
  let globalNext = 0;

  const reserve = (chatId: string | undefined): number => {
    const now = Date.now();
    let at = now;
    if (chatId !== undefined) at = Math.max(at, chatNext.get(chatId) ?? 0);
    at = Math.max(at, globalNext);
    globalNext = at + globalGapMs;
    if (chatId !== undefined) chatNext.set(chatId, at + perChatMs);
    if (chatNext.size > 10_000) for (const [id, next] of chatNext) if (next < now) chatNext.delete(id);
    return at - now;
  };

  return async (prev, method, payload, signal) => {
    const sending = SENDING.test(method);
    const chatId = (payload as { chat_id?: unknown } | undefined)?.chat_id;
    for (let attempt = 0; ; attempt++) {
      if (sending) {
        const wait = reserve(chatId === undefined ? undefined : String(chatId));
        if (wait > 0) await sleep(wait);
      }
      const res = await prev(method, payload, signal);
      if (res.ok || res.error_code !== 429 || attempt >= maxRetries) return res;
      const retryAfter = Math.min(maxRetryAfter, Math.max(1, res.parameters?.retry_after ?? 1));
      await sleep(retryAfter * 1000);
    }
  };
}
