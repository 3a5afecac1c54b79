import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspect, launchBrowser, openPhone } from './support/browser.ts';
import { type Portal, startPortal } from './support/portal.ts';

let portal: Portal;
let browser: Browser;

beforeAll(async () => {
  [portal, browser] = await Promise.all([startPortal({ powBits: 12 }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await portal?.close();
});

describe('市长信箱', () => {
  it('takes a letter to the mayor, and shows it in the public list once it has its reply', async () => {
    const visit = await openPhone(browser);
    const { page } = visit;
    await page.goto(`${portal.url}/mailbox`);
    await expect.poll(() => page.locator('main').textContent()).toContain('暂无公开的来信');
    await inspect(visit, 'mailbox-empty');

    await page.getByRole('link', { name: '写信', exact: true }).click();
    await page.waitForURL(/\/mailbox\/write$/);
    await inspect(visit, 'mailbox-write');
    await page.getByLabel('市长', { exact: true }).check();
    await page.getByLabel('来信类型').selectOption('suggestion');
    await page.getByLabel('信件标题').fill('建议在滨河公园增加夜间照明');
    await page.getByLabel('信件内容').fill('滨河公园晚上散步的人很多，但步道照明不足，老人孩子容易摔倒，建议增设路灯并延长开放时间。');
    await page.getByLabel('您的姓名').fill('李女士');
    await page.getByLabel('联系电话').fill('13800138000');
    await page.getByLabel('公开', { exact: true }).check();
    await page.getByRole('button', { name: '下一步：核对内容' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('核对信件内容');
    await expect.poll(() => page.locator('[data-pow-status]').textContent(), { timeout: 30_000 }).toContain('已自动完成人机验证');
    await inspect(visit, 'mailbox-review');
    await page.getByRole('button', { name: '确认提交' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('来信已提交');
    const ticketNo = (await page.locator('[data-ticket-no]').textContent())!.replace(/\s/g, '');
    await inspect(visit, 'mailbox-receipt');

    // Not public before the reply.
    await page.goto(`${portal.url}/mailbox`);
    expect(await page.locator('main').textContent()).not.toContain('滨河公园');

    await portal.replyAsUnit(ticketNo, '感谢您的建议。市城市管理局已将滨河公园步道照明列入今年改造计划，预计年底前完成。', 'urban_management.city_appearance');
    // Nor after the reply, until a supervisor publishes it.
    await page.goto(`${portal.url}/mailbox`);
    expect(await page.locator('main').textContent()).not.toContain('滨河公园');
    expect((await portal.staff('demo.supervisor', `/api/staff/tickets/${ticketNo}/publish`, {})).status).toBe(200);
    await page.goto(`${portal.url}/mailbox`);
    const list = () => page.locator('main').textContent();
    await expect.poll(list).toContain('建议在滨河公园增加夜间照明');
    expect(await list()).toContain('预计年底前完成');
    expect(await list()).not.toContain('13800138000');
    expect(await list()).not.toContain('李女士');
    await inspect(visit, 'mailbox-list');

    await page.locator('input[name="q"]').fill('照明');
    await page.getByRole('button', { name: '搜索' }).click();
    await expect.poll(list).toContain('“照明”的搜索结果：1 封来信');
    await page.locator('input[name="q"]').fill('地铁');
    await page.getByRole('button', { name: '搜索' }).click();
    await expect.poll(list).toContain('没有找到与“地铁”有关的来信');
    await inspect(visit, 'mailbox-no-results');
    await visit.context.close();
  });
});

describe('回音壁 and the reading pages', () => {
  it('publishes a closed case with consent and filters it by district, without personal data', async () => {
    const filed = await fetch(`${portal.url}/api/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await import('../support/pow.ts').then((p) => p.powHeaders(portal.url))) },
      body: JSON.stringify({
        channel: 'web',
        type: 'help',
        description: '幸福小区3栋2单元楼道里堆满杂物，消防通道被堵，联系人王大爷电话13611112222，邻居李建华也反映过，车牌粤B·12345的车也堵着。',
        location: { district: 'dongcheng', address: '幸福小区3栋' },
        contact: { name: '王大爷', phone: '13611112222' },
        publishConsent: true,
      }),
    });
    expect(filed.status, await filed.clone().text()).toBe(201);
    const { ticketNo, queryCode } = (await filed.json()) as { ticketNo: string; queryCode: string };
    await portal.replyAsUnit(ticketNo, '已联系物业清理楼道杂物，消防通道已畅通，今后将定期巡查。');
    const rated = await fetch(`${portal.url}/api/tickets/${ticketNo}/rating`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ queryCode, processSatisfaction: 'satisfied', resultSatisfaction: 'satisfied', resolved: true }),
    });
    expect(rated.status).toBe(200);
    expect((await portal.staff('demo.supervisor', `/api/staff/tickets/${ticketNo}/publish`, {})).status).toBe(200);

    const visit = await openPhone(browser, { javaScript: false });
    const { page } = visit;
    await page.goto(`${portal.url}/echo-wall`);
    const main = () => page.locator('main').textContent();
    await expect.poll(main).toContain('消防通道已畅通');
    expect(await main()).not.toContain('13611112222');
    expect(await main()).not.toContain('王大爷');
    // Nothing personal anywhere in the page's HTML.
    const html = await page.content();
    for (const detail of ['13611112222', '王大爷', '李建华', '粤B·12345', '3栋2单元']) expect(html).not.toContain(detail);
    await inspect(visit, 'echo-wall');

    const district = page.getByLabel('所在区');
    const other = await district.locator('option').evaluateAll((options) => (options as HTMLOptionElement[]).map((o) => o.value).find((v) => v && v !== 'dongcheng'));
    await district.selectOption(other!);
    await page.getByRole('button', { name: '筛选', exact: true }).click();
    await expect.poll(main).toContain('暂无符合条件的案例');
    await inspect(visit, 'echo-wall-empty');
    await district.selectOption('dongcheng');
    await page.getByRole('button', { name: '筛选', exact: true }).click();
    await expect.poll(main).toContain('找到 1 个案例');
    await visit.context.close();
  });

  it('every reading page renders, passes axe-core and is photographed, in normal, 长辈模式 and English', async () => {
    for (const mode of ['normal', 'care', 'en'] as const) {
      const visit = await openPhone(browser);
      const { page } = visit;
      if (mode !== 'normal') {
        await page.goto(portal.url);
        await page.getByRole('button', { name: mode === 'care' ? '开启长辈模式' : 'English' }).click();
        await page.waitForLoadState();
      }
      const faq = await (await fetch(`${portal.url}/api/catalog`)).json() as { categories: { code: string }[] };
      const pages: [string, string][] = [
        ['/', 'home'],
        ['/ask', 'ask'],
        ['/file', 'file'],
        ['/mailbox', 'mailbox'],
        ['/mailbox/write', 'mailbox-write'],
        ['/progress', 'progress'],
        ['/echo-wall', 'echo-wall'],
        ['/figures', 'figures'],
        ['/faq', 'faq'],
        [`/faq/${faq.categories[0]!.code}`, 'faq-category'],
        ['/privacy', 'privacy'],
        ['/accessibility', 'accessibility'],
        ['/preferences', 'preferences'],
        ['/no-such-page', '404'],
      ];
      for (const [path, name] of pages) {
        const res = await page.goto(`${portal.url}${path}`);
        expect(res!.status(), path).toBe(name === '404' ? 404 : 200);
        expect(await page.locator('h1').count(), `one h1 on ${path}`).toBe(1);
        if (mode === 'care') expect(await page.locator('html').getAttribute('class')).toBe('care');
        if (mode === 'en') expect(await page.locator('html').getAttribute('lang')).toBe('en');
        await inspect(visit, `page-${name}-${mode}`);
      }
      await visit.context.close();
    }
  });

  it('每月办理情况 shows this month so far and any of the last twelve, chosen without JavaScript', async () => {
    const visit = await openPhone(browser, { javaScript: false });
    const { page } = visit;
    await page.goto(`${portal.url}/figures`);
    expect(await page.locator('[data-figure="received"] .figure-value').innerText()).toMatch(/^[1-9][\d,]* 件$/);
    expect(await page.locator('[data-partial]').count()).toBe(1);
    const options = await page.getByLabel('月份').locator('option').allTextContents();
    expect(options).toHaveLength(12);
    await page.getByLabel('月份').selectOption({ index: 1 });
    await page.getByRole('button', { name: '查看' }).click();
    await page.waitForURL(/\/figures\?month=\d{4}-\d{2}$/);
    expect(await page.locator('h2[data-figures-month]').innerText()).toBe(options[1]);
    expect(await page.locator('[data-partial]').count()).toBe(0);
    await page.goto(`${portal.url}/figures?month=1999-01`);
    expect(await page.locator('.error-summary').innerText()).toContain('只能查看最近 12 个月');
    await visit.context.close();
  });
});
