import { kbEntries, kbUnanswered } from '@hotline/db';
import { eq } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspect, launchBrowser, openPhone } from './support/browser.ts';
import { type Portal, startPortal } from './support/portal.ts';

let portal: Portal;
let browser: Browser;

beforeAll(async () => {
  [portal, browser] = await Promise.all([startPortal(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await portal?.close();
});

const db = () => portal.running.database.db;

describe('a citizen looking for an answer', () => {
  it('sees answers while typing on the home page, reads one, and files when it did not help, with the question carried over', async () => {
    const visit = await openPhone(browser);
    const { page } = visit;
    await page.goto(portal.url);
    await expect.poll(() => page.locator('h1').textContent()).toBe('有什么可以帮您？');
    await inspect(visit, 'home');

    await page.locator('#q').pressSequentially('社保卡丢了怎么补', { delay: 30 });
    const first = page.locator('#instant-results li a').first();
    // A pause of more than the 250 ms debounce while typing (a busy machine) shows
    // the answers to a shorter question first, such as 社保: wait for the full one's.
    await expect.poll(() => first.textContent()).toContain('社保卡');
    expect(await page.locator('#instant-results [role="status"]').textContent()).toMatch(/找到 \d+ 条可能的答案/);
    await inspect(visit, 'home-instant-answers');

    await first.click();
    await page.waitForURL(/\/answer\//);
    const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    expect(await page.locator('h1').textContent()).toContain('社保卡');
    await expect.poll(() => page.locator('dl.summary').textContent()).toContain('答复单位');
    await inspect(visit, 'answer');
    const [before] = await db().select().from(kbEntries).where(eq(kbEntries.id, id));

    await page.getByRole('button', { name: '没解决' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('很抱歉没能帮到您');
    const [after] = await db().select().from(kbEntries).where(eq(kbEntries.id, id));
    expect(after!.notHelpfulCount).toBe(before!.notHelpfulCount + 1);
    const queued = await db().select().from(kbUnanswered).where(eq(kbUnanswered.entryId, id));
    expect(queued.map((q) => q.sampleText)).toContain('社保卡丢了怎么补');
    await inspect(visit, 'answer-not-helpful');

    await page.getByRole('button', { name: '继续提交我的问题' }).click();
    await page.waitForURL(/\/file$/);
    await expect.poll(() => page.locator('textarea[name="description"]').inputValue()).toBe('社保卡丢了怎么补');
    await visit.context.close();
  });

  it('works without JavaScript: the box posts the question and the answer page records the vote', async () => {
    const visit = await openPhone(browser, { javaScript: false });
    const { page } = visit;
    await page.goto(portal.url);
    await page.locator('#q').fill('公积金怎么提取');
    await page.locator('#q').press('Enter');
    await page.waitForURL(/\/ask$/);
    await expect.poll(() => page.locator('#answer-title').textContent()).toBe('为您找到的答复');
    expect((await page.locator('.answer-body').textContent())?.trim()).toBeTruthy();
    await inspect(visit, 'ask-answer-nojs');
    await page.getByRole('button', { name: '解决了' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('感谢您的反馈');
    await visit.context.close();
  });

  it('says plainly when it has no answer, offers to send the question, and puts an emergency first', async () => {
    const visit = await openPhone(browser, { javaScript: false });
    const { page } = visit;
    await page.goto(`${portal.url}/ask`);
    await page.getByLabel('您的问题').fill('火星移民申请表在哪里领取');
    await page.getByRole('button', { name: '查找答复' }).click();
    await expect.poll(() => page.locator('#not-sure-title').textContent()).toBe('暂时没有找到准确的答复');
    expect(await page.getByRole('button', { name: '提交咨询，请部门答复' }).isVisible()).toBe(true);
    // Nothing near it: no list, and no words pointing at one.
    expect(await page.locator('section[aria-labelledby="not-sure-title"]').textContent()).not.toContain('下面相近的问题');
    await inspect(visit, 'ask-no-answer');

    // Unsure, though likely near an entry on water: the closest entries are offered as a list.
    await page.getByLabel('您的问题').fill('管子里流出来的水不太对劲');
    await page.getByRole('button', { name: '查找答复' }).click();
    const related = page.locator('section[aria-labelledby="not-sure-title"] a[href^="/answer/"]');
    await expect.poll(() => related.count()).toBeGreaterThan(0);
    expect(await related.first().textContent()).toContain('水');
    expect(await page.locator('section[aria-labelledby="not-sure-title"]').textContent()).toContain('下面相近的问题');
    await inspect(visit, 'ask-related');

    await page.getByLabel('您的问题').fill('楼道里着火了，好多烟');
    await page.getByRole('button', { name: '查找答复' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('119');
    await inspect(visit, 'ask-emergency');

    await page.getByLabel('您的问题').fill('');
    await page.getByRole('button', { name: '查找答复' }).click();
    // The browser's own check stops an empty required field before it is sent.
    expect(await page.locator('#question').evaluate((el) => (el as HTMLInputElement).validity.valueMissing)).toBe(true);
    await visit.context.close();
  });
});

describe('display and language', () => {
  it('switches 长辈模式 on with bigger type and targets, and keeps it on other pages', async () => {
    const visit = await openPhone(browser);
    const { page } = visit;
    await page.goto(portal.url);
    const size = () => page.evaluate(() => Number.parseFloat(getComputedStyle(document.documentElement).fontSize));
    const buttonHeight = () => page.locator('.search-row button').evaluate((el) => el.getBoundingClientRect().height);
    const [normalSize, normalButton] = [await size(), await buttonHeight()];
    await page.getByRole('button', { name: '开启长辈模式' }).click();
    await expect.poll(() => page.locator('html').getAttribute('class')).toBe('care');
    expect(await size()).toBeGreaterThanOrEqual(normalSize * 1.2);
    expect(await buttonHeight()).toBeGreaterThanOrEqual(56);
    expect(normalButton).toBeLessThan(56);
    await inspect(visit, 'home-care');
    await page.goto(`${portal.url}/ask`);
    await expect.poll(() => page.locator('html').getAttribute('class')).toBe('care');
    await inspect(visit, 'ask-care');
    await page.getByRole('button', { name: '关闭长辈模式' }).click();
    await expect.poll(() => page.locator('html').getAttribute('class')).toBeNull();
    await visit.context.close();
  });

  it('shows the portal in English and back in Chinese', async () => {
    const visit = await openPhone(browser, { javaScript: false });
    const { page } = visit;
    await page.goto(`${portal.url}/ask`);
    await page.getByRole('button', { name: 'English' }).click();
    await page.waitForURL(/\/ask$/);
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Ask a question');
    await inspect(visit, 'ask-english');
    await page.goto(portal.url);
    await expect.poll(() => page.locator('h1').textContent()).toBe('How can we help you?');
    await inspect(visit, 'home-english');
    await page.getByRole('button', { name: '中文' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('有什么可以帮您？');
    await visit.context.close();
  });
});
