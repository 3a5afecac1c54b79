import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { powHeaders } from '../support/pow.ts';
import { inspect, launchBrowser, openPhone } from './support/browser.ts';
import { type Portal, startPortal } from './support/portal.ts';

// 一并派单: three citizens report the same broken street light on three
// channels; the running system links them as one matter; the dispatcher opens
// one in 待派单, is offered the other two, and dispatches all three at once to
// one unit, each with its own dispatch event. At 390 px, axe clean.

let portal: Portal;
let browser: Browser;

beforeAll(async () => {
  [portal, browser] = await Promise.all([startPortal({ powBits: 8 }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await portal?.close();
});

const location = { district: 'xiling', street: 'xiling_cuihu', address: '翠湖路 8 号' };

async function file(body: Record<string, unknown>): Promise<string> {
  const res = await fetch(`${portal.url}/api/tickets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await powHeaders(portal.url)) },
    body: JSON.stringify({ channel: 'web', type: 'complaint', category: 'urban_management', location, contact: { name: '市民', phone: '13900004000' }, ...body }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { ticketNo: string }).ticketNo;
}

describe('一并派单', () => {
  it('dispatches a cluster of the same matter once, to one unit', async () => {
    const first = await file({ title: '翠湖路路灯不亮', description: '翠湖路 8 号门口的路灯坏了一个多星期，晚上一片漆黑，老人出门很不安全。' });
    const second = await file({ title: '路灯坏了', description: '翠湖路8号附近的路灯一直不亮，晚上黑漆漆的，希望尽快修好。', contact: { name: '居民', phone: '13900004001' } });
    const third = await file({ title: '翠湖路路灯还是不亮', description: '翠湖路 8 号的路灯坏了很久，天黑以后走路很危险，到现在还没有修。', contact: { name: '路人', phone: '13900004002' } });
    // The outbox worker links each filing after it is stored.
    for (let i = 0; i < 100; i++) {
      const cluster = await portal.staff('demo.dispatcher', `/api/staff/tickets/${first}/cluster`);
      if (cluster.json.members.length === 3) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const no of [first, second, third]) {
      const accepted = await portal.staff('demo.operator', `/api/staff/tickets/${no}/accept`, { category: 'urban_management.municipal_facilities' });
      expect(accepted.status, JSON.stringify(accepted.json)).toBe(200);
    }

    const phone = await openPhone(browser);
    await portal.logIn(phone.page, 'demo.dispatcher');
    // 待派单 marks each of them with the others waiting.
    await phone.page.goto(`${portal.url}/staff?queue=dispatch`);
    expect(await phone.page.locator('[data-same-matter]').evaluateAll((tags) => tags.map((t) => t.getAttribute('data-same-matter')))).toEqual(['2', '2', '2']);
    expect(await phone.page.locator('[data-same-matter]').first().innerText()).toBe('同一问题另有 2 件待派单');
    await inspect(phone, 'cluster-dispatch-queue-phone');
    await phone.page.goto(`${portal.url}/staff/tickets/${second}`);
    const offer = phone.page.locator('[data-together]');
    expect(await offer.getAttribute('data-together')).toBe('2');
    expect(await offer.locator('legend').innerText()).toBe('同一问题还有 2 件待派单');
    expect(await offer.locator('li').allInnerTexts()).toEqual([expect.stringContaining(first), expect.stringContaining(third)]);
    expect(await phone.page.getByLabel('一并派给同一单位（共 3 件，各自记入办理过程）').isChecked()).toBe(true);
    await inspect(phone, 'cluster-dispatch-phone');

    await phone.page.locator('#dispatch-leadUnitId').selectOption('city_urban_mgmt');
    await phone.page.locator('section[data-action="dispatch"] button[type="submit"]').click();
    await phone.page.waitForURL(/done=dispatch/);
    expect(await phone.page.locator('[data-together-done]').innerText()).toBe('同一问题的 2 件已一并派单。');
    for (const no of [first, second, third]) {
      const ticket = await portal.staff('demo.dispatcher', `/api/staff/tickets/${no}`);
      expect(ticket.json.status, no).toBe('dispatched');
      expect(ticket.json.leadUnitId).toBe('city_urban_mgmt');
    }
    await phone.page.goto(`${portal.url}/staff?queue=dispatch`);
    expect(await phone.page.locator('[data-same-matter]').count()).toBe(0);
    // Each carries its own dispatch event; the others say whom they went with.
    const firstTicket = await portal.staff('demo.dispatcher', `/api/staff/tickets/${first}`);
    expect(JSON.stringify(firstTicket.json.events)).toContain(`随工单 ${second} 一并派单`);
    await phone.context.close();
  });
});
