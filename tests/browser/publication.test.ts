import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { powHeaders } from '../support/pow.ts';
import { inspect, launchBrowser, openPhone, type Visit } from './support/browser.ts';
import { type Portal, startPortal } from './support/portal.ts';

// 典型案例 in the workbench: a case filed with consent and personal details,
// handled and rated satisfied, waits in 待公开; a supervisor checks the marked
// replacements, 公开 puts it on 回音壁 without the details, 撤下 takes it off.

let portal: Portal;
let browser: Browser;

beforeAll(async () => {
  [portal, browser] = await Promise.all([startPortal({ powBits: 12 }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await portal?.close();
});

type Demo = 'demo.unit' | 'demo.supervisor';
const password = (username: Demo) => portal.running.demoAccounts.find((a) => a.username === username)!.password;

async function openDesktop(): Promise<Visit> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, deviceScaleFactor: 1, locale: 'zh-CN' });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  return { context, page, problems, javaScript: true };
}

async function logIn(page: Page, username: Demo) {
  await page.goto(`${portal.url}/staff`);
  await page.waitForURL(/\/staff\/login/);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password(username));
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(/\/staff(\?|$)/);
}

const PHONE = '13755556666';
const NAME = '赵建国';
const DETAILS = [PHONE, NAME, '7栋3单元', '702室'];

