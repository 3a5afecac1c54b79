import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeVolumeProfile } from '../../api/src/domain/metrics/volume-profile.ts';
import { createTicket } from '../../api/src/domain/tickets/create.ts';
import { CreateTicketInput } from '../../api/src/domain/tickets/schemas.ts';
import { createHarness, createStaff, type Harness, type TestStaff } from '../support/harness.ts';
import { ticketBody } from '../support/factories.ts';

// The dashboard's volume views on six tickets placed by hand around the week of
// Sunday 1 – Saturday 7 November 2026 (Beijing time), two of them just outside.

let h: Harness;
let supervisor: TestStaff, handler: TestStaff;
const citizen = { kind: 'citizen', channel: 'web', channelUserId: null } as const;
async function fileAt(beijing: string, overrides: Record<string, unknown> = {}) {
  h.clock.set(`${beijing}+08:00`);
  await createTicket(await h.ctx(citizen), CreateTicketInput.parse(ticketBody(overrides)));
}

beforeAll(async () => {
  h = await createHarness();
  [supervisor, handler] = await Promise.all([createStaff(h, 'supervisor'), createStaff(h, 'unit_handler', 'util_water')]);
  await fileAt('2026-10-31T23:59:00'); // Saturday before: outside
  await fileAt('2026-11-02T09:10:00'); // Monday 09h, 和平 street, water
  await fileAt('2026-11-02T09:40:00'); // Monday 09h, 和平 street, water
  await fileAt('2026-11-04T14:00:00', { category: 'utilities.power_outage', location: { district: 'dongcheng', street: 'dongcheng_wenchang', address: '文昌路 3 号' } });
  await fileAt('2026-11-07T23:30:00', { type: 'consultation', category: 'household_registration.residence_permit', location: undefined }); // Saturday 23h, no street
  await fileAt('2026-11-08T00:00:00'); // Sunday after: outside
});
afterAll(() => h?.close());

describe('volume profile', () => {
  it('counts by day, hour, weekday, category and street in Beijing time', async () => {
    const p = await computeVolumeProfile(await h.ctx(supervisor), { from: '2026-11-01', to: '2026-11-07' });
    expect(p.total).toBe(4);
    expect(p.byDay).toEqual([
      { day: '2026-11-01', count: 0 },
      { day: '2026-11-02', count: 2 },
      { day: '2026-11-03', count: 0 },
      { day: '2026-11-04', count: 1 },
      { day: '2026-11-05', count: 0 },
      { day: '2026-11-06', count: 0 },
      { day: '2026-11-07', count: 1 },
    ]);
    const hours = Array.from({ length: 24 }, () => 0);
    hours[9] = 2;
    hours[14] = 1;
    hours[23] = 1;
    expect(p.byHour).toEqual(hours);
    expect(p.byWeekday).toEqual([2, 0, 1, 0, 0, 1, 0]);
    expect(p.topCategories.map((c) => [c.key, c.count])).toEqual([['utilities', 3], ['household_registration', 1]]);
    expect(p.topCategories[0]!.label).toBe('水电气暖');
    expect(p.topStreets.map((c) => [c.key, c.count])).toEqual([['dongcheng_heping', 2], ['dongcheng_wenchang', 1]]);
  });

  it('takes the last day whole and refuses a reversed period and a unit handler', async () => {
    const p = await computeVolumeProfile(await h.ctx(supervisor), { from: '2026-11-08', to: '2026-11-08' });
    expect(p.total).toBe(1);
    expect(p.byWeekday[6]).toBe(1);
    await expect(computeVolumeProfile(await h.ctx(supervisor), { from: '2026-11-07', to: '2026-11-01' })).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(computeVolumeProfile(await h.ctx(handler), { from: '2026-11-01', to: '2026-11-07' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
