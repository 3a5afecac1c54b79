import chineseDays from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import { addDays, instantAt, localDayOf, localMinuteOf, type LocalDay, weekdayOf } from './local-time.ts';
import { statutoryHolidays } from './statutory-holidays.ts';

/** A span of working time within a day, in minutes after local midnight. */
export interface WorkingPeriod {
  start: number;
  end: number;
}

export interface CalendarOverride {
  day: LocalDay;
  workingDay: boolean;
  note: string;
}

export type DaySource = 'override' | 'official' | 'statutory' | 'weekday';

export interface DayInfo {
  day: LocalDay;
  workingDay: boolean;
  source: DaySource;
  name: string | null;
}

const officialHolidays = chineseDays.holidays as Record<string, string>;
const officialWorkdays = chineseDays.workdays as Record<string, string>;
const OFFICIAL_YEARS: ReadonlySet<number> = new Set(Object.keys(officialHolidays).map((day) => Number(day.slice(0, 4))));

/** The years whose official schedule (with make-up working days) ships in the chinese-days package. */
export function officialYears(): number[] {
  return [...OFFICIAL_YEARS].sort((a, b) => a - b);
}

function holidayName(raw: string): string {
  // chinese-days stores "National Day,国庆节,3": English, Chinese, length.
  return raw.split(',')[1] ?? raw;
}

/**
 * China's working-day calendar: weekends off, public holidays off, make-up
 * working days (调休) on. Sources, strongest first: database overrides, the
 * official schedule in chinese-days, the statutory holidays of a year the
 * package does not cover yet, plain weekdays.
 */
export class WorkingCalendar {
  readonly periods: readonly WorkingPeriod[];
  readonly #overrides: ReadonlyMap<LocalDay, CalendarOverride>;
  readonly #statutory = new Map<number, Map<LocalDay, string>>();

  constructor(overrides: Iterable<CalendarOverride>, periods: readonly WorkingPeriod[]) {
    this.#overrides = new Map([...overrides].map((o) => [o.day, o]));
    this.periods = [...periods].sort((a, b) => a.start - b.start);
    if (this.periods.length === 0 || this.periods.some((p) => !(p.start < p.end))) {
      throw new Error('working hours must be non-empty periods with start < end');
    }
  }

  describe(day: LocalDay): DayInfo {
    const override = this.#overrides.get(day);
    if (override) return { day, workingDay: override.workingDay, source: 'override', name: override.note };
    const year = Number(day.slice(0, 4));
    const weekend = weekdayOf(day) === 0 || weekdayOf(day) === 6;
    if (OFFICIAL_YEARS.has(year)) {
      const workday = officialWorkdays[day];
      if (workday) return { day, workingDay: true, source: 'official', name: `${holidayName(workday)}调休上班` };
      const holiday = officialHolidays[day];
      if (holiday) return { day, workingDay: false, source: 'official', name: holidayName(holiday) };
      return { day, workingDay: !weekend, source: 'weekday', name: null };
    }
    let statutory = this.#statutory.get(year);
    if (!statutory) {
      statutory = statutoryHolidays(year);
      this.#statutory.set(year, statutory);
    }
    const name = statutory.get(day);
    if (name) return { day, workingDay: false, source: 'statutory', name };
    return { day, workingDay: !weekend, source: 'weekday', name: null };
  }

  isWorkingDay(day: LocalDay): boolean {
    return this.describe(day).workingDay;
  }

  /** The `n`-th working day strictly after `day` (n ≥ 1). */
  nthWorkingDayAfter(day: LocalDay, n: number): LocalDay {
    let current = day;
    let left = n;
    // A guard against a calendar with no working days at all (bad overrides).
    for (let steps = 0; steps < 3660; steps++) {
      current = addDays(current, 1);
      if (this.isWorkingDay(current) && --left === 0) return current;
    }
    throw new Error(`no ${n} working days found after ${day}`);
  }

  /**
   * "Within N working days": counting starts on the first working day after
   * the day of `start`, and the limit ends with the last minute of the N-th
   * such day (23:59:59 Beijing time). A ticket dispatched on a holiday thus
   * gets its full N working days.
   */
  endOfNthWorkingDay(start: Date, n: number): Date {
    if (n <= 0) return start;
    const day = this.nthWorkingDayAfter(localDayOf(start), n);
    return new Date(instantAt(addDays(day, 1), 0).getTime() - 1000);
  }

  /**
   * Adds working time (office hours on working days only). Used for limits in
   * hours, such as signing for a dispatched ticket within 2 working hours.
   */
  addWorkingMinutes(start: Date, minutes: number): Date {
    let left = minutes;
    let day = localDayOf(start);
    let minute = localMinuteOf(start);
    for (let steps = 0; steps < 3660; steps++) {
      if (this.isWorkingDay(day)) {
        for (const period of this.periods) {
          const from = Math.max(minute, period.start);
          if (from >= period.end) continue;
          const available = period.end - from;
          if (left <= available) return instantAt(day, from + left);
          left -= available;
        }
      }
      day = addDays(day, 1);
      minute = 0;
    }
    throw new Error(`cannot add ${minutes} working minutes to ${start.toISOString()}`);
  }
}
