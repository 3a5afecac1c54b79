/** A clock the test moves by hand, so deadlines and windows can be crossed on purpose. */
export class TestClock {
  #now: number;

  constructor(start: string | Date = '2026-11-23T09:00:00+08:00') {
    this.#now = new Date(start).getTime();
  }

  now = (): Date => new Date(this.#now);

  set(instant: string | Date): void {
    this.#now = new Date(instant).getTime();
  }

  advance({ days = 0, hours = 0, minutes = 0 }: { days?: number; hours?: number; minutes?: number }): void {
    this.#now += ((days * 24 + hours) * 60 + minutes) * 60_000;
  }
}
