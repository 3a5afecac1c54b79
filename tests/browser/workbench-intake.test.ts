import { contactAccessLog, staffAccounts, tickets } from '@hotline/db';
import { and, eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { powHeaders } from '../support/pow.ts';
import { inspect, launchBrowser, openPhone, type Visit } from './support/browser.ts';
import { type Portal, startPortal } from './support/portal.ts';

// 电话受理, 批量操作, 工单搜索 and new tickets without a reload, in the
// workbench as the demo accounts use it.

let portal: Portal;
let browser: Browser;

beforeAll(async () => {
  [portal, browser] = await Promise.all([startPortal({ powBits: 12 }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await portal?.close();
});

type Demo = 'demo.operator' | 'demo.dispatcher' | 'demo.unit' | 'demo.supervisor';
const password = (username: Demo) => portal.running.demoAccounts.find((a) => a.username === username)!.password;

async function openDesktop(options: { javaScript?: boolean } = {}): Promise<Visit> {
  const javaScript = options.javaScript ?? true;
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, deviceScaleFactor: 1, locale: 'zh-CN', javaScriptEnabled: javaScript });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  return { context, page, problems, javaScript };
}

async function logIn(page: Page, username: Demo) {
  await page.goto(`${portal.url}/staff`);
  await page.waitForURL(/\/staff\/login/);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password(username));
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(/\/staff(\?|$)/);
}

async function fileTicket(body: Record<string, unknown>) {
  const res = await fetch(`${portal.url}/api/tickets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await powHeaders(portal.url)) },
    body: JSON.stringify({ channel: 'web', ...body }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { ticketNo: string; queryCode: string };
}

const ticketRow = async (ticketNo: string) => (await portal.running.database.db.select().from(tickets).where(eq(tickets.ticketNo, ticketNo)))[0]!;
const main = (page: Page) => page.locator('main').innerText();

describe('电话受理', () => {
  it('an operator types the call once, changes the suggested draft, 登记 files it accepted into 待派单', async () => {
    const earlier = await fileTicket({
      type: 'help',
      category: 'utilities.water_outage',
      title: '幸福小区停水',
      description: '东城区和平街道幸福小区从昨天开始停水，到现在还没有来水。',
      location: { district: 'dongcheng', street: 'dongcheng_heping', address: '幸福小区' },
      contact: { name: '赵女士', phone: '13811112222' },
    });
    const visit = await openDesktop();
    const { page } = visit;
    await logIn(page, 'demo.operator');
    await page.getByRole('link', { name: '电话受理' }).click();
    await page.waitForURL(/\/staff\/phone$/);
    expect(await page.locator('h1').innerText()).toBe('电话受理');
    await page.getByLabel('来电号码').fill('13655556666');
    await page.getByLabel('来电人姓名').fill('周先生');
    await page.getByLabel('来电内容').fill('东城区和平街道幸福小区停水了，从昨天到现在都没水，家里有老人');
    // The live draft follows the words: category, district, the similar ticket.
    await expect.poll(() => page.locator('#call-category').inputValue(), { timeout: 15_000 }).toMatch(/^utilities/);
    expect(await page.locator('#call-district').inputValue()).toBe('dongcheng');
    await expect.poll(() => page.locator('[data-similar]').innerText()).toContain(`已有工单 编号 ${earlier.ticketNo}`);
    await inspect(visit, 'workbench-phone-draft-1366');
    // The operator corrects the type; more words do not undo it.
    await page.getByLabel('诉求类型').selectOption('complaint');
    await page.getByLabel('来电内容').pressSequentially('，物业也不给说法');
    await expect.poll(() => page.locator('[data-live-status]').innerText()).toBe('建议已更新');
    await page.waitForTimeout(800);
    expect(await page.locator('#call-type').inputValue()).toBe('complaint');
    expect(await page.locator('[data-changed-note]').isVisible()).toBe(true);
    // 登记 from the keyboard.
    await page.getByLabel('来电内容').press('Control+Enter');
    await expect.poll(() => page.locator('[data-call-done]').innerText()).toMatch(/已登记工单 \d{12,14}，已受理。/);
    const ticketNo = (await page.locator('[data-call-done]').innerText()).match(/工单 (\d{12,14})/)![1]!;
    expect(await page.locator('[data-call-done]').innerText()).toMatch(/查询码 \d{8}/);
    await inspect(visit, 'workbench-phone-done-1366');
    const row = await ticketRow(ticketNo);
    expect([row.channel, row.status, row.type, row.districtCode, row.citizenName, row.citizenPhone]).toEqual(['phone', 'accepted', 'complaint', 'dongcheng', '周先生', '13655556666']);
    expect(row.categoryCode).toBe('utilities');
    await visit.context.close();

    // It waits in the dispatcher's 待派单.
    const dispatcher = await openDesktop();
    await logIn(dispatcher.page, 'demo.dispatcher');
    await dispatcher.page.goto(`${portal.url}/staff?queue=dispatch`);
    const listed = dispatcher.page.locator(`[data-ticket-row="${ticketNo}"]`);
    expect(await listed.innerText()).toContain('电话');
    await dispatcher.context.close();
  });

  it('shows the number to transfer an emergency to, and works without JavaScript (更新建议, 直接答复)', async () => {
    const visit = await openDesktop({ javaScript: false });
    const { page } = visit;
    await logIn(page, 'demo.operator');
    await page.goto(`${portal.url}/staff/phone`);
    await page.getByLabel('来电号码').fill('13677778888');
    await page.getByLabel('来电内容').fill('我家楼下着火了，浓烟很大');
    await page.getByRole('button', { name: '更新建议' }).click();
    await page.waitForURL(/\/staff\/phone$/);
    expect(await page.locator('[data-emergency="119"]').innerText()).toContain('请立即转接 119');
    expect(await page.locator('#call-urgency').inputValue()).toBe('urgent');
    await inspect(visit, 'workbench-phone-emergency-1366');

    await page.getByLabel('来电内容').fill('想问一下身份证丢了怎么补办');
    await page.getByLabel('诉求类型').selectOption('consultation');
    await page.getByRole('button', { name: '更新建议' }).click();
    expect(await page.locator('[data-emergency]').count()).toBe(0);
    expect(await page.locator('#call-type').inputValue()).toBe('consultation');
    // 直接答复 without an answer is refused at its field; with the knowledge answer it is filed and answered.
    await page.getByLabel('直接答复内容').fill('');
    await page.getByRole('button', { name: '直接答复' }).click();
    expect(await page.locator('#call-answer-error').innerText()).toContain('答复内容');
    const use = page.locator('[data-use-answer]').first();
    await use.click();
    expect((await page.getByLabel('直接答复内容').inputValue()).length).toBeGreaterThan(10);
    await page.getByRole('button', { name: '直接答复' }).click();
    expect(await page.locator('[data-call-done]').innerText()).toContain('已直接答复');
    const ticketNo = (await page.locator('[data-call-done]').innerText()).match(/工单 (\d{12,14})/)![1]!;
    const row = await ticketRow(ticketNo);
    expect([row.channel, row.status, row.type]).toEqual(['phone', 'answered', 'consultation']);
    await visit.context.close();
  });
});

describe('批量操作、搜索与新工单提醒', () => {
  it('accepts two tickets at once from 待受理 and lists each result', async () => {
    const a = await fileTicket({ type: 'complaint', category: 'urban_management', title: '夜间施工噪音', description: '建设路工地每天夜里施工到凌晨，噪音很大。', location: { district: 'dongcheng', address: '建设路 20 号' }, contact: { phone: '13900001111' } });
    const b = await fileTicket({ type: 'complaint', category: 'urban_management', title: '占道经营', description: '人民路菜市场门口占道经营，行人无法通过。', location: { district: 'dongcheng', address: '人民路菜市场' }, contact: { phone: '13900002222' } });
    const visit = await openDesktop();
    const { page } = visit;
    await logIn(page, 'demo.operator');
    await page.goto(`${portal.url}/staff?queue=intake`);
    await page.getByLabel(`选择工单 ${a.ticketNo}`).check();
    await page.getByLabel(`选择工单 ${b.ticketNo}`).check();
    await inspect(visit, 'workbench-bulk-select-1366');
    await page.getByRole('button', { name: '受理所选' }).click();
    await page.waitForURL(/\/staff\/bulk$/);
    expect(await page.locator('[data-bulk-summary]').innerText()).toBe('受理：成功 2 件，失败 0 件。');
    expect(await page.locator(`[data-bulk-result="${a.ticketNo}"]`).innerText()).toContain('成功，现为已受理');
    await inspect(visit, 'workbench-bulk-result-1366');
    expect((await ticketRow(a.ticketNo)).status).toBe('accepted');
    expect((await ticketRow(b.ticketNo)).status).toBe('accepted');
    // Back in the queue they are gone; 全选本页 (with a script) ticks every row left.
    await page.getByRole('link', { name: '返回队列' }).first().click();
    await page.waitForURL(/queue=intake/);
    expect(await page.locator(`[data-ticket-row="${a.ticketNo}"]`).count()).toBe(0);
    await page.getByLabel('全选本页').check();
    const boxes = page.locator('#bulk-form input[name="ticketNo"]');
    expect(await boxes.count()).toBeGreaterThan(0);
    expect(await boxes.evaluateAll((els) => els.every((e) => (e as HTMLInputElement).checked))).toBe(true);
    await visit.context.close();
  });

  it('finds tickets by the citizen’s phone (access log row written) and by number (opens the ticket)', async () => {
    const filed = await fileTicket({ type: 'help', category: 'urban_management', title: '路灯不亮', description: '学府路北段路灯一周都不亮了。', location: { district: 'dongcheng', address: '学府路北段' }, contact: { name: '钱女士', phone: '13544445555' } });
    const visit = await openPhone(browser);
    const { page } = visit;
    await logIn(page, 'demo.operator');
    await page.goto(`${portal.url}/staff?queue=all`);
    await page.getByLabel('诉求人电话（精确）').fill('13544445555');
    await page.getByRole('button', { name: '查找' }).click();
    await page.locator('[data-phone-results]').waitFor();
    // Posted with the form token: the number is in no URL (history, proxies, a shared link).
    expect(page.url()).not.toContain('13544445555');
    expect(await page.locator('[data-phone-results]').innerText()).toContain('共 1 件');
    expect(await page.locator('[data-ticket-row]').count()).toBe(1);
    expect(await page.locator(`[data-ticket-row="${filed.ticketNo}"]`).innerText()).toContain('路灯不亮');
    await inspect(visit, 'workbench-search-phone-390');
    const [operator] = await portal.running.database.db.select().from(staffAccounts).where(eq(staffAccounts.username, 'demo.operator'));
    const row = await ticketRow(filed.ticketNo);
    const logged = await portal.running.database.db
      .select()
      .from(contactAccessLog)
      .where(and(eq(contactAccessLog.ticketId, row.id), eq(contactAccessLog.purpose, 'phone_search')));
    expect(logged).toHaveLength(1);
    expect(logged[0]!.staffId).toBe(operator!.id);
    // Free text in the description.
    await page.goto(`${portal.url}/staff?queue=all`);
    await page.getByLabel('工单编号、标题、内容或地址').fill('北段路灯');
    await page.getByRole('button', { name: '查找' }).click();
    await page.waitForURL(/q=/);
    expect(await page.locator(`[data-ticket-row="${filed.ticketNo}"]`).count()).toBe(1);
    // A whole number opens the ticket.
    await page.getByLabel('工单编号、标题、内容或地址').fill(filed.ticketNo);
    await page.getByRole('button', { name: '查找' }).click();
    await page.waitForURL(`${portal.url}/staff/tickets/${filed.ticketNo}`);
    // The intake screens at phone width too.
    await page.goto(`${portal.url}/staff?queue=intake`);
    expect(await page.getByLabel(`选择工单 ${filed.ticketNo}`).count()).toBe(1);
    await inspect(visit, 'workbench-bulk-select-390');
    await page.goto(`${portal.url}/staff/phone`);
    await page.getByLabel('来电内容').fill('学府路北段路灯一周都不亮了');
    await expect.poll(() => page.locator('[data-similar]').innerText(), { timeout: 15_000 }).toContain(`已有工单 编号 ${filed.ticketNo}`);
    await inspect(visit, 'workbench-phone-390');
    await visit.context.close();
  });

  it('shows a ticket filed meanwhile without a reload: badge and notice', async () => {
    const visit = await openDesktop();
    const { page } = visit;
    await logIn(page, 'demo.operator');
    await page.goto(`${portal.url}/staff?queue=intake`);
    const badge = page.locator('[data-queue="intake"] .count');
    const before = Number((await badge.innerText()).match(/\d+/)![0]);
    expect(await page.locator('[data-fresh-notice]').isVisible()).toBe(false);
    await fileTicket({ type: 'help', category: 'urban_management', title: '垃圾未清运', description: '幸福路垃圾站三天没有清运了。', location: { district: 'dongcheng', address: '幸福路垃圾站' }, contact: { phone: '13566667777' } });
    await expect.poll(() => page.locator('[data-fresh-notice]').innerText(), { timeout: 25_000 }).toBe('有 1 条新工单，刷新');
    expect(await badge.innerText()).toContain(`${before + 1} 件`);
    await inspect(visit, 'workbench-fresh-notice-1366');
    await page.locator('[data-fresh-notice] a').click();
    await expect.poll(() => main(page)).toContain('垃圾未清运');
    await visit.context.close();
  });
});
