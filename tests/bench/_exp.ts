import { openPostgres, newId, ticketCounters, tickets, ticketEvents, outbox, type Db } from '@hotline/db';
import { sql } from 'drizzle-orm';
import { createHash, randomInt } from 'node:crypto';
import { seedReferenceData } from '../../api/src/seed/seed.ts';
import { RulesCache } from '../../api/src/domain/settings/rules.ts';
import { RateLimiter } from '../../api/src/domain/rate-limits/rate-limiter.ts';
import { createApp } from '../../api/src/http/app.ts';
import { createLogger } from '../../api/src/http/logger.ts';
import { createTicket } from '../../api/src/domain/tickets/create.ts';
import { CreateTicketInput } from '../../api/src/domain/tickets/schemas.ts';
import { ticketBody } from './load.ts';

const database = openPostgres({ url: process.argv[2]!, poolSize: 4 });
await database.migrate();
await seedReferenceData(database.db);
const db: Db = database.db;
const rules = new RulesCache(db);
const app = createApp({ database, rules, limiter: new RateLimiter(db), logger: createLogger('warn'), config: { trustProxy: false, cookieSecure: false } });
let n = 1_000_000;

async function bare(full: boolean) {
  const body = JSON.parse(ticketBody(n++));
  const now = new Date();
  const day = '20261121';
  const [row] = await db.insert(ticketCounters).values({ day, last: 1 }).onConflictDoUpdate({ target: ticketCounters.day, set: { last: sql`${ticketCounters.last} + 1` } }).returning({ last: ticketCounters.last });
  const ticketNo = `${day}${String(row!.last).padStart(4, '0')}`;
  const id = newId();
  const qc = createHash('sha256').update(String(randomInt(0, 1e8))).digest('hex');
  await db.transaction(async (tx) => {
    const ins = tx.insert(tickets).values({ id, ticketNo, queryCodeHash: qc, type: 'complaint', categoryCode: 'utilities', subcategoryCode: 'utilities.water_outage', title: 't', description: body.description, districtCode: body.location.district, streetCode: body.location.street, address: body.location.address, citizenName: '张三', citizenPhone: body.contact.phone, channel: 'web', urgency: 'normal', status: 'submitted', version: 1, acceptDueAt: now, createdAt: now, updatedAt: now });
    if (full) await ins.returning(); else await ins;
    const ev = tx.insert(ticketEvents).values({ ticketId: id, action: 'submit', toStatus: 'submitted', actorKind: 'citizen', actorName: '诉求人', public: true, data: { channel: 'web' }, createdAt: now });
    const [e] = full ? await ev.returning() : await ev.returning({ id: ticketEvents.id });
    await tx.insert(outbox).values({ topic: 'ticket.public_event', payload: { ticketId: id, eventId: e!.id }, createdAt: now, availableAt: now });
  });
}

const variants: Record<string, () => Promise<unknown>> = {
  'JSON.parse + zod CreateTicketInput': async () => CreateTicketInput.parse(JSON.parse(ticketBody(n++))),
  'bare rows (as bench)': () => bare(false),
  'bare rows + returning() full rows': () => bare(true),
  'createTicket (domain verb, parsed input)': async () => {
    const input = CreateTicketInput.parse(JSON.parse(ticketBody(n++)));
    await createTicket({ db, actor: { kind: 'citizen', channel: 'web', channelUserId: null }, now: () => new Date(), rules: await rules.get() }, input);
  },
  'app.request POST /api/tickets (Hono stack, no socket)': async () => {
    const r = await app.request('/api/tickets', { method: 'POST', headers: { 'content-type': 'application/json' }, body: ticketBody(n++) });
    if (r.status !== 201) throw new Error(await r.text());
    await r.text();
  },
};
for (const round of [0, 1]) {
  for (const [name, fn] of Object.entries(variants)) {
    for (let i = 0; i < 200; i++) await fn();
    const N = 1500;
    const c0 = process.threadCpuUsage(); const t0 = performance.now();
    for (let i = 0; i < N; i++) await fn();
    const c = process.threadCpuUsage(c0); const t = performance.now() - t0;
    if (round === 1) console.log(`${((c.user + c.system) / N).toFixed(0).padStart(6)} µs cpu  ${(t * 1000 / N).toFixed(0).padStart(6)} µs wall  ${name}`);
  }
}
await database.close();
