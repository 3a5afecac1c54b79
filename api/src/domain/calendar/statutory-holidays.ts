import chineseDays from 'chinese-days';
import { addDays, type LocalDay } from './local-time.ts';

/**
 * The public holidays fixed by the State Council's 全国年节及纪念日放假办法
 * (as amended in 2024), for years whose official arrangement — which also
 * moves weekend days around (调休) — has not been published in the
 * chinese-days package yet. Make-up working days cannot be derived; they are
 * entered as calendar overrides when the arrangement is published.
 */
// chinese-days is a UMD bundle: Node's ESM loader sees only its default export.
const { getSolarDateFromLunar, getSolarTermDate } = chineseDays;

export function statutoryHolidays(year: number): Map<LocalDay, string> {
  const days = new Map<LocalDay, string>();
  const pad = (n: number) => String(n).padStart(2, '0');
  const add = (day: LocalDay, name: string) => days.set(day, name);

  add(`${year}-01-01`, '元旦');
  const springFestival = getSolarDateFromLunar(`${year}-01-01`).date;
  add(addDays(springFestival, -1), '春节');
  for (let i = 0; i < 3; i++) add(addDays(springFestival, i), '春节');
  add(getSolarTermDate(year, 4, 'pure_brightness'), '清明节');
  add(`${year}-05-01`, '劳动节');
  add(`${year}-05-02`, '劳动节');
  add(getSolarDateFromLunar(`${year}-05-05`).date, '端午节');
  add(getSolarDateFromLunar(`${year}-08-15`).date, '中秋节');
  for (let d = 1; d <= 3; d++) add(`${year}-10-${pad(d)}`, '国庆节');
  return days;
}
