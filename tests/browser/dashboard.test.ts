import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { powHeaders } from '../support/pow.ts';
import { inspect, launchBrowser, openDesktop, openPhone } from './support/browser.ts';
import { type Portal, startPortal } from './support/portal.ts';

// 统计看板 on the whole system as npm start runs it: three tickets filed today
// show in the volume views and the metrics table; axe at desktop and 390 px;
// a unit handler is refused.

let portal: Portal;
let browser: Browser;

beforeAll(async () => {
  [portal, browser] = await Promise.all([startPortal({ powBits: 8 }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await portal?.close();
});

describe('统计看板', () => {
  it('shows the period’s volume and metrics as charts with tables, accessible at both widths', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${portal.url}/api/tickets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(await powHeaders(portal.url)) },
        body: JSON.stringify({
          channel: 'web',
          type: 'complaint',
          category: i === 2 ? 'transport.shared_bikes' : 'utilities.water_outage',
          title: '反映问题',
          description: `文昌路${i + 1}号附近的问题已经持续好几天了，请有关部门尽快处理。`,
          location: { district: 'dongcheng', street: 'dongcheng_wenchang', address: `文昌路${i + 1}号` },
          contact: { name: '市民', phone: `1390000${String(2000 + i)}` },
        }),
      });
      expect(res.status, await res.clone().text()).toBe(201);
    }
    const desktop = await openDesktop(browser);
    await portal.logIn(desktop.page, 'demo.supervisor');
    await desktop.page.goto(`${portal.url}/staff/dashboard?groupBy=channel`);
    expect(await desktop.page.locator('[data-nav="dashboard"]').getAttribute('aria-current')).toBe('page');
    expect(await desktop.page.locator('[data-total]').getAttribute('data-total')).toBe('3');
    const categories = await desktop.page.locator('[data-top-categories] tbody tr').allInnerTexts();
    expect(categories.map((r) => r.replace(/\s+/g, ' ').trim())).toEqual(['水电气暖 2', '交通出行 1']);
    // Grouped by channel: the repeat rate's denominator is the tickets created per channel.
    expect(await desktop.page.locator('[data-group="web"] [data-metric="repeat"]').innerText()).toContain('0 / 3');
    expect(await desktop.page.locator('[data-chart] svg[role="img"] title').count()).toBeGreaterThanOrEqual(3);
    await inspect(desktop, 'dashboard-desktop');

    const phone = await openPhone(browser);
    await portal.logIn(phone.page, 'demo.supervisor');
    await phone.page.goto(`${portal.url}/staff/dashboard`);
    await inspect(phone, 'dashboard-phone');
    await desktop.context.close();
    await phone.context.close();
  });
});
