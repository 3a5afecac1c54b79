import type { VoiceMediaSource } from '@hotline/bots';
import type { StaffRole } from '@hotline/db/enums';
import type { Actor, DomainContext, StaffActor } from '../../api/src/domain/context.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { type EmbeddedMeili, startEmbeddedMeili } from '@hotline/knowledge';
import { KnowledgeService } from '../../api/src/domain/knowledge/knowledge-service.ts';
import { KB_TOPICS } from '../../api/src/domain/knowledge/outbox.ts';
import { OutboxWorker } from '../../api/src/domain/outbox/outbox-worker.ts';
import { RateLimiter } from '../../api/src/domain/rate-limits/rate-limiter.ts';
import { seedKnowledge } from '../../api/src/seed/knowledge.ts';
import { RulesCache } from '../../api/src/domain/settings/rules.ts';
import { insertAccount } from '../../api/src/domain/staff/accounts.ts';
import { useQueryCodeKey } from '../../api/src/domain/tickets/numbers.ts';
import { createApp, type App } from '../../api/src/http/app.ts';
import { createLogger } from '../../api/src/http/logger.ts';
import { TestClock } from './clock.ts';
import { openTestDatabase, type TestDatabase } from './database.ts';

export const TEST_PASSWORD = 'test-password-2026';
/** The query-code HMAC key of every in-process test app (QUERY_CODE_KEY in production). */
export const TEST_QUERY_CODE_KEY = 'test-query-code-key-0123456789abcdef';
useQueryCodeKey(Buffer.from(TEST_QUERY_CODE_KEY));
/** The app's internal token in tests: what the portal and the chat bots of the process send. */
export const TEST_INTERNAL_TOKEN = 'test-internal-token';
/** Headers of a call from this process's own channels (portal, bots): chat filings need them. */
export const INTERNAL_HEADERS: Readonly<Record<string, string>> = { 'x-hotline-internal': TEST_INTERNAL_TOKEN };

export interface Harness {
  database: TestDatabase;
  clock: TestClock;
  rules: RulesCache;
  limiter: RateLimiter;
  app: App;
  knowledge: KnowledgeService;
  /** The Meilisearch process of this test file, when it has one. */
  meili: EmbeddedMeili | null;
  /** Kills the search server (SIGKILL), as a crash would; it is not restarted by itself. */
  stopMeili(): Promise<void>;
  /** Starts it again on the same data and port. */
  startMeili(): Promise<void>;
  /** Delivers pending outbox messages (index updates) now, as the background worker would. */
  drainOutbox(): Promise<number>;
  /** A domain context acting as `actor`, on the harness clock. */
  ctx(actor: Actor): Promise<DomainContext>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  trustProxy?: boolean;
  /**
   * `none`: no search server (search is "unavailable"); `content`: a Meilisearch
   * process of its own with 示范市's knowledge content; `empty`: the server, no entries.
   */
  knowledge?: 'none' | 'content' | 'empty';
  llm?: BaseChatModel;
  /** Proof-of-work difficulty for web and mailbox filings; off unless a test is about it. */
  powBits?: number;
  /** Where staff fetch citizens' voice messages (the official account against a local WeChat peer). */
  voice?: () => VoiceMediaSource | null;
}