describe('待公开', () => {
  it('publishes a satisfied case from the workbench without personal details, and takes it down again', async () => {
    const filed = await fetch(`${portal.url}/api/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await powHeaders(portal.url)) },
      body: JSON.stringify({
        channel: 'web',
        type: 'help',
        title: '和平小区楼道灯不亮',
        description: `我是${NAME}，住和平小区7栋3单元702室，楼道灯坏了半个月，晚上上下楼看不清，电话${PHONE}。`,
        location: { district: 'dongcheng', address: '和平小区7栋3单元702室' },
        contact: { name: NAME, phone: PHONE },
        publishConsent: true,
      }),
    });
    expect(filed.status, await filed.clone().text()).toBe(201);
    const { ticketNo, queryCode } = (await filed.json()) as { ticketNo: string; queryCode: string };
    await portal.replyAsUnit(ticketNo, '已联系物业更换和平小区楼道灯，目前照明已恢复，今后将定期检查。');
    const rated = await fetch(`${portal.url}/api/tickets/${ticketNo}/rating`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ queryCode, processSatisfaction: 'satisfied', resultSatisfaction: 'satisfied', resolved: true }),
    });
    expect(rated.status).toBe(200);

    // 督办: 待公开 in the navigation, the case in it, filters in the URL.
    const supervisor = await openDesktop();
    const { page } = supervisor;
    await logIn(page, 'demo.supervisor');
    expect(await page.locator('[data-queue="publications"]').innerText()).toMatch(/待公开\s*：?\s*\d+ 件/);
    await page.locator('[data-queue="publications"]').click();
    await page.waitForURL(/\/staff\/publications$/);
    const res = await page.reload();
    expect(res!.headers()['cache-control']).toBe('no-store');
    expect(await page.locator('meta[name="robots"]').getAttribute('content')).toContain('noindex');
    expect(await page.locator('h1').innerText()).toMatch(/^待公开：共 \d+ 件$/);
    const row = page.locator(`[data-publication-row="${ticketNo}"]`);
    expect(await row.innerText()).toContain('满意且已解决');
    expect(await row.innerText()).not.toContain(NAME);
    await inspect(supervisor, 'publications-queue-1366');
    await page.getByText('筛选', { exact: true }).first().click();
    const other = await page.locator('#filter-district option').evaluateAll((options) => (options as HTMLOptionElement[]).map((o) => o.value).find((v) => v && v !== 'dongcheng'));
    await page.locator('#filter-district').selectOption(other!);
    await page.locator('form.filter-form').getByRole('button', { name: '筛选' }).click();
    await page.waitForURL(new RegExp(`district=${other}`));
    expect(await page.locator(`[data-publication-row="${ticketNo}"]`).count()).toBe(0);
    await page.goto(`${portal.url}/staff/publications?district=dongcheng`);
    expect(await page.locator(`[data-publication-row="${ticketNo}"]`).count()).toBe(1);

    // The publish page: every replacement marked by its kind, never the detail itself.
    await page.locator(`[data-publication-row="${ticketNo}"] a`).click();
    await page.waitForURL(new RegExp(`/staff/tickets/${ticketNo}/publication$`));
    const marks = page.locator('[data-proposal] mark[data-replaced]');
    expect(await marks.count()).toBeGreaterThanOrEqual(3);
    const labels = await marks.evaluateAll((ms) => ms.map((m) => m.getAttribute('title')));
    expect(labels).toContain('已替换：电话号码');
    expect(labels).toContain('已替换：姓名');
    expect(labels.some((l) => l === '已替换：门牌号')).toBe(true);
    let html = await page.content();
    for (const detail of DETAILS) expect(html, detail).not.toContain(detail);
    await inspect(supervisor, 'publication-proposal-1366');

    // Putting the phone number back is refused at the field it was put in.
    const content = page.getByLabel('公开的诉求内容');
    await content.fill(`${await content.inputValue()}请回电 ${PHONE}。`);
    await page.getByRole('button', { name: '公开', exact: true }).click();
    await expect.poll(() => page.locator('#publish-content-error').innerText()).toContain('仍含个人信息');
    expect(await content.getAttribute('aria-invalid')).toBe('true');
    await inspect(supervisor, 'publication-error-1366');

    // 公开 with the proposed texts.
    await page.goto(`${portal.url}/staff/tickets/${ticketNo}/publication`);
    await page.getByRole('button', { name: '公开', exact: true }).click();
    await expect.poll(() => page.locator('[data-done]').innerText()).toContain('已公开');
    expect(await page.locator('[data-published-field="reply"]').innerText()).toContain('照明已恢复');
    await inspect(supervisor, 'publication-published-1366');

    const reader = await openPhone(browser);
    await reader.page.goto(`${portal.url}/echo-wall`);
    await expect.poll(() => reader.page.locator('main').textContent()).toContain('照明已恢复');
    html = await reader.page.content();
    for (const detail of DETAILS) expect(html, detail).not.toContain(detail);
    await inspect(reader, 'publication-echo-wall');

    // 撤下 needs a reason, and takes the case off at once.
    await page.getByRole('button', { name: '撤下', exact: true }).click();
    await expect.poll(() => page.locator('#unpublish-reason-error').innerText()).toContain('请填写');
    await page.getByLabel('撤下的理由').fill('诉求人来电要求不再公开');
    await page.getByRole('button', { name: '撤下', exact: true }).click();
    await expect.poll(() => page.locator('[data-done]').innerText()).toContain('已撤下');
    expect(await page.locator('[data-unpublished]').innerText()).toContain('诉求人来电要求不再公开');
    await inspect(supervisor, 'publication-unpublished-1366');
    await reader.page.goto(`${portal.url}/echo-wall`);
    expect(await reader.page.locator('main').textContent()).not.toContain('照明已恢复');
    await reader.context.close();
    await supervisor.context.close();

    // A unit handler gets neither the queue nor the page.
    const unit = await openDesktop();
    await logIn(unit.page, 'demo.unit');
    expect(await unit.page.locator('[data-queue="publications"]').count()).toBe(0);
    const refused = await unit.page.goto(`${portal.url}/staff/publications`);
    expect(refused!.status()).toBe(403);
    expect(await unit.page.locator('[data-publication-row]').count()).toBe(0);
    await inspect(unit, 'publications-forbidden-1366');
    expect((await unit.page.goto(`${portal.url}/staff/tickets/${ticketNo}/publication`))!.status()).toBe(403);
    await unit.context.close();
  });
});
