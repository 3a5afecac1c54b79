// The hotline works on Beijing time. China has had no daylight saving time
// since 1991, so a fixed +08:00 offset is exact and independent of the
// server's own time zone.
const OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** A calendar day in Beijing time, `YYYY-MM-DD`. */
export type LocalDay = string;

export function localDayOf(instant: Date): LocalDay {
  return new Date(instant.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** Minutes since local midnight. */
export function localMinuteOf(instant: Date): number {
  const shifted = new Date(instant.getTime() + OFFSET_MS);
  return shifted.getUTCHours() * 60 + shifted.getUTCMinutes() + shifted.getUTCSeconds() / 60 + shifted.getUTCMilliseconds() / 60000;
}

/** The instant at `minute` minutes after local midnight of `day`. */
export function instantAt(day: LocalDay, minute: number): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) - OFFSET_MS + Math.round(minute * 60000));
}

export function addDays(day: LocalDay, days: number): LocalDay {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(day: LocalDay): number {
  return new Date(`${day}T00:00:00Z`).getUTCDay();
}

export function isLocalDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const instant = instantAt(value, 0);
  return !Number.isNaN(instant.getTime()) && localDayOf(instant) === value;
}

/** Formats an instant as `YYYY-MM-DD HH:mm` Beijing time, for people. */
export function formatLocal(instant: Date): string {
  return new Date(instant.getTime() + OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}
