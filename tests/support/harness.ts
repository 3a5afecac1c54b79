import type { StaffRole } from '@hotline/db/enums';
import type { Actor, DomainContext, StaffActor } from '../../api/src/domain/context.ts';
import { RateLimiter } from '../../api/src/domain/rate-limits/rate-limiter.ts';
import { RulesCache } from '../../api/src/domain/settings/rules.ts';
import { insertAccount } from '../../api/src/domain/staff/accounts.ts';
import { createApp, type App } from '../../api/src/http/app.ts';
import { createLogger } from '../../api/src/http/logger.ts';
import { TestClock } from './clock.ts';
import { openTestDatabase, type TestDatabase } from './database.ts';

export const TEST_PASSWORD = 'test-password-2026';

export interface Harness {
  database: TestDatabase;
  clock: TestClock;
  rules: RulesCache;
  limiter: RateLimiter;
  app: App;
  /** A domain context acting as `actor`, on the harness clock. */
  ctx(actor: Actor): Promise<DomainContext>;
  close(): Promise<void>;
}

/** One per test file: a database of its own, the real app on it, and a hand-moved clock. */
export async function createHarness(options: { trustProxy?: boolean } = {}): Promise<Harness> {
  const database = await openTestDatabase();
  const clock = new TestClock();
  const rules = new RulesCache(database.db, 0);
  const limiter = new RateLimiter(database.db, clock.now);
  const app = createApp({
    database,
    rules,
    limiter,
    logger: createLogger('error'),
    config: { trustProxy: options.trustProxy ?? true, cookieSecure: false },
    now: clock.now,
  });
  return {
    database,
    clock,
    rules,
    limiter,
    app,
    async ctx(actor) {
      return { db: database.db, actor, now: clock.now, rules: await rules.get() };
    },
    close: () => database.close(),
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

/** JSON request helpers against the in-process app. */
export function client(h: Harness) {
  const send = async (method: string, path: string, body?: unknown, init: { token?: string; headers?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { ...(init.headers ?? {}) };
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
    get: (path: string, init?: { token?: string; headers?: Record<string, string> }) => send('GET', path, undefined, init),
    post: (path: string, body?: unknown, init?: { token?: string; headers?: Record<string, string> }) => send('POST', path, body, init),
    put: (path: string, body?: unknown, init?: { token?: string; headers?: Record<string, string> }) => send('PUT', path, body, init),
    delete: (path: string, init?: { token?: string; headers?: Record<string, string> }) => send('DELETE', path, undefined, init),
  };
}
