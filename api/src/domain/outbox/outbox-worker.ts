import { type Db, outbox, safeErrorFields } from '@hotline/db';
import { and, asc, eq, inArray, isNotNull, isNull, lt, lte, sql } from 'drizzle-orm';

export interface OutboxMessage {
  id: number;
  topic: string;
  payload: Record<string, unknown>;
  attempts: number;
}

/** Must be idempotent: a message is delivered at least once, and again after a crash mid-way. */
export type OutboxHandler = (message: OutboxMessage) => Promise<void>;
/** Handles all due messages of a topic in a batch at once (e.g. one index update for many entries). */
export type OutboxBatchHandler = (messages: OutboxMessage[]) => Promise<void>;

const DEFAULT_MAX_BACKOFF_MS = 10 * 60_000;
const LEASE_MS = 5 * 60_000;

/**
 * Delivers outbox rows to the handlers registered for their topic. Rows are
 * claimed with FOR UPDATE SKIP LOCKED, so several instances can run workers
 * side by side; a failure is retried with exponential backoff. Topics with
 * no handler in this process are left for a process that has one.
 */
export class OutboxWorker {
  readonly #db: Db;
  readonly #handlers = new Map<string, { each?: OutboxHandler; batch?: OutboxBatchHandler }>();
  readonly #maxBackoffMs: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;
  #stopped = false;

  constructor(db: Db, options: { maxBackoffMs?: number } = {}) {
    this.#db = db;
    this.#maxBackoffMs = options.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS;
  }

  /** Each message on its own: one failing does not hold back the others. */
  on(topic: string, handler: OutboxHandler): this {
    this.#handlers.set(topic, { each: handler });
    return this;
  }

  /** All due messages of the topic together: they succeed or are retried together. */
  onBatch(topic: string, handler: OutboxBatchHandler): this {
    this.#handlers.set(topic, { batch: handler });
    return this;
  }

  /** Processes what is due now, in batches; returns how many messages were handled. */
  async drain(batchSize = 50): Promise<number> {
    if (this.#handlers.size === 0) return 0;
    let total = 0;
    for (;;) {
      const handled = await this.#batch(batchSize);
      total += handled;
      if (handled < batchSize) return total;
    }
  }

  async #batch(batchSize: number): Promise<number> {
    const topics = [...this.#handlers.keys()];
    // Claim a batch in a short transaction by pushing its availability past
    // a lease; handlers then run outside any transaction (PGlite has one
    // connection, and a handler may wait on the network). If this process
    // dies, the lease runs out and another worker takes the rows.
    const rows = await this.#db.transaction(async (tx) => {
      const due = await tx
        .select()
        .from(outbox)
        .where(and(isNull(outbox.processedAt), lte(outbox.availableAt, sql`now()`), inArray(outbox.topic, topics)))
        .orderBy(asc(outbox.id))
        .limit(batchSize)
        .for('update', { skipLocked: true });
      if (due.length > 0) {
        await tx
          .update(outbox)
          .set({ availableAt: sql`now() + ${`${LEASE_MS} milliseconds`}::interval`, attempts: sql`${outbox.attempts} + 1` })
          .where(inArray(outbox.id, due.map((r) => r.id)));
      }
      return due;
    });
    const byTopic = new Map<string, typeof rows>();
    for (const row of rows) byTopic.set(row.topic, [...(byTopic.get(row.topic) ?? []), row]);
    for (const [topic, batch] of byTopic) {
      const { each, batch: onBatch } = this.#handlers.get(topic)!;
      const groups = onBatch ? [batch] : batch.map((row) => [row]);
      for (const group of groups) {
        const messages = group.map((row) => ({ id: row.id, topic: row.topic, payload: row.payload, attempts: row.attempts }));
        await this.#deliver(group.map((r) => r.id), Math.max(...group.map((r) => r.attempts)), () =>
          onBatch ? onBatch(messages) : each!(messages[0]!),
        );
      }
    }
    return rows.length;
  }

  /** Delivered messages are kept a while for inspection, then dropped. */
  async purgeDelivered(olderThan: Date): Promise<void> {
    await this.#db.delete(outbox).where(and(isNotNull(outbox.processedAt), lt(outbox.processedAt, olderThan)));
  }

  async #deliver(ids: number[], attempts: number, handle: () => Promise<void>): Promise<void> {
    try {
      await handle();
      await this.#db.update(outbox).set({ processedAt: sql`now()`, lastError: null }).where(inArray(outbox.id, ids));
    } catch (error) {
      const delay = Math.min(this.#maxBackoffMs, 1000 * 2 ** attempts);
      await this.#db
        .update(outbox)
        .set({
          lastError: String((error as Error)?.message ?? error).slice(0, 1000),
          availableAt: sql`now() + ${`${delay} milliseconds`}::interval`,
        })
        .where(inArray(outbox.id, ids));
    }
  }

  start(intervalMs = 1000): void {
    this.#stopped = false;
    const tick = async () => {
      if (this.#stopped) return;
      this.#running = this.drain().catch((error) => {
        console.error(JSON.stringify({ level: 'error', msg: 'outbox worker failed', ...safeErrorFields(error) }));
        return 0;
      });
      await this.#running;
      if (!this.#stopped) this.#timer = setTimeout(tick, intervalMs);
    };
    this.#timer = setTimeout(tick, intervalMs);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#running;
  }
}
