import { ticketFollowers, tickets } from '@hotline/db';
import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { solveSum } from '../support/pow.ts';
import { inspect, launchBrowser, openPhone, screenshot } from './support/browser.ts';
import { type Portal, startPortal } from './support/portal.ts';

// 我要反映 offers the open ticket of the same matter before filing
// ("这个问题已有 N 位市民反映，工单 … 正在办理"): 关注此工单 files nothing and
// counts the citizen once; 仍要提交 files as before.

let portal: Portal;
let browser: Browser;

beforeAll(async () => {
  [portal, browser] = await Promise.all([startPortal({ powBits: 12 }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await portal?.close();
});

/** Fills 我要反映 (without scripts: the form works without them) and goes to the review step. */
async function review(page: Page, description: string, phone: string) {
  await page.goto(`${portal.url}/file`);
  await page.getByLabel('请描述您的问题').fill(description);
  await page.getByLabel('投诉', { exact: true }).check();
  await page.getByLabel('所在区').selectOption('dongcheng');
  await page.getByLabel('街道（乡镇）').selectOption('dongcheng_heping');
  await page.getByLabel('详细地址').fill('和平路 8 号');
  await page.getByLabel('您的姓名').fill('王女士');
  await page.getByLabel('联系电话').fill(phone);
  await page.getByRole('button', { name: '下一步：核对内容' }).click();
  await expect.poll(() => page.locator('h1').textContent()).toBe('核对诉求内容');
}

async function solvePow(page: Page) {
  const label = (await page.locator('label[for="pow-answer"]').textContent())!;
  await page.locator('#pow-answer').fill(solveSum(/验证题：(.+？)/.exec(label)![1]!));
}

describe('我要反映: the same matter already reported', () => {
  it('offers the open ticket; following files nothing and counts once, 仍要提交 files', async () => {
    const db = portal.running.database.db;
    const before = await db.$count(tickets);
    // The first citizen files; nothing similar is offered to them.
    const first = await openPhone(browser, { javaScript: false });
    await review(first.page, '和平路 8 号门前的路灯坏了好几天，晚上一片漆黑，走路很不安全。', '13912345001');
    expect(await first.page.locator('[data-similar-offer]').count()).toBe(0);
    await solvePow(first.page);
    await first.page.getByRole('button', { name: '确认提交' }).click();
    await expect.poll(() => first.page.locator('h1').textContent()).toBe('提交成功');
    const ticketNo = (await first.page.locator('[data-ticket-no]').textContent())!.replace(/\s/g, '');
    await first.context.close();

    // The second says it another way and is offered the first ticket: follows it.
    const second = await openPhone(browser, { javaScript: false });
    await review(second.page, '和平路这边的路灯坏了，天黑以后看不见路，走路很危险。', '13912345002');
    const offer = second.page.locator('[data-similar-offer]');
    await expect.poll(() => offer.locator('strong').textContent()).toBe(`这个问题已有 1 位市民反映，工单 ${ticketNo} 正在办理（待受理）。`);
    await inspect(second, 'duplicate-offer-390');
    await second.page.getByRole('button', { name: `关注此工单（${ticketNo}）` }).click();
    await expect.poll(() => second.page.locator('h1').textContent()).toBe('已关注工单');
    await expect.poll(() => second.page.getByRole('status').first().textContent()).toBe(`您已关注工单 ${ticketNo}，这个问题现有 2 位市民反映。`);
    await screenshot(second.page, 'duplicate-followed-390');
    await second.context.close();
    const [ticket] = await db.select({ id: tickets.id }).from(tickets).where(eq(tickets.ticketNo, ticketNo));
    const followers = await db.select().from(ticketFollowers).where(eq(ticketFollowers.ticketId, ticket!.id));
    expect(followers.map((f) => [f.channel, f.phone])).toEqual([['web', '13912345002']]);
    expect(await db.$count(tickets)).toBe(before + 1);

    // The third is offered it with two reporters, at desktop width, and files anyway.
    const third = await openPhone(browser, { javaScript: false, width: 1366 });
    await review(third.page, '和平路的路灯坏了，晚上黑漆漆的，希望尽快修好。', '13912345003');
    await expect.poll(() => third.page.locator('[data-similar-offer] strong').textContent()).toContain('已有 2 位市民反映');
    await screenshot(third.page, 'duplicate-offer-desktop');
    await solvePow(third.page);
    await third.page.getByRole('button', { name: '仍要提交' }).click();
    await expect.poll(() => third.page.locator('h1').textContent()).toBe('提交成功');
    await third.context.close();
    expect(await db.$count(tickets)).toBe(before + 2);
  }, 180_000);
});
