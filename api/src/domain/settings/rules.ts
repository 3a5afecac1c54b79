import { calendarOverrides, type Db, settings as settingsTable } from '@hotline/db';
import { type CalendarOverride, WorkingCalendar } from '../calendar/working-calendar.ts';
import { type Catalog, loadCatalog } from '../catalog/catalog.ts';
import { CalendarSettings, SETTING_KEYS, Settings } from './settings.ts';

/** The rules in force: settings, the working calendar and the reference data (categories, districts, units). */
export interface Rules {
  settings: Settings;
  calendar: WorkingCalendar;
  catalog: Catalog;
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));

export function buildCalendar(calendar: CalendarSettings, overrides: Iterable<CalendarOverride>): WorkingCalendar {
  return new WorkingCalendar(
    overrides,
    calendar.workingHours.map((p) => ({ start: toMinutes(p.start), end: toMinutes(p.end) })),
  );
}

export async function loadRules(db: Db): Promise<Rules> {
  const rows = await db.select().from(settingsTable);
  const raw: Record<string, unknown> = {};
  for (const row of rows) if ((SETTING_KEYS as readonly string[]).includes(row.key)) raw[row.key] = row.value;
  const parsed = Settings.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`settings table holds invalid rules: ${parsed.error.message}`);
  }
  const [overrides, catalog] = await Promise.all([db.select().from(calendarOverrides), loadCatalog(db)]);
  return { settings: parsed.data, calendar: buildCalendar(parsed.data.calendar, overrides), catalog };
}

/**
 * Settings, calendar overrides and reference data change rarely but are
 * read on every ticket change: keep them in memory, reload after `ttlMs` (so every
 * instance picks up another instance's edit) and at once after a local edit.
 */
export class RulesCache {
  readonly #db: Db;
  readonly #ttlMs: number;
  #current: Promise<Rules> | undefined;
  #loadedAt = 0;

  constructor(db: Db, ttlMs = 60_000) {
    this.#db = db;
    this.#ttlMs = ttlMs;
  }

  get(): Promise<Rules> {
    if (!this.#current || Date.now() - this.#loadedAt > this.#ttlMs) {
      this.#loadedAt = Date.now();
      const loading = loadRules(this.#db);
      // A failed load must not be cached: the next call tries again.
      loading.catch(() => {
        if (this.#current === loading) this.#current = undefined;
      });
      this.#current = loading;
    }
    return this.#current;
  }

  invalidate(): void {
    this.#current = undefined;
  }
}
