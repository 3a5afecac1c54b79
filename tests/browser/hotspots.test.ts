import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { powHeaders } from '../support/pow.ts';
import { inspect, launchBrowser, openDesktop, openPhone } from './support/browser.ts';
import { type Portal, startPortal } from './support/portal.ts';

// 热点预警 in the staff area, on the whole system as npm start runs it: the
// empty list; 15 water-outage tickets on one street within minutes raise one
// warning (the hot-spot job run by the server's own background jobs); a
// supervisor finds it in the navigation, opens it, 确认, then 指派 to the water
// company, which dispatches its tickets together; the page at phone width.

let portal: Portal;
let browser: Browser;

beforeAll(async () => {
  [portal, browser] = await Promise.all([startPortal({ powBits: 8 }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await portal?.close();
});

describe('热点预警', () => {
  it('a burst becomes one warning that a supervisor acknowledges and assigns, its tickets dispatched together', async () => {
    const supervisor = await openDesktop(browser);
    const { page } = supervisor;
    await portal.logIn(page, 'demo.supervisor');
    await page.goto(`${portal.url}/staff/hotspots`);
    // In the staff navigation, marked as the page shown.
    expect(await page.locator('[data-nav="hotspots"]').getAttribute('aria-current')).toBe('page');
    expect(await page.locator('[data-hotspots-empty]').innerText()).toContain('暂无未关闭的预警');
    await inspect(supervisor, 'hotspots-empty');

    const filed: string[] = [];
    for (let i = 0; i < 15; i++) {
      const res = await fetch(`${portal.url}/api/tickets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(await powHeaders(portal.url)) },
        body: JSON.stringify({
          channel: 'web',
          type: 'complaint',
          category: 'utilities.water_outage',
          title: i % 2 ? '锦绣街道停水' : '小区突然停水了',
          description: `锦绣花园${i + 1}栋今天上午突然停水，没有看到停水通知，做饭洗漱都成问题。`,
          location: { district: 'dongcheng', street: 'dongcheng_jinxiu', address: `锦绣花园${i + 1}栋` },
          contact: { name: '市民', phone: `1390000${String(1000 + i)}` },
        }),
      });
      expect(res.status, await res.clone().text()).toBe(201);
      filed.push(((await res.json()) as { ticketNo: string }).ticketNo);
    }
    const run = await portal.running.jobs!.runHotspots();
    // The server's own timer may have run the job a moment earlier: then this run updates that warning.
    expect(run.raised.length + run.updated.length).toBe(1);

    await page.goto(`${portal.url}/staff/hotspots`);
    const rows = page.locator('[data-hotspot-row]');
    expect(await rows.count()).toBe(1);
    const row = rows.first();
    expect(await row.innerText()).toContain('东城区锦绣街道');
    expect(await row.innerText()).toContain('15 件（待派 15）');
    expect(await row.locator('[data-hotspot-status]').innerText()).toBe('待确认');
    await inspect(supervisor, 'hotspots-list');

    await row.getByRole('link').click();
    await page.waitForURL(/\/staff\/hotspots\?id=/);
    expect(await page.locator('[data-hotspot-title]').innerText()).toMatch(/锦绣街道「.*停水.*」近1小时15件/);
    expect(await page.locator('[data-hotspot-reason]').innerText()).toContain('泊松检验');
    expect(await page.locator('[data-ticket-row]').count()).toBe(15);
    await inspect(supervisor, 'hotspots-detail');

    await page.getByRole('button', { name: '确认预警' }).click();
    await page.waitForURL(/done=acknowledge/);
    expect(await page.locator('[data-done]').innerText()).toContain('已确认预警');
    expect(await page.locator('[data-hotspot-status]').innerText()).toBe('已确认');

    // 指派 without a unit: the API's message at the field, nothing dispatched.
    await page.getByRole('button', { name: '指派并派单' }).click();
    expect(await page.locator('#assign-unit-error').innerText()).toContain('请选择承办单位');
    await page.getByLabel('承办单位').selectOption({ label: '示范市自来水有限公司' });
    // Fifteen tickets, each accepted and dispatched in its own transaction: give the machine's load room.
    await page.getByRole('button', { name: '指派并派单' }).click({ timeout: 60_000 });
    await page.waitForURL(/done=assign/, { timeout: 60_000 });
    expect(await page.locator('[data-done]').innerText()).toContain('已派单 15 件');
    expect(await page.locator('[data-hotspot-status]').innerText()).toBe('已指派');
    expect(await page.locator('[data-hotspot-unit]').innerText()).toBe('示范市自来水有限公司');
    const statuses = await page.locator('[data-ticket-status]').allInnerTexts();
    expect(statuses).toEqual(Array(15).fill('已派单'));
    await inspect(supervisor, 'hotspots-assigned');

    // Through the API, as the other tools see it: every ticket went to the water company in a dispatch event.
    const ticket = await portal.staff('demo.supervisor', `/api/staff/tickets/${filed[0]}`);
    expect(ticket.json.status).toBe('dispatched');
    expect(ticket.json.leadUnitId).toBe('util_water');

    // The same warning at a street office's phone width.
    const phone = await openPhone(browser);
    await portal.logIn(phone.page, 'demo.supervisor');
    await phone.page.goto(page.url().replace(/&done=.*$/, ''));
    expect(await phone.page.locator('[data-ticket-row]').count()).toBe(15);
    await inspect(phone, 'hotspots-detail-phone');
    await phone.context.close();
    await supervisor.context.close();
  });
});
