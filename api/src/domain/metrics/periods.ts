import { addDays, weekdayOf, type LocalDay } from '../calendar/local-time.ts';

/**
 * The periods the office reports on: 周报 (Monday to Sunday), 月报 and
 * 季报, in Beijing days, each with the one before it for comparison.
 */
export const PERIOD_KINDS = ['week', 'month', 'quarter'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

export interface Period {
  kind: PeriodKind;
  /** First day, inclusive. */
  from: LocalDay;
  /** Last day, inclusive. */
  to: LocalDay;
  label: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
const lastDayOfMonth = (year: number, month: number): LocalDay => addDays(`${month === 12 ? year + 1 : year}-${pad(month === 12 ? 1 : month + 1)}-01`, -1);

/** The period of `kind` that contains `day`. */
export function periodOf(kind: PeriodKind, day: LocalDay): Period {
  const year = Number(day.slice(0, 4));
  const month = Number(day.slice(5, 7));
  switch (kind) {
    case 'week': {
      const from = addDays(day, -((weekdayOf(day) + 6) % 7));
      const to = addDays(from, 6);
      return { kind, from, to, label: `${from} 至 ${to} 周报` };
    }
    case 'month':
      return { kind, from: `${year}-${pad(month)}-01`, to: lastDayOfMonth(year, month), label: `${year}年${month}月` };
    case 'quarter': {
      const q = Math.ceil(month / 3);
      const first = (q - 1) * 3 + 1;
      return { kind, from: `${year}-${pad(first)}-01`, to: lastDayOfMonth(year, first + 2), label: `${year}年第${q}季度` };
    }
  }
}

/** The period just before `period`, of the same kind. */
export const previousPeriod = (period: Period): Period => periodOf(period.kind, addDays(period.from, -1));

/** The last period of `kind` that has ended by `today` (the one reports are written about). */
export const lastFinishedPeriod = (kind: PeriodKind, today: LocalDay): Period => previousPeriod(periodOf(kind, today));

/** `YYYY-MM` → that month. */
export const monthPeriod = (month: string): Period => periodOf('month', `${month}-01`);
