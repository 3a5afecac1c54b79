import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspect, launchBrowser, openPhone, type Visit } from './support/browser.ts';
import { type Portal, startPortal } from './support/portal.ts';

// 系统管理 in the browser: the demo administrator creates an account, the new
// colleague logs in, the administrator disables the account and the
// colleague's open page goes back to the login; a day marked off shows in
// the calendar; bad input gets its message at the field; no other role sees
// the administration. Every page passes axe-core and is photographed at
// 1366 px (the hotline floor) and 390 px (a phone).

let portal: Portal;
let browser: Browser;

beforeAll(async () => {
  [portal, browser] = await Promise.all([startPortal({ powBits: 0 }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await portal?.close();
});

const demoPassword = (username: string) => portal.running.demoAccounts.find((a) => a.username === username)!.password;

async function openDesktop(): Promise<Visit> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, deviceScaleFactor: 1, locale: 'zh-CN' });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text());
  });
  return { context, page, problems, javaScript: true };
}

async function logIn(page: Page, username: string, password: string) {
  await page.goto(`${portal.url}/staff/login`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(/\/staff(\?|$)/);
}

const main = (page: Page) => page.locator('main').innerText();
const NEW_PASSWORD = 'Zhaoli-Start-2026';

describe('系统管理', () => {
  it('creates an account, the colleague logs in, disabling it ends the colleague’s session', async () => {
    const admin = await openDesktop();
    const { page } = admin;
    await logIn(page, 'demo.admin', demoPassword('demo.admin'));
    await page.getByRole('navigation', { name: '工作台导航' }).getByRole('link', { name: '系统管理' }).click();
    await page.waitForURL(/\/staff\/admin$/);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('系统管理');
    await inspect(admin, 'admin-overview-1366');

    await page.getByRole('navigation', { name: '系统管理栏目' }).getByRole('link', { name: '账号' }).click();
    await page.waitForURL(/\/staff\/admin\/accounts$/);
    // Bad input first: the message sits at the field and the values stay.
    const form = page.locator('form[data-create-account]');
    await form.getByLabel('用户名').fill('Zhao Li');
    await form.getByLabel('姓名').fill('赵丽');
    await form.getByLabel('角色').selectOption({ label: '受理员' });
    await form.getByLabel('初始密码').fill('short');
    await form.getByRole('button', { name: '新增账号' }).click();
    await expect.poll(() => page.locator('#new-username-error').innerText()).toContain('用户名为 3-32 位小写字母');
    expect(await page.locator('#new-password-error').innerText()).toBe('密码至少 10 位，且同时包含字母和数字');
    expect(await page.locator('#new-username').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#new-displayName').inputValue()).toBe('赵丽');
    expect(await page.locator('#error-summary').innerText()).toContain('操作没有完成');
    await inspect(admin, 'admin-accounts-errors-1366');

    await form.getByLabel('用户名').fill('zhao.li');
    await form.getByLabel('初始密码').fill(NEW_PASSWORD);
    await form.getByRole('button', { name: '新增账号' }).click();
    await page.waitForURL(/created=zhao\.li/);
    expect(await page.locator('[data-admin-done]').innerText()).toBe('已新增账号 zhao.li。');
    const row = page.locator('tr[data-account="zhao.li"]');
    expect(await row.innerText()).toMatch(/赵丽\s+受理员[\s\S]*在用[\s\S]*从未登录/);
    await inspect(admin, 'admin-accounts-1366');

    // The colleague logs in on a phone.
    const colleague = await openPhone(browser);
    await logIn(colleague.page, 'zhao.li', NEW_PASSWORD);
    expect(await colleague.page.locator('[data-staff-name]').innerText()).toBe('赵丽');
    // No administration for an operator: the same "not found" as any page they have no role for.
    expect(await colleague.page.getByRole('link', { name: '系统管理' }).count()).toBe(0);
    for (const path of ['/staff/admin', '/staff/admin/accounts', '/staff/admin/calendar']) {
      const res = await colleague.page.goto(`${portal.url}${path}`);
      expect(res!.status(), path).toBe(404);
      expect(await main(colleague.page)).toContain('系统管理只有管理员可以使用');
      expect(await main(colleague.page)).not.toContain('赵丽（zhao.li）');
    }
    await inspect(colleague, 'admin-forbidden-390');

    // The administrator disables the account.
    await page.getByRole('link', { name: '管理账号 zhao.li' }).click();
    await page.waitForURL(/\/staff\/admin\/accounts\/[^/?]+$/);
    await inspect(admin, 'admin-account-1366');
    await page.getByRole('button', { name: '停用账号' }).click();
    await page.waitForURL(/done=disabled/);
    expect(await page.locator('[data-admin-done]').innerText()).toBe('账号已停用，其所有会话已结束。');
    expect(await page.locator('[data-account-state]').innerText()).toBe('已停用');
    const record = await page.locator('[data-audit]').innerText();
    expect(record).toContain('账号 zhao.li：停用（已登录的会话全部结束）');
    expect(record).toContain('新增账号 zhao.li（赵丽，受理员）');
    expect(record).toContain('演示管理员（demo.admin）');
    expect(record).toMatch(/状态：原为 在用，改为 已停用/);

    // The colleague's next click goes to the login page: the session is over.
    await colleague.page.goto(`${portal.url}/staff`);
    await colleague.page.waitForURL(/\/staff\/login\?.*reason=expired/);
    await colleague.page.getByLabel('用户名').fill('zhao.li');
    await colleague.page.getByLabel('密码').fill(NEW_PASSWORD);
    await colleague.page.getByRole('button', { name: '登录' }).click();
    expect(await main(colleague.page)).toContain('用户名或密码错误');
    await colleague.context.close();

    // The last administrator cannot disable themselves: said at the button.
    await page.goto(`${portal.url}/staff/admin/accounts`);
    await page.getByRole('link', { name: '管理账号 demo.admin' }).click();
    await page.waitForURL(/\/staff\/admin\/accounts\/[^/?]+$/);
    expect(await main(page)).toContain('这是您自己的账号');
    await page.getByRole('button', { name: '停用账号' }).click();
    await expect.poll(() => page.locator('#status-action-error').innerText()).toContain('须至少保留一名在用的管理员');
    expect(await page.locator('[data-account-state]').innerText()).toBe('在用');
    await admin.context.close();
  });

  it('marks a day off and the 60-day calendar shows it; a bad day or time limit gets a field message', async () => {
    const admin = await openDesktop();
    const { page } = admin;
    await logIn(page, 'demo.admin', demoPassword('demo.admin'));
    await page.goto(`${portal.url}/staff/admin/calendar`);
    const days = page.locator('[data-calendar] li[data-day]');
    expect(await days.count()).toBe(60);
    // A working day after today, so the test does not depend on the weekday it runs on.
    const target = await page.locator('[data-calendar] li[data-day][data-working="true"]').nth(1).getAttribute('data-day');
    expect(target).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    const form = page.locator('form[data-calendar-form]');
    await form.getByLabel('日期').fill('2027-13-40');
    await form.getByRole('button', { name: '保存这一天' }).click();
    await expect.poll(() => page.locator('#cal-day-error').innerText()).toBe('日期格式应为 YYYY-MM-DD，且是真实存在的日期');
    expect(await page.locator('#cal-working-error').innerText()).toBe('请选择这一天上班还是休息');
    await inspect(admin, 'admin-calendar-errors-1366');

    await form.getByLabel('日期').fill(target!);
    await form.getByLabel('休息日', { exact: true }).check();
    await form.getByLabel('原因').fill('台风停工');
    await form.getByRole('button', { name: '保存这一天' }).click();
    await page.waitForURL(/saved=/);
    expect(await page.locator('[data-admin-done]').innerText()).toBe(`已将 ${target} 设为休息日。`);
    const cell = page.locator(`[data-calendar] li[data-day="${target}"]`);
    expect(await cell.getAttribute('data-working')).toBe('false');
    expect(await cell.innerText()).toMatch(/休息[\s\S]*台风停工[\s\S]*本市设置/);
    expect(await page.locator('[data-audit]').innerText()).toContain(`${target} 设为休息日：台风停工`);
    // The help text says what happens to tickets already running.
    expect(await main(page)).toContain('已经在办的工单保持原有时限');
    await inspect(admin, 'admin-calendar-1366');

    // Given back to the national calendar with one button.
    await cell.getByRole('button', { name: `恢复国家日历（${target}）` }).click();
    await page.waitForURL(/cleared=/);
    expect(await page.locator(`[data-calendar] li[data-day="${target}"]`).getAttribute('data-working')).toBe('true');

    // Time limits: 0 working days is refused at its field, in Chinese.
    await page.goto(`${portal.url}/staff/admin/settings`);
    const limits = page.locator('form[data-settings="timeLimits"]');
    await limits.getByLabel('投诉').fill('0');
    await limits.getByRole('button', { name: '保存办理时限' }).click();
    await expect.poll(() => page.locator('#setting-replyWorkingDays-complaint-error').innerText()).toBe('至少为 1');
    await inspect(admin, 'admin-settings-errors-1366');
    await page.locator('form[data-settings="timeLimits"]').getByLabel('投诉').fill('4');
    await page.locator('form[data-settings="timeLimits"]').getByRole('button', { name: '保存办理时限' }).click();
    await page.waitForURL(/done=timeLimits/);
    expect(await page.locator('[data-audit]').innerText()).toContain('投诉答复时限：原为 5，改为 4');
    await inspect(admin, 'admin-settings-1366');

    for (const section of ['units', 'routing']) {
      await page.goto(`${portal.url}/staff/admin/${section}`);
      await inspect(admin, `admin-${section}-1366`);
    }
    await admin.context.close();
  });

  it('every administration page reads on a phone', async () => {
    const phone = await openPhone(browser);
    await logIn(phone.page, 'demo.admin', demoPassword('demo.admin'));
    for (const section of ['', '/accounts', '/units', '/routing', '/settings', '/calendar']) {
      const res = await phone.page.goto(`${portal.url}/staff/admin${section}`);
      expect(res!.status()).toBe(200);
      // Nothing wider than the screen but the tables' own scrolling region.
      const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `horizontal overflow on /staff/admin${section}`).toBeLessThanOrEqual(0);
      await inspect(phone, `admin${section.replace('/', '-') || '-overview'}-390`);
    }
    await phone.context.close();
  });
});
