import { describe, expect, it } from 'vitest';
import { localDayOf } from '../../../api/src/domain/calendar/local-time.ts';
import { WorkingCalendar } from '../../../api/src/domain/calendar/working-calendar.ts';
import { buildCalendar } from '../../../api/src/domain/settings/rules.ts';
import { CalendarSettings } from '../../../api/src/domain/settings/settings.ts';

const calendar = (overrides: { day: string; workingDay: boolean; note: string }[] = []) =>
  buildCalendar(CalendarSettings.parse({}), overrides);
const at = (beijing: string) => new Date(`${beijing}+08:00`);
const endOf = (day: string) => at(`${day}T23:59:59`);

describe('working days', () => {
  it('skips the weekend', () => {
    const cal = calendar();
    // Friday 20 November 2026, 10:00 Beijing time.
    expect(cal.endOfNthWorkingDay(at('2026-11-20T10:00:00'), 1)).toEqual(endOf('2026-11-23'));
    expect(cal.endOfNthWorkingDay(at('2026-11-20T10:00:00'), 2)).toEqual(endOf('2026-11-24'));
    expect(cal.endOfNthWorkingDay(at('2026-11-20T10:00:00'), 5)).toEqual(endOf('2026-11-27'));
    // Dispatched on Saturday: Monday is the first working day.
    expect(cal.endOfNthWorkingDay(at('2026-11-21T15:00:00'), 1)).toEqual(endOf('2026-11-23'));
  });

  it('follows the 2026 Mid-Autumn and National Day holidays and their make-up working days', () => {
    const cal = calendar();
    expect(cal.describe('2026-10-01')).toMatchObject({ workingDay: false, source: 'official', name: '国庆节' });
    expect(cal.describe('2026-09-25')).toMatchObject({ workingDay: false, name: '中秋' });
    // Sunday 20 September and Saturday 10 October are make-up working days (调休上班).
    expect(cal.describe('2026-09-20')).toMatchObject({ workingDay: true, source: 'official' });
    expect(cal.describe('2026-10-10')).toMatchObject({ workingDay: true, source: 'official' });
    // Wednesday 30 September: 1-7 October are off, so 2 working days end on Friday 9 October.
    expect(cal.endOfNthWorkingDay(at('2026-09-30T10:00:00'), 2)).toEqual(endOf('2026-10-09'));
    // 5 working days: 8, 9, 10 (Saturday, make-up), 12, 13 October.
    expect(cal.endOfNthWorkingDay(at('2026-09-30T10:00:00'), 5)).toEqual(endOf('2026-10-13'));
    // Saturday 19 September: the next day is a make-up working day.
    expect(cal.endOfNthWorkingDay(at('2026-09-19T10:00:00'), 1)).toEqual(endOf('2026-09-20'));
    // Dispatched during the holiday: the count starts after it.
    expect(cal.endOfNthWorkingDay(at('2026-10-03T11:00:00'), 2)).toEqual(endOf('2026-10-09'));
  });

  it('crosses the year end into a year the package does not cover, using the statutory holidays', () => {
    const cal = calendar();
    expect(cal.describe('2027-01-01')).toMatchObject({ workingDay: false, source: 'statutory', name: '元旦' });
    // Thursday 31 December 2026: Friday 1 January 2027 is New Year's Day.
    expect(cal.endOfNthWorkingDay(at('2026-12-31T15:00:00'), 2)).toEqual(endOf('2027-01-05'));
    // Spring Festival 2027 falls on 6 February: eve (5th) and the first three days are off.
    for (const day of ['2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08']) expect(cal.isWorkingDay(day)).toBe(false);
    expect(cal.isWorkingDay('2027-02-09')).toBe(true);
    expect(cal.describe('2027-10-01')).toMatchObject({ workingDay: false, name: '国庆节' });
  });

  it('lets database overrides win over the package and the statutory rule', () => {
    const cal = calendar([
      { day: '2027-01-04', workingDay: false, note: '2027 年元旦调休放假' },
      { day: '2027-01-09', workingDay: true, note: '2027 年元旦调休上班' },
      { day: '2026-11-23', workingDay: false, note: '台风停工' },
    ]);
    expect(cal.describe('2027-01-04')).toMatchObject({ workingDay: false, source: 'override', name: '2027 年元旦调休放假' });
    // 31 Dec → (1 Jan holiday, 2-3 weekend, 4 override off) 5, 6.
    expect(cal.endOfNthWorkingDay(at('2026-12-31T15:00:00'), 2)).toEqual(endOf('2027-01-06'));
    expect(cal.isWorkingDay('2027-01-09')).toBe(true);
    expect(cal.endOfNthWorkingDay(at('2026-11-20T10:00:00'), 1)).toEqual(endOf('2026-11-24'));
  });

  it('keeps Beijing days regardless of the instant given in UTC', () => {
    // 16:30 UTC on the 30th is already 1 October 00:30 in Beijing.
    expect(localDayOf(new Date('2026-09-30T16:30:00Z'))).toBe('2026-10-01');
    expect(localDayOf(new Date('2026-09-30T15:59:59Z'))).toBe('2026-09-30');
  });
});

describe('working hours', () => {
  const cal = calendar();

  it('adds time inside office hours (09:00-12:00, 13:30-17:30)', () => {
    expect(cal.addWorkingMinutes(at('2026-11-23T09:30:00'), 120)).toEqual(at('2026-11-23T11:30:00'));
    // 11:30 + 2 h: 30 min before lunch, 90 min after.
    expect(cal.addWorkingMinutes(at('2026-11-23T11:30:00'), 120)).toEqual(at('2026-11-23T15:00:00'));
  });

  it('carries over evenings, weekends and holidays', () => {
    // Friday 16:30 + 2 h: one hour on Friday, one on Monday.
    expect(cal.addWorkingMinutes(at('2026-11-20T16:30:00'), 120)).toEqual(at('2026-11-23T10:00:00'));
    expect(cal.addWorkingMinutes(at('2026-11-21T10:00:00'), 120)).toEqual(at('2026-11-23T11:00:00'));
    expect(cal.addWorkingMinutes(at('2026-09-30T17:00:00'), 120)).toEqual(at('2026-10-08T10:30:00'));
    // Before opening time the clock starts at 09:00.
    expect(cal.addWorkingMinutes(at('2026-11-23T07:00:00'), 30)).toEqual(at('2026-11-23T09:30:00'));
  });

  it('rejects working hours that make no sense', () => {
    expect(() => new WorkingCalendar([], [])).toThrow();
    expect(() => new WorkingCalendar([], [{ start: 600, end: 500 }])).toThrow();
    expect(() => CalendarSettings.parse({ workingHours: [{ start: '18:00', end: '09:00' }] })).toThrow();
  });
});
