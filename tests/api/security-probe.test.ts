import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { idempotencyKeys, tickets } from '@hotline/db';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { hashRequest, registerIdempotencyInstance } from '../../api/src/domain/idempotency/idempotency.ts';
import { LIMITS } from '../../api/src/domain/rate-limits/rate-limiter.ts';
import { loadQueryCodeKey } from '../../api/src/domain/security/query-code-key.ts';
import { FREE_LOGIN_FAILURES, MAX_LOGIN_DELAY_SECONDS } from '../../api/src/domain/staff/sessions.ts';
import { LOOKUP_POW_MAX_BITS } from '../../api/src/domain/tickets/lookup.ts';
import { insertAccount } from '../../api/src/domain/staff/accounts.ts';
import { engine } from '../support/database.ts';
import { ticketBody } from '../support/factories.ts';
import { client, createHarness, createStaff, type Harness, INTERNAL_HEADERS, TEST_PASSWORD } from '../support/harness.ts';
import { solveSum, solveWork } from '../support/pow.ts';

// Issue 17: what an outside probe found (personal data in logs, query-code
// hashes a dump reveals, strangers locking citizens and staff out, a false
// "in progress" after a crash).

let h: Harness;
let api: ReturnType<typeof client>;
let server: ServerType;
let base: string;

beforeAll(async () => {
  h = await createHarness();
  api = client(h);
  // A real server over HTTP for the concurrency cases.
  server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await h.close();
});

let ip = 0;
const address = () => ({ 'x-forwarded-for': `198.18.${Math.floor(++ip / 250)}.${ip % 250}` });

async function file(overrides: Record<string, unknown> = {}) {
  const res = await api.post('/api/tickets', ticketBody(overrides), { headers: address() });
  expect(res.status, res.text).toBe(201);
  return res.json as { ticketNo: string; queryCode: string };
}

const wrongCode = (code: string, i = 0) => String((Number(code) + 1 + i) % 100_000_000).padStart(8, '0');

describe('logs', () => {
  it('hold no personal data when an insert fails: class, request id, route and status only', async () => {
    // A constraint that refuses this one filing, as a full disk or a bad migration would.
    await h.database.db.execute(sql.raw(`alter table tickets add constraint probe_refuse check (description not like '%PROBE-REFUSE%') not valid`));
    const lines: string[] = [];
    const capture = (chunk: unknown) => {
      lines.push(String(chunk));
      return true;
    };
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture as typeof process.stderr.write);
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture as typeof process.stdout.write);
    let res;
    try {
      res = await api.post(
        '/api/tickets',
        ticketBody({ description: '隐私探针 PROBE-REFUSE 和平路 12 号小区停水', contact: { name: '欧阳探针', phone: '13912345678' } }),
        { headers: { ...address(), 'x-request-id': 'probe-request-0001' } },
      );
    } finally {
      err.mockRestore();
      out.mockRestore();
      await h.database.db.execute(sql.raw('alter table tickets drop constraint probe_refuse'));
    }
    expect(res.status).toBe(500);
    const log = lines.join('');
    expect(log).not.toContain('欧阳探针');
    expect(log).not.toContain('13912345678');
    expect(log).not.toContain('PROBE-REFUSE');
    expect(log).not.toMatch(/params|h1\$|[0-9a-f]{64}/);
    const line = JSON.parse(lines.find((l) => l.includes('unhandled error'))!);
    expect(line).toMatchObject({ level: 'error', requestId: 'probe-request-0001', route: '/api/tickets', status: 500, sqlState: '23514' });
    expect(line.errorClass).toMatch(/\w+/);
  });
});

