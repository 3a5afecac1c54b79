import { ticketEvents, tickets } from '@hotline/db';
import { and, eq } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { solveSum } from '../support/pow.ts';
import { NORMAL_SENTENCE, URGENT_SENTENCE } from '../support/urgency-sentences.ts';
import { launchBrowser, openPhone } from './support/browser.ts';
import { type Portal, startPortal } from './support/portal.ts';

// One urgency rule on every channel (issue 16), the portal's part: the form
// has no urgency field, and the same sentences that are urgent and ordinary
// over the API, Telegram and WeChat (tests/bots/urgency-channels.test.ts)
// are so when filed through 我要反映.

let portal: Portal;
let browser: Browser;

beforeAll(async () => {
  [portal, browser] = await Promise.all([startPortal({ powBits: 12 }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await portal?.close();
});

async function fileOnPortal(description: string, phone: string): Promise<string> {
  const visit = await openPhone(browser, { javaScript: false });
  const { page } = visit;
  await page.goto(`${portal.url}/file`);
  await page.getByLabel('请描述您的问题').fill(description);
  await page.getByLabel('投诉', { exact: true }).check();
  await page.getByLabel('所在区').selectOption({ index: 1 });
  await page.getByLabel('详细地址').fill('和平路25号小区东门');
  await page.getByLabel('您的姓名').fill('张先生');
  await page.getByLabel('联系电话').fill(phone);
  await page.getByRole('button', { name: '下一步：核对内容' }).click();
  await expect.poll(() => page.locator('h1').textContent()).toBe('核对诉求内容');
  const label = (await page.locator('label[for="pow-answer"]').textContent())!;
  await page.locator('#pow-answer').fill(solveSum(/验证题：(.+？)/.exec(label)![1]!));
  await page.getByRole('button', { name: '确认提交' }).click();
  await expect.poll(() => page.locator('h1').textContent()).toBe('提交成功');
  const ticketNo = (await page.locator('[data-ticket-no]').textContent())!.replace(/\s/g, '');
  await visit.context.close();
  return ticketNo;
}

async function stored(ticketNo: string) {
  const db = portal.running.database.db;
  const [ticket] = await db.select().from(tickets).where(eq(tickets.ticketNo, ticketNo));
  const [event] = await db.select().from(ticketEvents).where(and(eq(ticketEvents.ticketId, ticket!.id), eq(ticketEvents.action, 'submit')));
  return { ticket: ticket!, why: (event!.data as { urgency: { level: string; by: string; words: string[] } }).urgency };
}

describe('我要反映 decides urgency on the server', () => {
  it('the urgent sentence files urgent, with its rule words; the ordinary one files normal', async () => {
    const urgent = await stored(await fileOnPortal(URGENT_SENTENCE, '13912340001'));
    expect(urgent.ticket).toMatchObject({ channel: 'web', urgency: 'urgent' });
    expect(urgent.why).toMatchObject({ level: 'urgent', by: 'rule' });
    expect(urgent.why.words).toContain('摇摇欲坠');

    const normal = await stored(await fileOnPortal(NORMAL_SENTENCE, '13912340002'));
    expect(normal.ticket).toMatchObject({ channel: 'web', urgency: 'normal' });
    expect(normal.why).toMatchObject({ level: 'normal', by: 'none' });
  }, 120_000);
});
