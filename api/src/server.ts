import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { type Database, openDatabase, safeErrorFields } from '@hotline/db';
import { type Bots, createBots, PUBLIC_EVENT_TOPIC } from '@hotline/bots';
import { createChatModel, type EmbeddedMeili, retrainIntakeModelInWorker, shippedIntakeModelStats, shippedSoftmax } from '@hotline/knowledge';
import type { Config } from './config.ts';
import { localDayOf } from './domain/calendar/local-time.ts';
import { officialYears } from './domain/calendar/working-calendar.ts';
import { registerIdempotencyInstance } from './domain/idempotency/idempotency.ts';
import { KnowledgeService } from './domain/knowledge/knowledge-service.ts';
import { RateLimiter } from './domain/rate-limits/rate-limiter.ts';
import { loadQueryCodeKey } from './domain/security/query-code-key.ts';
import { loadSigningSecret } from './domain/security/signing-secret.ts';
import { useQueryCodeKey } from './domain/tickets/numbers.ts';
import { RulesCache } from './domain/settings/rules.ts';
import { createApp, type App } from './http/app.ts';
import { createLogger, type Logger } from './http/logger.ts';
import { mountSite } from './http/site.ts';
import { BackgroundJobs } from './jobs/background-jobs.ts';
import { createDuplicateLinker } from './domain/tickets/link-duplicates.ts';
import { connectSearch } from './search-server.ts';
import { seedKnowledge } from './seed/knowledge.ts';
import { type DemoAccount, seedReferenceData, syncDemoAccounts } from './seed/seed.ts';

export interface Running {
  url: string;
  app: App;
  database: Database;
  jobs: BackgroundJobs | null;
  knowledge: KnowledgeService;
  /** The Meilisearch process started for this app, when MEILI_URL is unset. */
  meili: EmbeddedMeili | null;
  demoAccounts: DemoAccount[];
  seeded: boolean;
  /** The chat bots configured in this process (statusLines() says which are on). */
  bots: Bots;
  logger: Logger;
  close(): Promise<void>;
}

/** How long requests in flight get to finish when the server stops. */
export const SHUTDOWN_GRACE_MS = 5_000;

/**
 * Starts the whole system on one port: opens the database (PGlite under
 * DATA_DIR unless DATABASE_URL is set), applies migrations, seeds 示范市 on
 * an empty database, syncs the demo accounts, serves the API and runs the
 * background jobs.
 */
export interface StartOptions {
  database?: Database;
  logger?: Logger;
  /** Another build of the portal (a preview or a test build); default site/dist. */
  siteDir?: string;
}