describe('query codes', () => {
  it('are stored as a keyed hash that a dump alone cannot be searched for', async () => {
    const { ticketNo, queryCode } = await file();
    const [row] = await h.database.db.select({ hash: tickets.queryCodeHash }).from(tickets).where(eq(tickets.ticketNo, ticketNo));
    expect(row!.hash).toMatch(/^h1\$[0-9a-f]{64}$/);
    // The unkeyed SHA-256 of the code (what a dump was searched with) is nowhere in it.
    expect(row!.hash).not.toContain(createHash('sha256').update(`hotline12345:query-code:${queryCode}`).digest('hex'));
    expect((await api.post('/api/tickets/lookup', { ticketNo, queryCode }, { headers: address() })).status).toBe(200);
  });

  it('of existing tickets (unkeyed SHA-256) still work and are upgraded on the next correct lookup', async () => {
    const { ticketNo, queryCode } = await file();
    const legacy = createHash('sha256').update(`hotline12345:query-code:${queryCode}`).digest('hex');
    await h.database.db.update(tickets).set({ queryCodeHash: legacy }).where(eq(tickets.ticketNo, ticketNo));
    expect((await api.post('/api/tickets/lookup', { ticketNo, queryCode: wrongCode(queryCode) }, { headers: address() })).status).toBe(404);
    const [still] = await h.database.db.select({ hash: tickets.queryCodeHash }).from(tickets).where(eq(tickets.ticketNo, ticketNo));
    expect(still!.hash).toBe(legacy);
    expect((await api.post('/api/tickets/lookup', { ticketNo, queryCode }, { headers: address() })).status).toBe(200);
    const [row] = await h.database.db.select({ hash: tickets.queryCodeHash }).from(tickets).where(eq(tickets.ticketNo, ticketNo));
    expect(row!.hash).toMatch(/^h1\$/);
    expect((await api.post('/api/tickets/lookup', { ticketNo, queryCode }, { headers: address() })).status).toBe(200);
  });

  it('take their key from QUERY_CODE_KEY or a file under DATA_DIR readable by its owner only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotline-qck-'));
    try {
      const first = loadQueryCodeKey(undefined, dir);
      expect(first.length).toBeGreaterThanOrEqual(32);
      expect(statSync(join(dir, 'query-code.key')).mode & 0o777).toBe(0o600);
      expect(loadQueryCodeKey(undefined, dir).equals(first)).toBe(true);
      expect(readFileSync(join(dir, 'query-code.key'), 'utf8').trim()).toBe(first.toString());
      expect(loadQueryCodeKey('x'.repeat(40), dir).toString()).toBe('x'.repeat(40));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('strangers guessing a ticket', () => {
  // In process: solving a challenge blocks this thread for seconds, longer than a keep-alive socket waits.
  const lookup = (body: { ticketNo: string; queryCode: string }, headers: Record<string, string> = address()) =>
    api.post('/api/tickets/lookup', body, { headers });

  it('do not lock its owner out: the right code passes with a proof of work that grows with the misses', async () => {
    const { ticketNo, queryCode } = await file();
    // Three misses cost nothing more; after them every attempt on this ticket needs work.
    for (let i = 0; i < 3; i++) expect((await lookup({ ticketNo, queryCode: wrongCode(queryCode, i) })).status).toBe(404);
    const asked = await lookup({ ticketNo, queryCode: wrongCode(queryCode, 3) });
    expect(asked.status).toBe(429);
    expect(asked.json.error.details.pow.bits).toBe(16);
    // A stranger pays for a guess and still misses.
    const pow = asked.json.error.details.pow;
    const paid = await lookup({ ticketNo, queryCode: wrongCode(queryCode, 3) }, { ...address(), 'pow-challenge': pow.challenge, 'pow-nonce': solveWork(pow.challenge, pow.bits) });
    expect(paid.status).toBe(404);
    // Many more misses from a thousand addresses (counted as the API counts them).
    for (let i = 0; i < 16; i++) await h.limiter.hit(LIMITS.lookupMissPerTicket, ticketNo);

    const owner = address();
    const first = await lookup({ ticketNo, queryCode }, owner);
    expect(first.status).toBe(429);
    const challenge = first.json.error.details.pow;
    expect(challenge.bits).toBe(LOOKUP_POW_MAX_BITS);
    // The sum a browser without scripts answers costs a guesser nothing, so it is not enough here.
    const summed = await lookup({ ticketNo, queryCode }, { ...owner, 'pow-challenge': challenge.challenge, 'pow-answer': solveSum(challenge.question) });
    expect(summed.status).toBe(429);
    const solved = await lookup({ ticketNo, queryCode }, { ...owner, 'pow-challenge': challenge.challenge, 'pow-nonce': solveWork(challenge.challenge, challenge.bits) });
    expect(solved.status).toBe(200);
    expect(solved.json.ticketNo).toBe(ticketNo);
    // Once proven, the owner's address goes on without more work (rating, photos) for the hour.
    expect((await lookup({ ticketNo, queryCode }, owner)).status).toBe(200);

    // The chat bots are trusted channels: no work asked of them.
    const bot = await lookup({ ticketNo, queryCode }, { ...INTERNAL_HEADERS, 'x-hotline-client-ip': 'chat:telegram:4242' });
    expect(bot.status).toBe(200);

    // The staff see the ticket on the warning list.
    const supervisor = await createStaff(h, 'supervisor');
    const warnings = await api.get('/api/staff/warnings', { token: supervisor.token });
    expect(warnings.status).toBe(200);
    expect(warnings.json.lookupAttacks).toContainEqual({ ticketNo, failures: 20 });
  }, 120_000);

  it('are stopped per address across tickets, even with a right code', async () => {
    const attacker = address();
    const targets = await Promise.all(Array.from({ length: 5 }, () => file()));
    // Ten misses from one address, two on each ticket (under the free misses of each).
    for (const t of targets) for (let i = 0; i < 2; i++) expect((await lookup({ ticketNo: t.ticketNo, queryCode: wrongCode(t.queryCode, i) }, attacker)).status).toBe(404);
    const limited = await lookup(targets[0]!, attacker);
    expect(limited.status).toBe(429);
    expect(limited.json.error.details.pow).toBeUndefined();
    // The owner elsewhere is not affected.
    expect((await lookup(targets[0]!)).status).toBe(200);
  });
});

describe('staff login under concurrent guessing', () => {
  const attempt = (username: string, password: string, headers: Record<string, string>) =>
    fetch(`${base}/api/staff/login`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ username, password }) }).then(
      async (r) => ({ status: r.status, json: (await r.json()) as any }),
    );

  it('checks at most the allowed number of 50 concurrent wrong passwords from 50 addresses, and the owner waits minutes at most', async () => {
    const username = `probe.staff${Math.random().toString(36).slice(2, 7)}`;
    await insertAccount(h.database.db, { username, displayName: '探针', role: 'operator', password: TEST_PASSWORD });
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => attempt(username, `wrong-password-${i}`, address())));
    const checked = results.filter((r) => r.status === 401).length;
    expect(checked).toBeLessThanOrEqual(FREE_LOGIN_FAILURES + 1);
    expect(checked).toBeGreaterThan(0);
    const refused = results.filter((r) => r.status === 429);
    expect(refused.length).toBe(50 - checked);
    expect(refused[0]!.json.error.message).toMatch(/^登录失败次数过多，请 \d+ (秒|分钟)后再试$/);
    // Even the right password waits …
    expect((await attempt(username, TEST_PASSWORD, address())).status).toBe(429);
    // … but never longer than the cap, whoever kept guessing.
    h.clock.advance({ minutes: Math.ceil((MAX_LOGIN_DELAY_SECONDS + 1) / 60) });
    expect((await attempt(username, TEST_PASSWORD, address())).status).toBe(200);
  });

  it('checks at most 20 of 200 concurrent attempts from one address', async () => {
    const from = address();
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => attempt(`nobody${i}`, 'wrong-password-1', from)));
    expect(results.filter((r) => r.status === 401).length).toBeLessThanOrEqual(LIMITS.loginFailurePerClient.limit);
    expect(results.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(200 - LIMITS.loginFailurePerClient.limit);
  });

  it('grows the wait after repeated failures of one account', async () => {
    const username = `probe.grow${Math.random().toString(36).slice(2, 7)}`;
    await insertAccount(h.database.db, { username, displayName: '探针', role: 'operator', password: TEST_PASSWORD });
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      const r = await attempt(username, 'wrong-password-9', address());
      if (r.status === 429) {
        waits.push(r.json.error.details.retryAfterSeconds);
        if (waits.length === 3) break;
        h.clock.advance({ minutes: 1 }); // the test clock moves by minutes: more than each wait
        i--;
      } else expect(r.status).toBe(401);
    }
    expect(waits).toEqual([1, 2, 4]);
    expect((await attempt(username, TEST_PASSWORD, address())).status).toBe(429);
    h.clock.advance({ minutes: 1 });
    expect((await attempt(username, TEST_PASSWORD, address())).status).toBe(200);
  });
});

