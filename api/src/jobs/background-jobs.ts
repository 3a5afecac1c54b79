import { randomBytes } from 'node:crypto';
import { chatAdapterState, type Db, safeErrorFields } from '@hotline/db';
import { lt } from 'drizzle-orm';
import type { DomainContext } from '../domain/context.ts';
import { purgeUploadDrafts } from '../domain/attachments/upload-drafts.ts';
import { type DetectResult, detectHotspots, HOTSPOT_PUSH_TOPIC } from '../domain/hotspots/detect.ts';
import { createLeaderSenders, type HotspotConfig, loadHotspotConfig } from '../domain/hotspots/leader-senders.ts';
import { pushHandler } from '../domain/hotspots/push.ts';
import { purgeExpiredKeys } from '../domain/idempotency/idempotency.ts';
import { refreshMetricRollups, type RollupRefresh } from '../domain/metrics/rollups.ts';
import type { KnowledgeService } from '../domain/knowledge/knowledge-service.ts';
import { KB_TOPICS } from '../domain/knowledge/outbox.ts';
import { OutboxWorker } from '../domain/outbox/outbox-worker.ts';
import type { RateLimiter } from '../domain/rate-limits/rate-limiter.ts';
import type { RulesCache } from '../domain/settings/rules.ts';
import { purgeExpiredSessions } from '../domain/staff/sessions.ts';
import { autoCloseUnrated } from '../domain/tickets/close.ts';
import type { Logger } from '../http/logger.ts';
import { claimJobPeriod } from './job-claims.ts';
import { INTAKE_RETRAIN_JOB, inRetrainWindow, lastRetrainStart, type RetrainResult, retrainFromCorrections } from './intake-retraining.ts';

/**
 * Periodic work of one process: the outbox worker, closing unrated replies,
 * and clean-up of expired sessions, keys and counters. Every job is safe to
 * run on several instances at once (conditional updates, SKIP LOCKED); the
 * outbox worker runs on every instance (each message is claimed by one),
 * housekeeping runs once per period across all of them (job_runs).
 */
export class BackgroundJobs {
  readonly outbox: OutboxWorker;
  /** This process among the instances sharing the database (job_runs.instance). */
  readonly instance = randomBytes(6).toString('hex');
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #db: Db;
  readonly #rules: RulesCache;
  readonly #limiter: RateLimiter;
  readonly #logger: Logger;
  readonly #knowledge: KnowledgeService;
  readonly #hotspots: HotspotConfig;
  /** The nightly retraining (job_runs) this process's intake model includes; null: only the shipped files. */
  #retrainedFor: Date | null = null;

