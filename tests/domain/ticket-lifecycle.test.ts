import { ticketDispatches, ticketEvents, tickets } from '@hotline/db';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainContext } from '../../api/src/domain/context.ts';
import { DomainError } from '../../api/src/domain/errors.ts';
import { acceptTicket } from '../../api/src/domain/tickets/accept.ts';
import { answerDirectly } from '../../api/src/domain/tickets/answer-directly.ts';
import { recordCallbackAttempt } from '../../api/src/domain/tickets/callback-attempts.ts';
import { autoCloseUnrated, closeTicket, reopenTicket } from '../../api/src/domain/tickets/close.ts';
import { createTicket } from '../../api/src/domain/tickets/create.ts';
import { approveReturn, denyReturn } from '../../api/src/domain/tickets/decide-return.ts';
import { dispatchTicket } from '../../api/src/domain/tickets/dispatch.ts';
import { approveExtension, denyExtension, requestExtension } from '../../api/src/domain/tickets/extension.ts';
import { markRepeat } from '../../api/src/domain/tickets/mark-repeat.ts';
import { mergeTicket } from '../../api/src/domain/tickets/merge.ts';
import { superviseTicket, urgeTicket } from '../../api/src/domain/tickets/oversight.ts';
import { rateByCitizen, recordCallback } from '../../api/src/domain/tickets/rate.ts';
import { rejectTicket } from '../../api/src/domain/tickets/reject.ts';
import { requestReturn } from '../../api/src/domain/tickets/request-return.ts';
import { CreateTicketInput } from '../../api/src/domain/tickets/schemas.ts';
import { signTicket } from '../../api/src/domain/tickets/sign.ts';
import { addProgressNote, recordContact, replyTicket } from '../../api/src/domain/tickets/unit-work.ts';
import { createHarness, createStaff, type Harness, type TestStaff } from '../support/harness.ts';
import { ticketBody } from '../support/factories.ts';

let h: Harness;
let operator: TestStaff, dispatcher: TestStaff, water: TestStaff, waterColleague: TestStaff, power: TestStaff, supervisor: TestStaff;
let as: (who: TestStaff) => Promise<DomainContext>;
const citizen = { kind: 'citizen', channel: 'web', channelUserId: null } as const;

beforeAll(async () => {
  h = await createHarness();
  [operator, dispatcher, water, waterColleague, power, supervisor] = await Promise.all([
    createStaff(h, 'operator'),
    createStaff(h, 'dispatcher'),
    createStaff(h, 'unit_handler', 'util_water'),
    createStaff(h, 'unit_handler', 'util_water'),
    createStaff(h, 'unit_handler', 'util_power'),
    createStaff(h, 'supervisor'),
  ]);
  as = (who) => h.ctx(who);
});
afterAll(() => h.close());

async function file(overrides: Record<string, unknown> = {}) {
  const created = await createTicket(await h.ctx(citizen), CreateTicketInput.parse(ticketBody(overrides)));
  return created.ticket.ticketNo;
}

async function dispatched(overrides: Record<string, unknown> = {}) {
  const no = await file(overrides);
  await acceptTicket(await as(operator), no, {});
  await dispatchTicket(await as(dispatcher), no, {});
  return no;
}

async function inProgress(overrides: Record<string, unknown> = {}) {
  const no = await dispatched(overrides);
  await signTicket(await as(water), no);
  return no;
}

async function replied(overrides: Record<string, unknown> = {}) {
  const no = await inProgress(overrides);
  await replyTicket(await as(water), no, { reply: '经查，停水系管道抢修所致，已于今日 14 时恢复供水。' });
  return no;
}

async function row(no: string) {
  const [t] = await h.database.db.select().from(tickets).where(eq(tickets.ticketNo, no));
  return t!;
}

async function events(no: string) {
  const t = await row(no);
  return h.database.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, t.id)).orderBy(asc(ticketEvents.id));
}

