import { and, eq } from 'drizzle-orm';
import { chatSessions, type Db } from '@hotline/db';

export const NETWORK = 'wechat-oa' as const;
const WINDOW_MS = 48 * 60 * 60_000;
const MESSAGES_PER_INBOUND = 5;

/**
 * WeChat's customer-service (客服) window: messages may be sent within 48
 * hours of the citizen's last message (chat_sessions.last_inbound_at, kept
 * in the database so it survives a restart), at most 5 per message of the
 * citizen. The count since the last message is kept in memory: after a
 * restart it starts again at 0, and WeChat's own refusal (45047) still closes
 * the window.
 */
export class ServiceWindow {
  readonly #db: Db;
  readonly #now: () => Date;
  readonly #sent = new Map<string, { since: number; count: number }>();

  constructor(db: Db, now: () => Date) {
    this.#db = db;
    this.#now = now;
  }

  /** The citizen wrote (or followed the account): the window opens again. */
  async recordInbound(openId: string): Promise<void> {
    const at = this.#now();
    await this.#db
      .insert(chatSessions)
      .values({ network: NETWORK, chatUserId: openId, lastInboundAt: at, updatedAt: at })
      .onConflictDoUpdate({ target: [chatSessions.network, chatSessions.chatUserId], set: { lastInboundAt: at } });
    this.#sent.set(openId, { since: at.getTime(), count: 0 });
  }

  /** How many more customer-service messages may go to this citizen now. */
  async remaining(openId: string): Promise<number> {
    const [row] = await this.#db
      .select({ lastInboundAt: chatSessions.lastInboundAt })
      .from(chatSessions)
      .where(and(eq(chatSessions.network, NETWORK), eq(chatSessions.chatUserId, openId)));
    const last = row?.lastInboundAt?.getTime();
    if (last === undefined || this.#now().getTime() - last >= WINDOW_MS) return 0;
    const sent = this.#sent.get(openId);
    const count = sent && sent.since >= last ? sent.count : 0;
    return Math.max(0, MESSAGES_PER_INBOUND - count);
  }

  consume(openId: string): void {
    const sent = this.#sent.get(openId) ?? { since: this.#now().getTime(), count: 0 };
    sent.count++;
    this.#sent.set(openId, sent);
  }

  /** WeChat refused: the window is closed whatever we counted. */
  close(openId: string): void {
    this.#sent.set(openId, { since: this.#now().getTime(), count: MESSAGES_PER_INBOUND });
  }
}