  constructor(deps: { db: Db; rules: RulesCache; limiter: RateLimiter; logger: Logger; knowledge: KnowledgeService; hotspots?: HotspotConfig }) {
    this.#db = deps.db;
    this.#hotspots = deps.hotspots ?? loadHotspotConfig();
    this.#rules = deps.rules;
    this.#limiter = deps.limiter;
    this.#logger = deps.logger;
    this.#knowledge = deps.knowledge;
    // Short backoff: when the search server comes back, the index should catch up within seconds.
    this.outbox = new OutboxWorker(deps.db, { maxBackoffMs: 30_000 });
    this.outbox.onBatch(KB_TOPICS.entryChanged, (messages) =>
      this.#knowledge.syncEntries(messages.map((m) => String(m.payload.entryId))),
    );
    this.outbox.onBatch(KB_TOPICS.vocabularyChanged, () => this.#knowledge.syncVocabulary());
    // New hot-spot warnings to the configured leaders (HOTSPOT_LEADERS).
    this.outbox.on(HOTSPOT_PUSH_TOPIC, pushHandler(deps.db, this.#hotspots, createLeaderSenders(this.#hotspots)));
  }

  /** One run of the hot-spot detector (热点预警), as of `now`. */
  async runHotspots(now = new Date()): Promise<DetectResult> {
    const ctx: DomainContext = { db: this.#db, actor: { kind: 'system', job: 'hotspots' }, now: () => now, rules: await this.#rules.get() };
    return detectHotspots(ctx);
  }

  /** The detector once per HOTSPOT_INTERVAL_SECONDS across all instances (job_runs). */
  async runHotspotsOnce(now = new Date()): Promise<DetectResult | null> {
    if (!(await claimJobPeriod(this.#db, 'hotspots', this.#hotspots.intervalMs * 0.9, this.instance))) return null;
    return this.runHotspots(now);
  }

  /**
   * The metrics' daily rollups brought up to the event log (domain/metrics/rollups.ts),
   * once per period across the instances (job_runs); the first run on a database
   * builds them all (minutes at 800,000 tickets). The dashboard also refreshes before
   * each read; this keeps that refresh small. A refresh already running elsewhere
   * (the rollups' state row is locked) is left to finish: this one returns 'busy'.
   */
  async runMetricRollupsOnce(periodMs = 60_000): Promise<RollupRefresh | null> {
    if (!(await claimJobPeriod(this.#db, 'metric-rollups', periodMs * 0.9, this.instance))) return null;
    return refreshMetricRollups(this.#db, {
      skipIfBusy: true,
      onBuildStart: () => this.#logger.info('metric rollups: building every day from the raw tickets (minutes at volume)', { instance: this.instance }),
    });
  }

  async runHousekeeping(now = new Date()): Promise<{ closed: number }> {
    const ctx: DomainContext = { db: this.#db, actor: { kind: 'system', job: 'auto-close' }, now: () => now, rules: await this.#rules.get() };
    const { closed } = await autoCloseUnrated(ctx);
    await purgeExpiredSessions(this.#db, now);
    await purgeExpiredKeys(this.#db, now);
    await purgeUploadDrafts(this.#db, now);
    await this.#limiter.purge();
    await this.outbox.purgeDelivered(new Date(now.getTime() - 30 * 24 * 3600_000));
    // Chat adapters' per-citizen state after a week of silence: the window closed long ago, the options mean nothing.
    await this.#db.delete(chatAdapterState).where(lt(chatAdapterState.updatedAt, new Date(now.getTime() - 7 * 24 * 3600_000)));
    // A safety net behind the outbox: repair whatever differs between the database and the index.
    await this.#knowledge
      .prepareIndex()
      .then(({ repaired }) => repaired > 0 && this.#logger.warn('search index repaired', { repaired }))
      .catch(() => undefined);
    return { closed };
  }

  /**
   * Runs housekeeping if no instance has in this period (most of a period:
   * timers drift, and the instances' timers are out of phase).
   */
  async runHousekeepingOnce(periodMs: number): Promise<{ closed: number } | null> {
    if (!(await claimJobPeriod(this.#db, 'housekeeping', periodMs * 0.9, this.instance))) {
      this.#logger.debug('housekeeping: another instance has run it this period', { instance: this.instance });
      return null;
    }
    this.#logger.debug('housekeeping: running', { instance: this.instance });
    return this.runHousekeeping();
  }

  /**
   * The nightly retraining of the intake model from dispatchers' corrections.
   * In the night window one instance claims the night's run (job_runs) and
   * retrains; every other instance, and any started since, sees the newer run
   * and retrains its own model too (each process holds its model in memory).
   * Returns null when this process's model is already up to date.
   */
  async runIntakeRetrainingOnce(now = new Date()): Promise<RetrainResult | null> {
    const claimed = inRetrainWindow(now) && (await claimJobPeriod(this.#db, INTAKE_RETRAIN_JOB, 20 * 3600_000, this.instance));
    const last = await lastRetrainStart(this.#db);
    if (!claimed && (!last || (this.#retrainedFor && last.getTime() <= this.#retrainedFor.getTime()))) return null;
    const result = await retrainFromCorrections(this.#db);
    // The answer chain's classifier learns the office's labelled questions (direct answers) at its next snapshot.
    this.#knowledge.invalidate();
    this.#retrainedFor = last;
    this.#logger.info('intake model retrained', { ...result, claimed, instance: this.instance });
    return result;
  }

  start({ housekeepingMs = 10 * 60_000, retrainCheckMs = 60 * 60_000, metricRollupsMs = 60_000 } = {}): void {
    this.outbox.start();
    const housekeeping = () =>
      this.runHousekeepingOnce(housekeepingMs)
        .then((ran) => ran && ran.closed > 0 && this.#logger.info('auto-closed unrated replies', { closed: ran.closed }))
        .catch((error) => this.#logger.error('housekeeping failed', safeErrorFields(error)));
    this.#timers.push(setTimeout(housekeeping, 5_000), setInterval(housekeeping, housekeepingMs));
    const retrain = () => this.runIntakeRetrainingOnce().catch((error) => this.#logger.error('intake retraining failed', safeErrorFields(error)));
    this.#timers.push(setInterval(retrain, retrainCheckMs));
    const hotspots = () =>
      this.runHotspotsOnce()
        .then((ran) => ran && (ran.raised.length > 0 || ran.updated.length > 0) && this.#logger.info('hot spots', { raised: ran.raised.length, updated: ran.updated.length, ms: ran.ms }))
        .catch((error) => this.#logger.error('hot-spot detection failed', safeErrorFields(error)));
    this.#timers.push(setTimeout(hotspots, 15_000), setInterval(hotspots, this.#hotspots.intervalMs));
    const rollups = () =>
      this.runMetricRollupsOnce(metricRollupsMs)
        .then((ran) => {
          if (ran?.kind === 'built') this.#logger.info('metric rollups built', { tickets: ran.tickets, days: ran.days, ms: ran.ms });
          else if (ran?.kind === 'refreshed') this.#logger.debug('metric rollups refreshed', { tickets: ran.tickets, days: ran.days, ms: ran.ms });
        })
        .catch((error) => this.#logger.error('metric rollups failed', safeErrorFields(error)));
    this.#timers.push(setTimeout(rollups, 10_000), setInterval(rollups, metricRollupsMs));
  }

  async stop(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer);
    await this.outbox.stop();
  }
}
