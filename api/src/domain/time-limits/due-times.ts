import type { Channel, RequestType, Urgency } from '@hotline/db/enums';
import type { WorkingCalendar } from '../calendar/working-calendar.ts';
import type { TimeLimitSettings } from '../settings/settings.ts';

const MINUTE = 60_000;

export interface Classified {
  type: RequestType;
  categoryCode: string | null;
  subcategoryCode: string | null;
  urgency: Urgency;
}

/** Working days allowed for the reply: urgent first, then the most specific category rule, then the type default. */
export function replyWorkingDays(limits: TimeLimitSettings, t: Classified): number {
  if (t.urgency === 'urgent') return limits.urgentReplyWorkingDays;
  const candidates = limits.categoryReplyWorkingDays.filter(
    (rule) => (rule.category === t.subcategoryCode || rule.category === t.categoryCode) && (!rule.type || rule.type === t.type),
  );
  const score = (rule: (typeof candidates)[number]) => (rule.category === t.subcategoryCode ? 2 : 0) + (rule.type ? 1 : 0);
  const best = candidates.sort((a, b) => score(b) - score(a))[0];
  return best?.workingDays ?? limits.replyWorkingDays[t.type];
}

export type AcceptBasis = 'life_or_property' | 'utility_outage' | 'mailbox' | 'normal';

/**
 * When the hotline must accept (or directly answer) a new ticket: 15 minutes
 * when life or property is at risk, 30 for a water, power, gas or heating
 * outage, 24 hours to acknowledge a mailbox letter, otherwise one working day.
 */
export function acceptDue(
  calendar: WorkingCalendar,
  limits: TimeLimitSettings,
  t: Classified & { channel: Channel },
  submittedAt: Date,
): { acceptDueAt: Date; basis: AcceptBasis } {
  if (t.urgency === 'urgent') {
    return { acceptDueAt: new Date(submittedAt.getTime() + limits.acceptMinutesLifeOrProperty * MINUTE), basis: 'life_or_property' };
  }
  if (t.subcategoryCode && limits.utilityOutageCategories.includes(t.subcategoryCode)) {
    return { acceptDueAt: new Date(submittedAt.getTime() + limits.acceptMinutesUtilityOutage * MINUTE), basis: 'utility_outage' };
  }
  if (t.channel === 'mailbox') {
    return { acceptDueAt: new Date(submittedAt.getTime() + limits.mailboxAckHours * 60 * MINUTE), basis: 'mailbox' };
  }
  return { acceptDueAt: calendar.endOfNthWorkingDay(submittedAt, limits.acceptWorkingDays), basis: 'normal' };
}

export interface DispatchDueTimes {
  dueAt: Date;
  signDueAt: Date;
  contactDueAt: Date | null;
  onSiteDueAt: Date | null;
  replyWorkingDays: number;
}

/**
 * The clock starts at dispatch. Urgent tickets also carry the targets to
 * contact the citizen (30 min) and be on site (1 h), in wall-clock time
 * because emergencies do not wait for office hours.
 */
export function dispatchDueTimes(
  calendar: WorkingCalendar,
  limits: TimeLimitSettings,
  t: Classified,
  dispatchedAt: Date,
): DispatchDueTimes {
  const days = replyWorkingDays(limits, t);
  const urgent = t.urgency === 'urgent';
  return {
    dueAt: calendar.endOfNthWorkingDay(dispatchedAt, days),
    signDueAt: urgent
      ? new Date(dispatchedAt.getTime() + limits.urgentContactMinutes * MINUTE)
      : calendar.addWorkingMinutes(dispatchedAt, limits.signWorkingHours * 60),
    contactDueAt: urgent ? new Date(dispatchedAt.getTime() + limits.urgentContactMinutes * MINUTE) : null,
    onSiteDueAt: urgent ? new Date(dispatchedAt.getTime() + limits.urgentOnSiteMinutes * MINUTE) : null,
    replyWorkingDays: days,
  };
}
