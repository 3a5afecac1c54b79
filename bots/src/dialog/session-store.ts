import { chatInbound, chatSessions, type Db } from '@hotline/db';
import { and, eq, lt } from 'drizzle-orm';
import type { Network } from './types.ts';

export interface LoadedSession<S> {
  state: S | null;
  /** A conversation was under way and has been idle past its expiry: it is dropped. */
  expired: boolean;
}

/**
 * The dialog's state between messages, in `chat_sessions`: a half-finished
 * filing survives a restart, and expires after an idle time.
 */
export class SessionStore<S extends object> {
  readonly #db: Db;
  readonly #idleMs: number;

  constructor(db: Db, options: { idleMs: number }) {
    this.#db = db;
    this.#idleMs = options.idleMs;
  }

  async load(network: Network, chatUserId: string, now: Date): Promise<LoadedSession<S>> {
    const [row] = await this.#db
      .select()
      .from(chatSessions)
      .where(and(eq(chatSessions.network, network), eq(chatSessions.chatUserId, chatUserId)))
      .limit(1);
    if (!row?.state) return { state: null, expired: false };
    if (row.expiresAt && row.expiresAt.getTime() <= now.getTime()) return { state: null, expired: true };
    return { state: row.state as S, expired: false };
  }

  /** Saves the state (null: no conversation under way) and the time of the citizen's last message. */
  async save(network: Network, chatUserId: string, state: S | null, now: Date): Promise<void> {
    const values = {
      state: state as Record<string, unknown> | null,
      expiresAt: state ? new Date(now.getTime() + this.#idleMs) : null,
      lastInboundAt: now,
      updatedAt: now,
    };
    await this.#db
      .insert(chatSessions)
      .values({ network, chatUserId, ...values })
      .onConflictDoUpdate({ target: [chatSessions.network, chatSessions.chatUserId], set: values });
  }

  /**
   * Records a message as taken in; false when it was already (the network
   * retried it). Keyed by the network's own message id.
   */
  async firstTime(network: Network, messageKey: string, now: Date): Promise<boolean> {
    const rows = await this.#db
      .insert(chatInbound)
      .values({ network, messageKey, receivedAt: now })
      .onConflictDoNothing()
      .returning({ key: chatInbound.messageKey });
    return rows.length > 0;
  }

  /** Forgets a message taken in whose handling failed, so the network's retry is handled. */
  async forget(network: Network, messageKey: string): Promise<void> {
    await this.#db.delete(chatInbound).where(and(eq(chatInbound.network, network), eq(chatInbound.messageKey, messageKey)));
  }

  /** Drops dedupe records older than a day and sessions idle for a week. */
  async purge(now: Date): Promise<void> {
    await this.#db.delete(chatInbound).where(lt(chatInbound.receivedAt, new Date(now.getTime() - 24 * 3600_000)));
    await this.#db.delete(chatSessions).where(lt(chatSessions.updatedAt, new Date(now.getTime() - 7 * 24 * 3600_000)));
  }
}