describe('a retry after the server died mid-request', () => {
  it('is processed at once, not refused as in progress', async () => {
    const body = ticketBody({ description: `崩溃后重试 ${Math.random()} 和平路 12 号小区停水` });
    const now = h.clock.now();
    const row = { requestHash: hashRequest('POST /api/tickets', body), state: 'in_flight' as const, lockedAt: now, expiresAt: new Date(now.getTime() + 86_400_000) };
    if (engine === 'pglite') {
      // The previous process's key, left in flight when it was killed.
      await h.database.db.insert(idempotencyKeys).values({ key: 'crash-retry-1', ...row, instanceId: '4242' });
      const stop = await registerIdempotencyInstance(h.database);
      try {
        const retried = await api.post('/api/tickets', body, { headers: { ...address(), 'idempotency-key': 'crash-retry-1' } });
        expect(retried.status, retried.text).toBe(201);
      } finally {
        await stop();
      }
      return;
    }
    // PostgreSQL, several instances: another living instance's key is in progress; a dead one's is not.
    const stop = await registerIdempotencyInstance(h.database);
    const alive = await h.database.holdSessionLock!(12345_0002, 4343);
    try {
      await h.database.db.insert(idempotencyKeys).values([
        { key: 'crash-retry-dead', ...row, instanceId: '4242' },
        { key: 'crash-retry-alive', ...row, instanceId: '4343' },
      ]);
      const retried = await api.post('/api/tickets', body, { headers: { ...address(), 'idempotency-key': 'crash-retry-dead' } });
      expect(retried.status, retried.text).toBe(201);
      const busy = await api.post('/api/tickets', body, { headers: { ...address(), 'idempotency-key': 'crash-retry-alive' } });
      expect(busy.status).toBe(409);
      expect(busy.json.error.message).toBe('相同的请求正在处理中，请稍候');
      // Its process gone (the lock goes with its connection), the other key is free at once.
      await alive();
      const after = await api.post('/api/tickets', body, { headers: { ...address(), 'idempotency-key': 'crash-retry-alive' } });
      expect(after.status, after.text).toBe(201);
    } finally {
      await alive();
      await stop();
    }
  });
});
