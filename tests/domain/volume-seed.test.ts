import { ticketDispatches, ticketDuplicateLinks, ticketEvents, tickets } from '@hotline/db';
import { asc } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRules, type Rules } from '../../api/src/domain/settings/rules.ts';
import { canTransition, type TicketAction } from '../../api/src/domain/tickets/state-machine.ts';
import { acceptDue, dispatchDueTimes } from '../../api/src/domain/time-limits/due-times.ts';
import { seedVolume, type VolumeResult } from '../../api/src/seed/volume.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';

// npm run seed:volume writes rows as the state machine would have left them,
// without calling it. Here a small volume is seeded and every ticket's
// history is replayed through the machine's transition table and the
// domain's own due-time rules.

const NOW = new Date('2026-11-20T10:00:00+08:00');
let database: TestDatabase;
let rules: Rules;
let seeded: VolumeResult;
let rows: (typeof tickets.$inferSelect)[];
let eventsByTicket: Map<string, (typeof ticketEvents.$inferSelect)[]>;
let dispatchesByTicket: Map<string, (typeof ticketDispatches.$inferSelect)[]>;

function groupBy<T extends { ticketId: string }>(list: T[]) {
  const map = new Map<string, T[]>();
  for (const item of list) map.set(item.ticketId, [...(map.get(item.ticketId) ?? []), item]);
  return map;
}

beforeAll(async () => {
  database = await openTestDatabase();
  rules = await loadRules(database.db);
  // 60 days so that the open statuses are well represented next to the closed ones.
  seeded = await seedVolume(database.db, { tickets: 300, days: 60, now: NOW, seed: 7, batchSize: 70 });
  rows = await database.db.select().from(tickets);
  eventsByTicket = groupBy(await database.db.select().from(ticketEvents).orderBy(asc(ticketEvents.id)));
  dispatchesByTicket = groupBy(await database.db.select().from(ticketDispatches).orderBy(asc(ticketDispatches.id)));
});
afterAll(() => database.close());

