import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { idempotencyKeys, openPglite, tickets } from '@hotline/db';
import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ticketBody } from '../support/factories.ts';
import { eventually, killStarted, meiliProcessesOf, type Started, startSystem, stopSystem } from './start-helpers.ts';

// Issue 17: kill -9 the server while ten citizens file with Idempotency-Keys,
// three times over. No acknowledged ticket may be lost, none filed twice, one
// Meilisearch per data directory after each restart, and a request that was
// in flight when the server died is processed on its first retry (not 409
// "相同的请求正在处理中" for a minute).

const CYCLES = 3;
/** More kills, up to this many, when none of the first caught a request mid-transaction (a matter of timing on a loaded machine). */
const MAX_CYCLES = 6;
const FILERS = 10;
const FILING_MS = 1_500;

let dataDir: string;
const env = () => ({ DATA_DIR: dataDir, DATABASE_URL: '', POW_BITS: '0', TRUST_PROXY: '1', JOBS: '0' });

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'hotline-crash-'));
});
afterEach(killStarted);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

interface Filing {
  key: string;
  body: ReturnType<typeof ticketBody>;
}
interface Acknowledged {
  ticketNo: string;
  queryCode: string;
  description: string;
}

let ip = 0;
const nextIp = () => `198.19.${Math.floor(++ip / 250) % 250}.${(ip % 250) + 1}`;

function post(url: string, filing: Filing): Promise<Response> {
  return fetch(`${url}/api/tickets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': filing.key, 'x-forwarded-for': nextIp() },
    body: JSON.stringify(filing.body),
  });
}

/** What is in flight in the database while no server runs (the killed one's claims). */
async function inFlightKeys(): Promise<number> {
  const database = await openPglite({ dataDir });
  try {
    const rows = await database.db.select({ key: idempotencyKeys.key }).from(idempotencyKeys).where(eq(idempotencyKeys.state, 'in_flight'));
    return rows.length;
  } finally {
    await database.close();
  }
}

describe('kill -9 under concurrent filing', { timeout: 600_000 }, () => {
  it('loses no acknowledged ticket, files none twice, runs one Meilisearch, and takes a retry at once', async () => {
    const acknowledged: Acknowledged[] = [];
    let pending: Filing[] = [];
    let retried = 0;
    let inFlightAtKills = 0;
    const unexpected: string[] = [];

    const acknowledge = async (filing: Filing, res: Response) => {
      const body = (await res.json()) as { ticketNo: string; queryCode: string };
      acknowledged.push({ ticketNo: body.ticketNo, queryCode: body.queryCode, description: filing.body.description });
    };

    let server: Started | null = null;
    for (let cycle = 0; ; cycle++) {
      server = await startSystem(env());
      const url = server.url;
      expect(meiliProcessesOf(dataDir), `Meilisearch processes on the data directory after start ${cycle + 1}`).toHaveLength(1);

      // Requests the dead server never answered: the same key and body again, once each.
      for (const filing of pending) {
        const res = await post(url, filing);
        if (res.status !== 201) unexpected.push(`retry ${filing.key}: ${res.status} ${await res.text()}`);
        else await acknowledge(filing, res);
        retried++;
      }
      pending = [];
      if (cycle >= CYCLES && (inFlightAtKills > 0 || cycle >= MAX_CYCLES)) break;

      // Ten citizens file until the server dies under them.
      let killed = false;
      const filer = async () => {
        while (!killed) {
          const key = randomUUID();
          const filing: Filing = { key, body: ticketBody({ description: `崩溃测试 ${key}：和平路 12 号小区从昨晚开始停水，至今没有来水。` }) };
          let res: Response;
          try {
            res = await post(url, filing);
          } catch {
            pending.push(filing); // no answer: the citizen's client retries after the restart
            return;
          }
          if (res.status === 201) await acknowledge(filing, res).catch(() => pending.push(filing));
          else unexpected.push(`filing: ${res.status} ${await res.text()}`);
        }
      };
      const filers = Array.from({ length: FILERS }, filer);
      await new Promise((r) => setTimeout(r, FILING_MS));
      server.child.kill('SIGKILL');
      killed = true;
      await server.exited;
      await Promise.all(filers);
      // The embedded Meilisearch goes with its server (or is stopped by the next start).
      await eventually(() => meiliProcessesOf(dataDir).length === 0, 5_000);
      inFlightAtKills += await inFlightKeys();
    }

    // Every acknowledged ticket answers its owner.
    for (const t of acknowledged) {
      const res = await fetch(`${server!.url}/api/tickets/lookup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': nextIp() },
        body: JSON.stringify({ ticketNo: t.ticketNo, queryCode: t.queryCode }),
      });
      if (res.status !== 200) unexpected.push(`lookup ${t.ticketNo}: ${res.status}`);
    }
    expect(await stopSystem(server!)).toBe(0);

    expect(unexpected).toEqual([]);
    expect(acknowledged.length).toBeGreaterThan(CYCLES * FILERS);
    // The kills did catch requests in flight, and each was processed on its first retry.
    expect(retried).toBeGreaterThan(0);
    expect(inFlightAtKills).toBeGreaterThan(0);

    const database = await openPglite({ dataDir });
    try {
      const duplicates = await database.db
        .select({ description: tickets.description, n: sql<number>`count(*)::int` })
        .from(tickets)
        .where(sql`${tickets.description} like '崩溃测试 %'`)
        .groupBy(tickets.description)
        .having(sql`count(*) > 1`);
      expect(duplicates).toEqual([]);
      const stored = await database.db
        .select({ ticketNo: tickets.ticketNo })
        .from(tickets)
        .where(inArray(tickets.ticketNo, acknowledged.map((t) => t.ticketNo)));
      expect(stored).toHaveLength(new Set(acknowledged.map((t) => t.ticketNo)).size);
      expect(new Set(acknowledged.map((t) => t.description)).size).toBe(acknowledged.length);
    } finally {
      await database.close();
    }
  });
});