export async function start(config: Config, options: StartOptions = {}): Promise<Running> {
  const logger = options.logger ?? createLogger(config.logLevel);
  // The intake model trains from the repository's data on a worker thread (about a second of CPU) while the database and search start.
  const intakeModel = shippedIntakeModelStats() ? null : retrainIntakeModelInWorker();
  // So does the answer gate's entry-softmax model (read from its disk cache once trained): the first knowledge snapshot waits for it.
  const softmaxStarted = performance.now();
  const softmax = shippedSoftmax().then((parts) => ({ trained: parts !== null, ms: performance.now() - softmaxStarted }));
  // Before the database opens: a start without its key must not file tickets.
  useQueryCodeKey(loadQueryCodeKey(config.queryCodeKey, config.dataDir));
  const database =
    options.database ?? (await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.databasePoolSize }));
  let server: ServerType | undefined;
  let jobs: BackgroundJobs | null = null;
  let meili: EmbeddedMeili | null = null;
  let bots: Bots | null = null;
  let unregister = async () => {};
  try {
    await database.migrate();
    // Requests a killed process left in flight are retried at once, not refused as "in progress".
    unregister = await registerIdempotencyInstance(database);
    const seeded = await seedReferenceData(database.db);
    const demoAccounts = await syncDemoAccounts(database.db, config.dataDir, config.demo);
    const rules = new RulesCache(database.db);
    await rules.get(); // fail now, not on the first request, if the stored rules are invalid
    warnAboutCalendar(logger);
    const limiter = new RateLimiter(database.db);

    const search = await connectSearch(config, logger);
    meili = search.embedded;
    const connection = search.connection;
    const knowledge = new KnowledgeService({
      db: database.db,
      meili: connection,
      llm: config.llm ? createChatModel(config.llm) : undefined,
      cacheSize: config.kbSearchCache,
      sharedDatabase: database.engine === 'postgres',
    });
    const systemCtx = { db: database.db, actor: { kind: 'system' as const, job: 'seed' }, now: () => new Date(), rules: await rules.get() };
    const seededKnowledge = await seedKnowledge(systemCtx);
    if (seededKnowledge.entries > 0) logger.info('knowledge content imported', seededKnowledge);
    const softmaxWait = performance.now();
    const softmaxReady = await softmax;
    logger.info('entry-softmax model ready', { trained: softmaxReady.trained, ms: Math.round(softmaxReady.ms), waitedMs: Math.round(performance.now() - softmaxWait) });
    await knowledge.prepareIndex().catch((error) => logger.warn('search index not prepared yet; it will catch up', { error: String((error as Error).message ?? error).slice(0, 300) }));

    const secret = await loadSigningSecret(database.db, config.siteSecret);
    const deps = { database, rules, limiter, knowledge, logger, config, secret, internalToken: randomBytes(24).toString('base64url'), voice: () => bots?.voice ?? null };
    const app = createApp(deps);
    // Chat bots call the API in-process, with the internal token, like the portal's pages.
    bots = createBots({
      config: config.bots,
      db: database.db,
      fetch: (request) => Promise.resolve(app.fetch(request)),
      internalToken: deps.internalToken,
      logger,
      publicUrl: config.publicUrl,
    });
    bots.mountWebhooks(app); // before the portal's catch-all
    const siteMounted = await mountSite(app, deps, options.siteDir);
    if (!siteMounted) logger.warn('portal not built: run npm run build:site');
    // Trained before the first request, not on a citizen's first message.
    if (intakeModel) {
      const waited = performance.now();
      await intakeModel;
      const modelStats = shippedIntakeModelStats();
      if (modelStats) logger.info('intake model trained', { examples: modelStats.examples, ms: Math.round(modelStats.ms), waitedMs: Math.round(performance.now() - waited) });
    }
    server = await new Promise<ServerType>((resolve, reject) => {
      const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
      s.once('error', reject);
    });
    const address = server.address() as AddressInfo;
    const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    const url = config.publicUrl ?? `http://${host}:${address.port}`;
    if (config.jobs) {
      jobs = new BackgroundJobs({ db: database.db, rules, limiter, logger, knowledge });
      // Each filing is linked to its likely duplicates (link-duplicates.ts), then status messages go
      // to citizens who filed or follow from a chat. DUPLICATE_LINKING=off skips the linking.
      const linkFiling = config.duplicateLinking ? createDuplicateLinker({ db: database.db, rules }) : null;
      const notify = bots.notify;
      jobs.outbox.on(PUBLIC_EVENT_TOPIC, async (message) => {
        await linkFiling?.(message);
        await notify(message);
      });
      jobs.start();
    }
    await bots.start();
    // Chat dedupe records older than a day and sessions idle for a week are dropped.
    const chatSessions = bots.dialog.sessions;
    const purgeChat = setInterval(() => {
      chatSessions.purge(new Date()).catch((error) => logger.warn('chat session purge failed', safeErrorFields(error)));
    }, 60 * 60_000);
    purgeChat.unref();
    const running = server;
    const runningBots = bots;
    let closing: Promise<void> | undefined;
    return {
      url,
      app,
      database,
      jobs,
      knowledge,
      meili,
      demoAccounts,
      seeded,
      logger,
      bots: runningBots,
      close() {
        closing ??= (async () => {
          await new Promise<void>((resolve) => {
            const http = running as { closeIdleConnections?: () => void; closeAllConnections?: () => void };
            // Requests in flight are answered; a keep-alive connection would hold
            // close() open for seconds, so each is closed once it falls idle, and
            // whatever is still open after the grace period is cut.
            const idle = setInterval(() => http.closeIdleConnections?.(), 100);
            const cut = setTimeout(() => http.closeAllConnections?.(), SHUTDOWN_GRACE_MS);
            running.close(() => {
              clearInterval(idle);
              clearTimeout(cut);
              resolve();
            });
          });
          clearInterval(purgeChat);
          await runningBots.stop();
          await jobs?.stop();
          await meili?.stop();
          await unregister();
          await database.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    server?.close();
    await bots?.stop().catch(() => undefined);
    await jobs?.stop();
    await meili?.stop();
    await unregister();
    await database.close();
    throw error;
  }
}

/** The official holiday schedule of a year is published in November of the year before. */
function warnAboutCalendar(logger: Logger): void {
  const today = localDayOf(new Date());
  const year = Number(today.slice(0, 4));
  const needed = today.slice(5) >= '11-01' ? [year, year + 1] : [year];
  const missing = needed.filter((y) => !officialYears().includes(y));
  if (missing.length > 0) {
    logger.warn('working calendar: official holiday schedule missing', {
      years: missing,
      hint: `chinese-days 数据包尚未收录 ${missing.join('、')} 年的放假调休安排：已按法定节日推算，请管理员在工作日历中录入调休上班日（PUT /api/staff/admin/calendar/{day}），或升级 chinese-days。`,
    });
  }
}
