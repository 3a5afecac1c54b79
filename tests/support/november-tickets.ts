import type { DomainContext } from '../../api/src/domain/context.ts';
import { recordCallbackAttempt } from '../../api/src/domain/tickets/callback-attempts.ts';
import { closeTicket } from '../../api/src/domain/tickets/close.ts';
import { acceptTicket } from '../../api/src/domain/tickets/accept.ts';
import { answerDirectly } from '../../api/src/domain/tickets/answer-directly.ts';
import { createTicket } from '../../api/src/domain/tickets/create.ts';
import { approveReturn } from '../../api/src/domain/tickets/decide-return.ts';
import { dispatchTicket } from '../../api/src/domain/tickets/dispatch.ts';
import { getTicketByNo } from '../../api/src/domain/tickets/internal.ts';
import { markRepeat } from '../../api/src/domain/tickets/mark-repeat.ts';
import { mergeTicket } from '../../api/src/domain/tickets/merge.ts';
import { rateByCitizen, recordCallback } from '../../api/src/domain/tickets/rate.ts';
import { rejectTicket } from '../../api/src/domain/tickets/reject.ts';
import { requestReturn } from '../../api/src/domain/tickets/request-return.ts';
import { CreateTicketInput } from '../../api/src/domain/tickets/schemas.ts';
import { signTicket } from '../../api/src/domain/tickets/sign.ts';
import { recordContact, replyTicket } from '../../api/src/domain/tickets/unit-work.ts';
import { ticketBody } from './factories.ts';
import { createStaff, type Harness, type TestStaff } from './harness.ts';

// A month of constructed tickets whose metrics were worked out by hand (the
// tables are in tests/domain/metrics.test.ts's expectations). Period:
// November 2026, Beijing time; the clock is left at 1 December 09:00.

export const citizen = { kind: 'citizen', channel: 'web', channelUserId: null } as const;

export interface NovemberStaff {
  operator: TestStaff;
  dispatcher: TestStaff;
  water: TestStaff;
  power: TestStaff;
  supervisor: TestStaff;
}

export async function fileNovember(h: Harness): Promise<NovemberStaff> {
  const at = (beijing: string) => h.clock.set(`${beijing}+08:00`);
  const as = (who: TestStaff) => h.ctx(who);
  const [operator, dispatcher, water, power, supervisor] = await Promise.all([
    createStaff(h, 'operator'),
    createStaff(h, 'dispatcher'),
    createStaff(h, 'unit_handler', 'util_water'),
    createStaff(h, 'unit_handler', 'util_power'),
    createStaff(h, 'supervisor'),
  ]);
  async function file(overrides: Record<string, unknown> = {}) {
    const ctx: DomainContext = await h.ctx(citizen);
    return (await createTicket(ctx, CreateTicketInput.parse(ticketBody(overrides)))).ticket.ticketNo;
  }
  async function dispatchTo(no: string, unit: string) {
    await acceptTicket(await as(operator), no, {});
    await dispatchTicket(await as(dispatcher), no, { leadUnitId: unit, coUnitIds: [] });
  }
  async function reply(no: string, who: TestStaff, { contact }: { contact: boolean }) {
    await signTicket(await as(who), no);
    if (contact) await recordContact(await as(who), no, { method: 'phone' });
    await replyTicket(await as(who), no, { reply: '问题已处理完毕，特此答复。' });
  }

  // T8: filed and dispatched on Friday 30 October, due Friday 6 November, replied on time with contact.
  at('2026-10-30T10:00:00');
  const t8 = await file();
  await dispatchTo(t8, 'util_water');
  at('2026-11-06T10:00:00');
  await reply(t8, water, { contact: true });

  // T1: dispatched Monday 2 November (due 9th), contacted, replied on the 5th, rated satisfied/satisfied/resolved.
  at('2026-11-02T09:00:00');
  const t1 = await file();
  await dispatchTo(t1, 'util_water');
  // T2 (WeChat): dispatched the same day, replied late on the 10th without contact.
  const t2 = await file({ channel: 'wechat', channelUserId: 'wx-user-1' });
  await dispatchTo(t2, 'util_water');
  at('2026-11-05T10:00:00');
  await reply(t1, water, { contact: true });
  at('2026-11-06T10:00:00');
  await rateByCitizen(await h.ctx(citizen), await getTicketByNo(h.database.db, t1), {
    processSatisfaction: 'satisfied',
    resultSatisfaction: 'satisfied',
    resolved: true,
  });
  at('2026-11-10T10:00:00');
  await reply(t2, water, { contact: false });
  // Rated by callback after the reopen window (so it closes): basically satisfied / unsatisfied / not resolved.
  at('2026-11-18T10:00:00');
  await recordCallback(await as(supervisor), t2, { processSatisfaction: 'basically_satisfied', resultSatisfaction: 'unsatisfied', resolved: false });

  // T3: power outage dispatched Tuesday 3 November, returned, dispatched again on the 4th (due 11th), replied on the 6th with contact.
  at('2026-11-03T09:00:00');
  const t3 = await file({ category: 'utilities.power_outage' });
  await dispatchTo(t3, 'util_power');
  await requestReturn(await as(power), t3, { reason: '请先确认是否为小区内部线路' });
  await approveReturn(await as(dispatcher), t3, {});
  at('2026-11-04T09:00:00');
  await dispatchTicket(await as(dispatcher), t3, { leadUnitId: 'util_power', coUnitIds: [] });
  at('2026-11-06T11:00:00');
  await reply(t3, power, { contact: true });
  // Its callback never reaches the citizen: three attempts on two days, then closed as unreachable.
  for (const when of ['2026-11-09T10:00:00', '2026-11-09T16:00:00', '2026-11-10T10:00:00']) {
    at(when);
    await recordCallbackAttempt(await as(supervisor), t3);
  }
  await closeTicket(await as(supervisor), t3, { note: '三次回访均无人接听' });

  // T4: a consultation answered directly on the 4th and rated satisfied/resolved on the 5th.
  at('2026-11-04T10:00:00');
  const t4 = await file({ type: 'consultation', category: 'household_registration.residence_permit', location: undefined });
  await answerDirectly(await as(operator), t4, { answer: '居住证在居住地派出所办理，需身份证和居住证明。' });
  at('2026-11-05T10:00:00');
  await rateByCitizen(await h.ctx(citizen), await getTicketByNo(h.database.db, t4), {
    processSatisfaction: 'satisfied',
    resultSatisfaction: 'satisfied',
    resolved: true,
  });

  // T5: rejected (not a valid ticket). T6: a duplicate merged into T1. T7: a repeat of T1, still waiting.
  at('2026-11-04T11:00:00');
  await rejectTicket(await as(operator), await file(), { reason: '非本市事项' });
  at('2026-11-05T11:00:00');
  await mergeTicket(await as(operator), await file(), { intoTicketNo: t1 });
  at('2026-11-06T11:00:00');
  await markRepeat(await as(operator), await file(), { ofTicketNo: t1 });

  // T9: dispatched Friday 20 November (due 27th), never replied. T10: dispatched 25th, due 2 December.
  at('2026-11-20T09:00:00');
  await dispatchTo(await file(), 'util_water');
  at('2026-11-25T09:00:00');
  await dispatchTo(await file(), 'util_water');
  at('2026-12-01T09:00:00');
  return { operator, dispatcher, water, power, supervisor };
}
