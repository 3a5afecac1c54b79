import { outbox } from '@hotline/db';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxWorker, type OutboxMessage } from '../../api/src/domain/outbox/outbox-worker.ts';
import { createTicket } from '../../api/src/domain/tickets/create.ts';
import { CreateTicketInput } from '../../api/src/domain/tickets/schemas.ts';
import { createHarness, type Harness } from '../support/harness.ts';
import { ticketBody } from '../support/factories.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

const citizen = { kind: 'citizen', channel: 'wechat', channelUserId: 'wx-openid-1' } as const;

async function pending(topic: string) {
  return h.database.db.select().from(outbox).where(sql`${outbox.topic} = ${topic} and ${outbox.processedAt} is null`);
}

describe('the outbox', () => {
  it('records a public ticket change in the same transaction, for the channel to notify', async () => {
    const { ticket } = await createTicket(await h.ctx(citizen), CreateTicketInput.parse(ticketBody({ channel: 'wechat', channelUserId: 'wx-openid-1' })));
    const rows = (await pending('ticket.public_event')).filter((r) => r.payload.ticketNo === ticket.ticketNo);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.payload).toMatchObject({ action: 'submit', status: 'submitted', channel: 'wechat', channelUserId: 'wx-openid-1' });
  });

  it('delivers at least once, retrying a failed message later, and leaves other topics alone', async () => {
    await h.database.db.insert(outbox).values([
      { topic: 'test.flaky', payload: { n: 1 } },
      { topic: 'test.flaky', payload: { n: 2 } },
      { topic: 'test.nobody-listens', payload: { n: 3 } },
    ]);
    const seen: number[] = [];
    let failures = 1;
    const worker = new OutboxWorker(h.database.db).on('test.flaky', async (m: OutboxMessage) => {
      if (m.payload.n === 1 && failures-- > 0) throw new Error('peer unavailable');
      seen.push(m.payload.n as number);
    });
    expect(await worker.drain()).toBe(2);
    expect(seen).toEqual([2]);
    const [failed] = (await pending('test.flaky')) as (typeof outbox.$inferSelect)[];
    expect(failed).toMatchObject({ attempts: 1, lastError: 'peer unavailable' });
    expect(failed!.availableAt.getTime()).toBeGreaterThan(Date.now());
    // Not due yet: nothing happens.
    expect(await worker.drain()).toBe(0);
    // Once the backoff has passed it is delivered.
    await h.database.db.update(outbox).set({ availableAt: new Date(Date.now() - 1000) }).where(eq(outbox.id, failed!.id));
    expect(await worker.drain()).toBe(1);
    expect(seen).toEqual([2, 1]);
    expect(await pending('test.flaky')).toHaveLength(0);
    expect(await pending('test.nobody-listens')).toHaveLength(1);
  });

  it('gives each message to one of several workers at a time', async () => {
    await h.database.db.insert(outbox).values(Array.from({ length: 30 }, (_, n) => ({ topic: 'test.shared', payload: { n } })));
    const seen: number[] = [];
    const handler = async (m: OutboxMessage) => {
      seen.push(m.payload.n as number);
    };
    const workers = [new OutboxWorker(h.database.db).on('test.shared', handler), new OutboxWorker(h.database.db).on('test.shared', handler)];
    await Promise.all(workers.map((w) => w.drain(7)));
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, n) => n));
  });

  it('hands a message whose worker died to another once its lease runs out', async () => {
    const [row] = await h.database.db.insert(outbox).values({ topic: 'test.lease', payload: { n: 1 } }).returning();
    // A worker claimed it and died: attempts counted, available again only after the lease.
    await h.database.db.update(outbox).set({ attempts: 1, availableAt: sql`now() + interval '5 minutes'` }).where(eq(outbox.id, row!.id));
    const seen: number[] = [];
    const worker = new OutboxWorker(h.database.db).on('test.lease', async (m) => void seen.push(m.payload.n as number));
    expect(await worker.drain()).toBe(0);
    await h.database.db.update(outbox).set({ availableAt: sql`now() - interval '1 second'` }).where(eq(outbox.id, row!.id));
    expect(await worker.drain()).toBe(1);
    expect(seen).toEqual([1]);
  });
});
