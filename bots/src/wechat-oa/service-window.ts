import { and, eq, gt, lt, sql } from 'drizzle-orm';
import { chatAdapterState, chatSessions, type Db } from '@hotline/db';

export const NETWORK = 'wechat-oa' as const;
const WINDOW_MS = 48 * 60 * 60_000;
const MESSAGES_PER_INBOUND = 5;

/**
 * WeChat's customer-service (客服) window: messages may be sent within 48
 * hours of the citizen's last message, at most 5 per message of the citizen.
 * Both the window's start and the count are in the database
 * (chat_adapter_state), so they hold across restarts and across instances:
 * a message taken in by one instance opens the window for an answer or a
 * notification sent by another, and two instances sending at once cannot
 * exceed the count (take() is one conditional update). WeChat's own refusal
 * (45047) still closes the window.
 */
export class ServiceWindow {
  readonly #db: Db;
  readonly #now: () => Date;

  constructor(db: Db, now: () => Date) {
    this.#db = db;
    this.#now = now;
  }

  /** The citizen wrote (or followed the account): the window opens again. */
  async recordInbound(openId: string): Promise<void> {
    const at = this.#now();
    await this.#db.transaction(async (tx) => {
      await tx
        .insert(chatSessions)
        .values({ network: NETWORK, chatUserId: openId, lastInboundAt: at, updatedAt: at })
        .onConflictDoUpdate({ target: [chatSessions.network, chatSessions.chatUserId], set: { lastInboundAt: at } });
      await tx
        .insert(chatAdapterState)
        .values({ network: NETWORK, chatUserId: openId, windowOpenedAt: at, windowSent: 0, updatedAt: at })
        .onConflictDoUpdate({ target: [chatAdapterState.network, chatAdapterState.chatUserId], set: { windowOpenedAt: at, windowSent: 0, updatedAt: at } });
    });
  }

  /** Takes one message of the window: false when it is closed (over 48 hours, or 5 sent since the citizen wrote). */
  async take(openId: string): Promise<boolean> {
    const now = this.#now();
    const rows = await this.#db
      .update(chatAdapterState)
      .set({ windowSent: sql`${chatAdapterState.windowSent} + 1`, updatedAt: now })
      .where(
        and(
          eq(chatAdapterState.network, NETWORK),
          eq(chatAdapterState.chatUserId, openId),
          gt(chatAdapterState.windowOpenedAt, new Date(now.getTime() - WINDOW_MS)),
          lt(chatAdapterState.windowSent, MESSAGES_PER_INBOUND),
        ),
      )
      .returning({ sent: chatAdapterState.windowSent });
    return rows.length > 0;
  }

  /** WeChat refused: the window is closed whatever we counted. */
  async close(openId: string): Promise<void> {
    await this.#db
      .update(chatAdapterState)
      .set({ windowSent: MESSAGES_PER_INBOUND, updatedAt: this.#now() })
      .where(and(eq(chatAdapterState.network, NETWORK), eq(chatAdapterState.chatUserId, openId)));
  }
}