async function expectCode(promise: Promise<unknown>, code: string, message?: RegExp) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'expected a DomainError').toBeInstanceOf(DomainError);
  expect((error as DomainError).code).toBe(code);
  if (message) expect((error as DomainError).message).toMatch(message);
}

describe('the whole lifecycle', () => {
  it('goes from filing to closing, one event per change, each with actor and statuses', async () => {
    h.clock.set('2026-11-23T09:00:00+08:00');
    const no = await file();
    await acceptTicket(await as(operator), no, { note: '来电核实' });
    await dispatchTicket(await as(dispatcher), no, {});
    let t = await row(no);
    expect(t).toMatchObject({ status: 'dispatched', leadUnitId: 'util_water', coUnitIds: ['city_water_affairs'] });
    // Complaint: 5 working days from Monday 23 November → Monday 30 November.
    expect(t.dueAt).toEqual(new Date('2026-11-30T23:59:59+08:00'));
    expect(t.signDueAt).toEqual(new Date('2026-11-23T11:00:00+08:00'));

    h.clock.advance({ minutes: 30 });
    await signTicket(await as(water), no);
    await recordContact(await as(water), no, { method: 'phone', note: '已电话联系' });
    await addProgressNote(await as(water), no, { note: '已安排抢修队伍到场', public: true });
    await replyTicket(await as(water), no, { reply: '经查，停水系管道抢修所致，已于今日 14 时恢复供水。' });
    t = await row(no);
    expect(t.status).toBe('replied');
    const view = await rateByCitizen(await h.ctx(citizen), t, {
      processSatisfaction: 'satisfied',
      resultSatisfaction: 'basically_satisfied',
      resolved: true,
    });
    expect(view.ticket.status).toBe('closed');

    const history = await events(no);
    expect(history.map((e) => [e.action, e.fromStatus, e.toStatus])).toEqual([
      ['submit', null, 'submitted'],
      ['accept', 'submitted', 'accepted'],
      ['dispatch', 'accepted', 'dispatched'],
      ['sign', 'dispatched', 'in_progress'],
      ['record_contact', 'in_progress', 'in_progress'],
      ['progress_note', 'in_progress', 'in_progress'],
      ['reply', 'in_progress', 'replied'],
      ['rate', 'replied', 'closed'],
    ]);
    expect(history[1]).toMatchObject({ actorKind: 'staff', actorId: operator.id, note: '来电核实', public: true });
    expect(history[3]).toMatchObject({ actorKind: 'staff', unitId: 'util_water' });
    expect(history[4]!.public).toBe(false);
    expect(history[7]).toMatchObject({ actorKind: 'citizen', public: true });
    expect((await row(no)).version).toBe(history.length);
  });

  it('refuses an illegal transition and leaves the ticket untouched', async () => {
    const no = await file();
    await expectCode(replyTicket(await as(water), no, { reply: '这是一个不应成功的答复内容。' }), 'NOT_FOUND');
    await expectCode(signTicket(await as(water), no), 'NOT_FOUND');
    await expectCode(dispatchTicket(await as(dispatcher), no, {}), 'CONFLICT', /待受理/);
    expect((await row(no)).status).toBe('submitted');
    expect(await events(no)).toHaveLength(1);
  });

  it('lets exactly one of two racing changes win; the other is a conflict', async () => {
    const no = await dispatched();
    const [a, b] = await Promise.allSettled([signTicket(await as(water), no), signTicket(await as(waterColleague), no)]);
    const outcomes = [a, b].map((r) => r.status);
    expect(outcomes.sort()).toEqual(['fulfilled', 'rejected']);
    const failure = [a, b].find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(failure.reason).toBeInstanceOf(DomainError);
    expect(failure.reason.code).toBe('CONFLICT');
    expect((await events(no)).filter((e) => e.action === 'sign')).toHaveLength(1);

    // Two staff accept the same new ticket at once.
    const other = await file();
    const results = await Promise.allSettled([
      acceptTicket(await as(operator), other, { note: '受理员受理' }),
      acceptTicket(await as(dispatcher), other, { note: '派单员受理' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason.code).toBe('CONFLICT');
    expect((await row(other)).status).toBe('accepted');
    expect(await events(other)).toHaveLength(2);
  });
});

describe('intake', () => {
  it('rejects with a reason the citizen sees', async () => {
    const no = await file();
    await rejectTicket(await as(operator), no, { reason: '诉求内容不属于本市管辖范围' });
    expect(await row(no)).toMatchObject({ status: 'rejected', rejectReason: '诉求内容不属于本市管辖范围' });
  });

  it('answers directly and lets the citizen rate the answer', async () => {
    const no = await file({ type: 'consultation', category: 'household_registration', location: undefined });
    await answerDirectly(await as(operator), no, { answer: '办理居住证需携带身份证和居住证明，到居住地派出所办理。' });
    const t = await row(no);
    expect(t).toMatchObject({ status: 'answered' });
    expect(t.answeredAt).not.toBeNull();
    // Unsatisfied with a direct answer: back to intake, to be dispatched.
    const rated = await rateByCitizen(await h.ctx(citizen), t, { processSatisfaction: 'satisfied', resultSatisfaction: 'unsatisfied', resolved: false });
    expect(rated.ticket).toMatchObject({ status: 'accepted', reopenCount: 1, answeredAt: null });
  });

  it('merges a duplicate into the ticket in hand, and not into a rejected one', async () => {
    const first = await dispatched();
    const duplicate = await file();
    await mergeTicket(await as(operator), duplicate, { intoTicketNo: first });
    const merged = await row(duplicate);
    expect(merged.status).toBe('merged');
    expect(merged.mergedIntoId).toBe((await row(first)).id);

    const rejected = await file();
    await rejectTicket(await as(operator), rejected, { reason: '无效来电' });
    await expectCode(mergeTicket(await as(operator), await file(), { intoTicketNo: rejected }), 'VALIDATION');
    await expectCode(mergeTicket(await as(operator), first, { intoTicketNo: first }), 'VALIDATION');
  });

  it('marks a repeat of an earlier ticket without stopping it', async () => {
    const first = await file();
    h.clock.advance({ minutes: 5 });
    const again = await file();
    await markRepeat(await as(operator), again, { ofTicketNo: first });
    expect(await row(again)).toMatchObject({ status: 'submitted', repeatOfId: (await row(first)).id });
    await expectCode(markRepeat(await as(operator), first, { ofTicketNo: again }), 'VALIDATION', /更早/);
  });

  it('needs a category before dispatch and a unit when no rule matches', async () => {
    const no = await file({ category: undefined });
    await acceptTicket(await as(operator), no, {});
    await expectCode(dispatchTicket(await as(dispatcher), no, {}), 'VALIDATION', /分类/);
    await expectCode(dispatchTicket(await as(dispatcher), no, { category: 'no_such' }), 'VALIDATION');
    await expectCode(dispatchTicket(await as(dispatcher), no, { category: 'transport', leadUnitId: 'ghost_unit' }), 'VALIDATION', /ghost_unit/);
    const result = await dispatchTicket(await as(dispatcher), no, { category: 'transport.bus_service', leadUnitId: 'util_bus', coUnitIds: [] });
    expect(result.ticket.leadUnitId).toBe('util_bus');
    const [d] = await h.database.db.select().from(ticketDispatches).where(eq(ticketDispatches.ticketId, result.ticket.id));
    expect(d).toMatchObject({ leadUnitId: 'util_bus' });
  });
});

describe('unit work', () => {
  it('lets only the lead unit sign and reply; co-units may add notes; other units see nothing', async () => {
    const no = await dispatched();
    await expectCode(signTicket(await as(power), no), 'NOT_FOUND');
    await expectCode(signTicket(await as(dispatcher), no), 'FORBIDDEN');
    const coUnit = await createStaff(h, 'unit_handler', 'city_water_affairs');
    await expectCode(signTicket(await as(coUnit), no), 'FORBIDDEN', /主办单位/);
    await signTicket(await as(water), no);
    await addProgressNote(await as(coUnit), no, { note: '水务局已督促供水企业抢修', public: false });
    await expectCode(addProgressNote(await as(power), no, { note: '不相关的单位', public: false }), 'NOT_FOUND');
  });

  it('takes a return within one working day of dispatch, and refuses it after', async () => {
    h.clock.set('2026-11-20T10:00:00+08:00'); // Friday
    const no = await dispatched();
    h.clock.set('2026-11-23T18:00:00+08:00'); // Monday evening: still within the window (end of Monday)
    await requestReturn(await as(water), no, { reason: '该小区由物业自备水箱供水，不属于本公司管网' });
    expect((await row(no)).status).toBe('return_requested');
    await approveReturn(await as(dispatcher), no, {});
    const t = await row(no);
    expect(t).toMatchObject({ status: 'accepted', leadUnitId: null, returnCount: 1, dueAt: null });
    const [d] = await h.database.db.select().from(ticketDispatches).where(eq(ticketDispatches.ticketId, t.id));
    expect(d!.returnedAt).not.toBeNull();

    h.clock.set('2026-11-24T09:00:00+08:00');
    await dispatchTicket(await as(dispatcher), no, {});
    h.clock.set('2026-11-26T09:00:00+08:00'); // Thursday: the window ended Wednesday night
    await expectCode(requestReturn(await as(water), no, { reason: '不属于本单位职责' }), 'CONFLICT', /退单时限/);
  });

  it('keeps a denied return with its unit in the state it was in', async () => {
    h.clock.set('2026-11-23T09:00:00+08:00');
    const no = await dispatched();
    await requestReturn(await as(water), no, { reason: '不属于本单位' });
    await denyReturn(await as(dispatcher), no, { reason: '属于供水管网，请办理' });
    expect((await row(no)).status).toBe('dispatched');
    await signTicket(await as(water), no);
    await requestReturn(await as(water), no, { reason: '仍不属于本单位' });
    await denyReturn(await as(dispatcher), no, { reason: '请办理' });
    expect((await row(no)).status).toBe('in_progress');
  });

  it('after two returns only a supervisor may approve another', async () => {
    h.clock.set('2026-11-23T09:00:00+08:00');
    const no = await dispatched();
    for (let i = 0; i < 2; i++) {
      await requestReturn(await as(water), no, { reason: `第 ${i + 1} 次退单` });
      await approveReturn(await as(dispatcher), no, {});
      await dispatchTicket(await as(dispatcher), no, { leadUnitId: 'util_water' });
    }
    await requestReturn(await as(water), no, { reason: '第 3 次退单' });
    await expectCode(approveReturn(await as(dispatcher), no, {}), 'FORBIDDEN', /督办员/);
    await approveReturn(await as(supervisor), no, {});
    expect((await row(no)).returnCount).toBe(3);
  });

  it('extends the due time only when a request is approved, one request at a time', async () => {
    h.clock.set('2026-11-23T09:00:00+08:00');
    const no = await inProgress();
    const before = (await row(no)).dueAt!;
    await requestExtension(await as(water), no, { extraWorkingDays: 3, reason: '需更换主管道，工期较长' });
    await expectCode(requestExtension(await as(water), no, { extraWorkingDays: 5, reason: '再申请一次' }), 'CONFLICT', /待审批/);
    await expectCode(approveExtension(await as(water), no, {}), 'FORBIDDEN');
    await approveExtension(await as(dispatcher), no, {});
    const after = await row(no);
    // Monday 30 November + 3 working days → Thursday 3 December.
    expect(before).toEqual(new Date('2026-11-30T23:59:59+08:00'));
    expect(after.dueAt).toEqual(new Date('2026-12-03T23:59:59+08:00'));
    expect(after).toMatchObject({ extensionCount: 1, extensionRequestedAt: null });
    await expectCode(approveExtension(await as(dispatcher), no, {}), 'CONFLICT', /没有待审批/);
    await requestExtension(await as(water), no, { extraWorkingDays: 2, reason: '材料未到' });
    await denyExtension(await as(dispatcher), no, { reason: '请按期办理' });
    expect((await row(no)).dueAt).toEqual(after.dueAt);
  });

  it('records urges and supervision without changing the status', async () => {
    const no = await inProgress();
    await urgeTicket(await as(supervisor), no, { note: '请尽快办理' });
    await urgeTicket(await as(dispatcher), no, {});
    await superviseTicket(await as(supervisor), no, { note: '列入督办' });
    await expectCode(superviseTicket(await as(dispatcher), no, {}), 'FORBIDDEN');
    expect(await row(no)).toMatchObject({ status: 'in_progress', urgeCount: 2, supervised: true });
  });
});

describe('rating, reopening and closing', () => {
  it('refuses a rating before the reply and a second one after', async () => {
    const no = await inProgress();
    const rating = { processSatisfaction: 'satisfied', resultSatisfaction: 'satisfied', resolved: true } as const;
    await expectCode(rateByCitizen(await h.ctx(citizen), await row(no), rating), 'CONFLICT', /尚未答复/);
    await replyTicket(await as(water), no, { reply: '已安排维修人员处理完毕，供水恢复正常。' });
    await rateByCitizen(await h.ctx(citizen), await row(no), rating);
    await expectCode(rateByCitizen(await h.ctx(citizen), await row(no), rating), 'CONFLICT', /已评价/);
  });

  it('reopens once on an unsatisfied rating within the window, then closes', async () => {
    h.clock.set('2026-11-23T09:00:00+08:00');
    const no = await replied();
    h.clock.advance({ days: 2 });
    const unhappy = { processSatisfaction: 'unsatisfied', resultSatisfaction: 'unsatisfied', resolved: false } as const;
    const first = await rateByCitizen(await h.ctx(citizen), await row(no), unhappy);
    expect(first.ticket).toMatchObject({ status: 'in_progress', reopenCount: 1, leadUnitId: 'util_water' });
    // A fresh limit from the reopening: Wednesday 25 November + 5 working days.
    expect(first.ticket.dueAt).toEqual(new Date('2026-12-02T23:59:59+08:00'));
    await replyTicket(await as(water), no, { reply: '再次核查后已彻底更换老化水管。' });
    const second = await rateByCitizen(await h.ctx(citizen), await row(no), unhappy);
    expect(second.ticket.status).toBe('closed');
  });

  it('does not reopen when the rating comes after the reopen window', async () => {
    h.clock.set('2026-11-23T09:00:00+08:00');
    const no = await replied();
    h.clock.advance({ days: 8 });
    const result = await rateByCitizen(await h.ctx(citizen), await row(no), {
      processSatisfaction: 'unsatisfied',
      resultSatisfaction: 'unsatisfied',
      resolved: false,
    });
    expect(result.ticket.status).toBe('closed');
  });

  it('records a supervisor callback, and lets a supervisor reopen or close', async () => {
    const no = await replied();
    await expectCode(recordCallback(await as(operator), no, { processSatisfaction: 'satisfied', resultSatisfaction: 'satisfied', resolved: true }), 'FORBIDDEN');
    const called = await recordCallback(await as(supervisor), no, {
      processSatisfaction: 'basically_satisfied',
      resultSatisfaction: 'satisfied',
      resolved: true,
      note: '电话回访，市民表示问题已解决',
    });
    expect(called.ticket).toMatchObject({ status: 'closed', ratedBy: 'callback' });
    await reopenTicket(await as(supervisor), no, { reason: '市民再次来电反映仍未彻底解决' });
    expect((await row(no)).status).toBe('in_progress');

  });

  it('closes without a rating only after the required callback attempts on different days (100% 回访)', async () => {
    h.clock.set('2026-12-01T09:00:00+08:00');
    const no = await replied();
    const refused = await closeTicket(await as(supervisor), no, {}).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'CONFLICT' });
    expect((refused as Error).message).toContain('已记录 0 次');
    await expectCode(recordCallbackAttempt(await as(operator), no, {}), 'FORBIDDEN');
    // Three attempts on one day are not enough: the rule asks for two different days.
    for (let i = 0; i < 3; i++) {
      await recordCallbackAttempt(await as(supervisor), no, { note: '无人接听' });
      h.clock.advance({ hours: 2 });
    }
    const sameDay = await closeTicket(await as(supervisor), no, {}).catch((e: unknown) => e);
    expect((sameDay as Error).message).toContain('已记录 3 次，分布在 1 天');
    h.clock.advance({ days: 1 });
    await recordCallbackAttempt(await as(supervisor), no, { note: '关机' });
    const closed = await closeTicket(await as(supervisor), no, { note: '多次回访联系不上' });
    expect(closed.ticket.status).toBe('closed');
    expect(closed.event.data).toMatchObject({ outcome: 'unreachable', callbackAttempts: 4 });
    // The attempts are internal; the citizen reads a plain sentence about the close.
    const attempts = (await events(no)).filter((e) => e.action === 'callback_attempt');
    expect(attempts).toHaveLength(4);
    expect(attempts.every((e) => !e.public)).toBe(true);
  });

  it('counts only the attempts made since the latest reply', async () => {
    h.clock.set('2026-12-01T09:00:00+08:00');
    const no = await replied();
    for (const hours of [0, 24, 48]) {
      h.clock.set('2026-12-01T09:00:00+08:00');
      h.clock.advance({ hours });
      await recordCallbackAttempt(await as(supervisor), no, {});
    }
    await reopenTicket(await as(supervisor), no, { reason: '市民来电反映仍未解决' });
    await replyTicket(await as(water), no, { reply: '已再次上门处理完毕。' });
    await expectCode(closeTicket(await as(supervisor), no, {}), 'CONFLICT');
  });

  it('auto-closes replies left unrated for the set number of days, and only those', async () => {
    h.clock.set('2026-12-01T09:00:00+08:00');
    const unrated = await replied();
    const rated = await replied();
    await rateByCitizen(await h.ctx(citizen), await row(rated), { processSatisfaction: 'unsatisfied', resultSatisfaction: 'unsatisfied', resolved: false });
    // `rated` is back in progress, replied again the next day and left unrated.
    h.clock.advance({ days: 1 });
    await replyTicket(await as(water), rated, { reply: '已按要求重新处理完毕，请再次评价。' });
    // Both are called back without success, three times on two days.
    const neverCalled = await replied();
    for (let i = 0; i < 3; i++) {
      await recordCallbackAttempt(await as(supervisor), unrated, {});
      await recordCallbackAttempt(await as(supervisor), rated, {});
      h.clock.advance({ hours: 12 });
    }
    h.clock.advance({ days: 5 });
    const system = { kind: 'system', job: 'auto-close' } as const;
    await expectCode(autoCloseUnrated(await as(supervisor)), 'FORBIDDEN');
    const first = await autoCloseUnrated(await h.ctx(system));
    expect((await row(unrated)).status).toBe('closed');
    expect((await row(rated)).status).toBe('replied');
    expect(first.closed).toBeGreaterThanOrEqual(1);
    h.clock.advance({ days: 1 });
    await autoCloseUnrated(await h.ctx(system));
    expect((await row(rated)).status).toBe('closed');
    // Nobody tried to call this citizen back: it waits in 待回访 however old it is.
    h.clock.advance({ days: 30 });
    await autoCloseUnrated(await h.ctx(system));
    expect((await row(neverCalled)).status).toBe('replied');
    const last = (await events(unrated)).at(-1)!;
    expect(last).toMatchObject({ action: 'auto_close', actorKind: 'system', toStatus: 'closed', public: true, data: { outcome: 'unreachable' } });
  });
});