/** One per test file: a database of its own, the real app on it, and a hand-moved clock. */
export async function createHarness(options: HarnessOptions = {}): Promise<Harness> {
  const database = await openTestDatabase();
  const clock = new TestClock();
  const rules = new RulesCache(database.db, 0);
  const limiter = new RateLimiter(database.db, clock.now);
  let meili: EmbeddedMeili | null = null;
  let meiliDir: string | null = null;
  let meiliPort: number | undefined;
  if (options.knowledge && options.knowledge !== 'none') {
    meiliDir = mkdtempSync(join(tmpdir(), 'hotline-meili-'));
    meili = await startEmbeddedMeili({ dir: meiliDir, supervise: false });
    meiliPort = Number(new URL(meili.url).port);
  }
  const knowledge = new KnowledgeService({
    db: database.db,
    meili: meili ? { url: meili.url, apiKey: meili.masterKey, indexUid: `kb_test_${Math.random().toString(36).slice(2, 10)}` } : null,
    llm: options.llm,
    ttlMs: 0,
    cacheSize: 0,
  });
  const worker = new OutboxWorker(database.db, { maxBackoffMs: 1_000 })
    .onBatch(KB_TOPICS.entryChanged, (messages) => knowledge.syncEntries(messages.map((m) => String(m.payload.entryId))))
    .onBatch(KB_TOPICS.vocabularyChanged, () => knowledge.syncVocabulary());
  if (options.knowledge === 'content') {
    await seedKnowledge({ db: database.db, actor: { kind: 'system', job: 'seed' }, now: clock.now, rules: await rules.get() });
  }
  if (meili) {
    await knowledge.prepareIndex();
    await worker.drain();
  }
  const app = createApp({
    database,
    rules,
    limiter,
    knowledge,
    logger: createLogger('error'),
    config: { trustProxy: options.trustProxy ?? true, cookieSecure: false, powBits: options.powBits ?? 0 },
    secret: 'test-signing-secret-0123456789abcdef',
    now: clock.now,
    internalToken: TEST_INTERNAL_TOKEN,
    ...(options.voice ? { voice: options.voice } : {}),
  });
  return {
    database,
    clock,
    rules,
    limiter,
    app,
    knowledge,
    meili,
    drainOutbox: () => worker.drain(),
    async stopMeili() {
      const current = meili;
      if (!current) return;
      current.crash();
      for (let i = 0; i < 100 && current.running(); i++) await new Promise((r) => setTimeout(r, 20));
    },
    async startMeili() {
      if (!meiliDir) throw new Error('this harness has no search server');
      meili = await startEmbeddedMeili({ dir: meiliDir, port: meiliPort, supervise: false });
    },
    async ctx(actor) {
      return { db: database.db, actor, now: clock.now, rules: await rules.get() };
    },
    async close() {
      await meili?.stop();
      if (meiliDir) rmSync(meiliDir, { recursive: true, force: true });
      await database.close();
    },
  };
}

let counter = 0;

export interface TestStaff extends StaffActor {
  token: string;
  password: string;
}

// Sessions last 12 hours on the harness clock; tests that jump days ahead
// log their staff in again instead of failing on an expired session.
const staffByToken = new Map<string, { staff: TestStaff; h: Harness }>();

async function logIn(h: Harness, username: string): Promise<string> {
  const res = await h.app.request('/api/staff/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.9.${counter % 250}.1` },
    body: JSON.stringify({ username, password: TEST_PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

/** Creates a staff account and logs it in through the API. */
export async function createStaff(h: Harness, role: StaffRole, unitId?: string): Promise<TestStaff> {
  const username = `${role.replace('_', '')}${++counter}${Math.random().toString(36).slice(2, 6)}`;
  const account = await insertAccount(h.database.db, {
    username,
    displayName: `测试${role}${counter}`,
    role,
    ...(unitId ? { unitId } : {}),
    password: TEST_PASSWORD,
  });
  const token = await logIn(h, username);
  const staff: TestStaff = { kind: 'staff', id: account.id, username, displayName: account.displayName, role, unitId: unitId ?? null, token, password: TEST_PASSWORD };
  staffByToken.set(token, { staff, h });
  return staff;
}

/** `internal`: call as this process's own channels do (the internal token). */
type RequestInit = { token?: string; headers?: Record<string, string>; internal?: boolean };

/** JSON request helpers against the in-process app. */
export function client(h: Harness) {
  const send = async (method: string, path: string, body?: unknown, init: RequestInit = {}) => {
    const headers: Record<string, string> = { ...(init.internal ? INTERNAL_HEADERS : {}), ...(init.headers ?? {}) };
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const known = init.token ? staffByToken.get(init.token) : undefined;
    if (known) headers.authorization = `Bearer ${known.staff.token}`;
    else if (init.token) headers.authorization = `Bearer ${init.token}`;
    let res = await h.app.request(path, { method, headers, body: payload });
    if (res.status === 401 && known) {
      known.staff.token = await logIn(h, known.staff.username);
      staffByToken.set(known.staff.token, known);
      headers.authorization = `Bearer ${known.staff.token}`;
      res = await h.app.request(path, { method, headers, body: payload });
    }
    const text = await res.text();
    let json: any = undefined;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, json, text };
  };
  return {
    get: (path: string, init?: RequestInit) => send('GET', path, undefined, init),
    post: (path: string, body?: unknown, init?: RequestInit) => send('POST', path, body, init),
    put: (path: string, body?: unknown, init?: RequestInit) => send('PUT', path, body, init),
    delete: (path: string, init?: RequestInit) => send('DELETE', path, undefined, init),
  };
}