describe('seed:volume', () => {
  it('writes the tickets it reports, across channels, types and statuses', () => {
    expect(rows).toHaveLength(300);
    expect(seeded.tickets).toBe(300);
    expect([...eventsByTicket.values()].flat()).toHaveLength(seeded.events);
    expect(new Set(rows.map((t) => t.channel))).toEqual(new Set(['phone', 'web', 'wechat', 'mailbox', 'telegram']));
    expect(new Set(rows.map((t) => t.type)).size).toBeGreaterThanOrEqual(5);
    const statuses = new Set(rows.map((t) => t.status));
    for (const status of ['closed', 'in_progress', 'replied', 'rejected']) expect(statuses).toContain(status);
    expect(statuses.size).toBeGreaterThanOrEqual(6);
    expect(new Set(rows.map((t) => t.districtCode)).size).toBe(rules.catalog.districts.size);
    expect(rows.every((t) => t.createdAt <= NOW && t.createdAt.getTime() > NOW.getTime() - 61 * 86_400_000)).toBe(true);
  });

  it("replays every ticket's events as a valid path of the state machine ending in its status", () => {
    for (const ticket of rows) {
      const events = eventsByTicket.get(ticket.id) ?? [];
      expect(events[0], ticket.ticketNo).toMatchObject({ action: 'submit', fromStatus: null, toStatus: 'submitted' });
      expect(events[0]!.createdAt.getTime()).toBe(ticket.createdAt.getTime());
      let status: string | null = null;
      let at = 0;
      for (const event of events) {
        expect(event.fromStatus, `${ticket.ticketNo} ${event.action}`).toBe(status);
        expect(canTransition(event.action as TicketAction, event.fromStatus, event.toStatus), `${ticket.ticketNo}: ${event.action} ${event.fromStatus} → ${event.toStatus}`).toBe(true);
        expect(event.createdAt.getTime()).toBeGreaterThanOrEqual(at);
        expect(event.createdAt <= NOW).toBe(true);
        status = event.toStatus;
        at = event.createdAt.getTime();
      }
      expect(status, ticket.ticketNo).toBe(ticket.status);
      expect(ticket.version).toBe(events.length);
      expect(ticket.updatedAt.getTime()).toBe(at);
    }
  });

  it('keeps due times consistent with the working calendar and the history', () => {
    const { calendar, settings } = rules;
    let checkedDispatched = 0;
    for (const ticket of rows) {
      const events = eventsByTicket.get(ticket.id)!;
      expect(ticket.acceptDueAt!.getTime(), ticket.ticketNo).toBe(acceptDue(calendar, settings.timeLimits, ticket, ticket.createdAt).acceptDueAt.getTime());
      // The last event that set the reply limit decides it: a dispatch, an approved extension or a reopening rating.
      let expected: Date | null = null;
      let signDue: Date | null = null;
      for (const event of events) {
        const data = (event.data ?? {}) as Record<string, unknown>;
        if (event.action === 'dispatch') {
          const due = dispatchDueTimes(calendar, settings.timeLimits, ticket, event.createdAt);
          expect(data.dueAt, ticket.ticketNo).toBe(due.dueAt.toISOString());
          expected = due.dueAt;
          signDue = due.signDueAt;
        } else if (event.action === 'approve_extension') {
          expect(new Date(data.dueAt as string) > expected!).toBe(true);
          expected = new Date(data.dueAt as string);
        } else if (event.action === 'approve_return') {
          expected = null;
          signDue = null;
        } else if (event.action === 'rate' && event.toStatus === 'in_progress') {
          expected = dispatchDueTimes(calendar, settings.timeLimits, ticket, event.createdAt).dueAt;
        }
      }
      expect(ticket.dueAt?.getTime() ?? null, ticket.ticketNo).toBe(expected?.getTime() ?? null);
      expect(ticket.signDueAt?.getTime() ?? null, ticket.ticketNo).toBe(signDue?.getTime() ?? null);
      if (['dispatched', 'in_progress', 'return_requested'].includes(ticket.status)) {
        checkedDispatched++;
        expect(ticket.leadUnitId).not.toBeNull();
        expect(ticket.dueAt! > ticket.dispatchedAt!).toBe(true);
      }
      const dispatchEvents = events.filter((e) => e.action === 'dispatch');
      const dispatchRows = dispatchesByTicket.get(ticket.id) ?? [];
      expect(dispatchRows.map((d) => d.dispatchedAt.getTime())).toEqual(dispatchEvents.map((e) => e.createdAt.getTime()));
      expect(dispatchRows.filter((d) => d.returnedAt).length).toBe(events.filter((e) => e.action === 'approve_return').length);
      expect(ticket.returnCount).toBe(events.filter((e) => e.action === 'approve_return').length);
    }
    expect(checkedDispatched).toBeGreaterThan(0);
  });

  it('rates only replied or answered tickets, and keeps each rating on its ticket', () => {
    let rated = 0;
    for (const ticket of rows) {
      const rates = eventsByTicket.get(ticket.id)!.filter((e) => e.action === 'rate');
      for (const rate of rates) expect(['replied', 'answered']).toContain(rate.fromStatus);
      if (rates.length === 0) {
        expect([ticket.ratedAt, ticket.processSatisfaction, ticket.resultSatisfaction, ticket.resolved], ticket.ticketNo).toEqual([null, null, null, null]);
        continue;
      }
      rated++;
      const last = rates[rates.length - 1]!;
      expect(ticket.ratedAt!.getTime()).toBe(last.createdAt.getTime());
      expect(last.data).toMatchObject({ processSatisfaction: ticket.processSatisfaction, resultSatisfaction: ticket.resultSatisfaction, resolved: ticket.resolved });
      // A rating closes the ticket, unless it was unsatisfied and reopened it (重办).
      if (ticket.status !== 'closed') expect(ticket.reopenCount, ticket.ticketNo).toBeGreaterThan(0);
      expect(ticket.repliedAt ?? ticket.answeredAt).not.toBeNull();
    }
    expect(rated).toBeGreaterThan(50);
    for (const ticket of rows.filter((t) => t.status === 'closed' || t.status === 'rejected' || t.status === 'merged')) expect(ticket.closedAt, ticket.ticketNo).not.toBeNull();
    for (const ticket of rows.filter((t) => t.status === 'merged')) {
      const target = rows.find((t) => t.id === ticket.mergedIntoId)!;
      expect(target.createdAt < ticket.createdAt).toBe(true);
      expect(['rejected', 'merged']).not.toContain(target.status);
    }
  });

  it('keeps personal data in the citizen columns only', async () => {
    const phone = /1[3-9]\d{9}/;
    const names = new Set(rows.map((t) => t.citizenName).filter((n): n is string => !!n));
    expect(names.size).toBeGreaterThan(20);
    expect(rows.filter((t) => t.citizenPhone).every((t) => /^1[3-9]\d{9}$/.test(t.citizenPhone!))).toBe(true);
    expect(rows.filter((t) => t.anonymous).every((t) => t.citizenName === null && t.citizenPhone === null)).toBe(true);
    const texts = [
      ...rows.flatMap((t) => [t.title, t.description, t.address, t.replyText, t.rejectReason, t.returnReason, t.extensionReason, t.ratingComment, t.channelUserId]),
      ...[...eventsByTicket.values()].flat().flatMap((e) => [e.note, e.actorName, e.actorId, JSON.stringify(e.data)]),
    ].filter((s): s is string => !!s);
    expect(texts.length).toBeGreaterThan(1000);
    // Record ids are UUIDs, whose digit runs can look like a mobile number: not personal data.
    const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
    expect(texts.filter((s) => phone.test(s.replace(uuid, '')))).toEqual([]);
    expect(texts.filter((s) => [...names].some((name) => s.includes(name)))).toEqual([]);
  });

  it('continues the daily numbers on a second run', async () => {
    const before = new Set(rows.map((t) => t.ticketNo));
    await seedVolume(database.db, { tickets: 40, days: 60, now: NOW, seed: 8 });
    const after = await database.db.select({ ticketNo: tickets.ticketNo }).from(tickets);
    expect(after).toHaveLength(340);
    expect(after.filter((t) => !before.has(t.ticketNo))).toHaveLength(40);
  });

  it('links repeated reports and merges to the earlier ticket of the same matter, as the duplicate linking would', async () => {
    // A busy fortnight: enough tickets per street and matter for repeats within a week.
    const before = (await database.db.select().from(ticketDuplicateLinks)).length;
    const busy = await seedVolume(database.db, { tickets: 2500, days: 14, now: NOW, seed: 9 });
    const links = await database.db.select().from(ticketDuplicateLinks);
    expect(busy.links).toBe(links.length - before);
    expect(links.length).toBeGreaterThan(20);
    const byId = new Map((await database.db.select().from(tickets)).map((t) => [t.id, t]));
    for (const link of links) {
      const ticket = byId.get(link.ticketId)!;
      const earlier = byId.get(link.duplicateOfId)!;
      const root = byId.get(link.clusterId)!;
      expect([ticket.subcategoryCode, ticket.streetCode]).toEqual([earlier.subcategoryCode, earlier.streetCode]);
      expect(earlier.createdAt < ticket.createdAt).toBe(true);
      expect(root.createdAt <= earlier.createdAt).toBe(true);
      if (ticket.status !== 'merged') expect(ticket.title).toBe(earlier.title);
      expect(link.createdAt.getTime()).toBeLessThanOrEqual(NOW.getTime());
    }
    for (const merged of [...byId.values()].filter((t) => t.status === 'merged')) expect(links.some((l) => l.ticketId === merged.id && l.duplicateOfId === merged.mergedIntoId)).toBe(true);
  });
});
