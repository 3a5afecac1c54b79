import { contactAccessLog, staffAccounts, tickets } from '@hotline/db';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TINY_PNG } from '../support/factories.ts';
import { powHeaders } from '../support/pow.ts';
import { inspect, launchBrowser, openPhone, SCREENSHOTS, type Visit } from './support/browser.ts';
import { type Portal, startPortal } from './support/portal.ts';

// 工作台: one ticket filed on the public API, taken from 待受理 to 已办结 in
// the browser by each demo account in turn, as the hotline office works it.

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

/** The hotline floor's screen: 1366×768. */
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

async function fileTicket(body: Record<string, unknown>) {
  const res = await fetch(`${portal.url}/api/tickets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await powHeaders(portal.url)) },
    body: JSON.stringify({ channel: 'web', ...body }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { ticketNo: string; queryCode: string };
}

const main = (page: Page) => page.locator('main').innerText();

/** A long phone page in screen-high slices too, for people to look at (the full-page picture is too tall to read). */
async function phoneSlices(page: Page, name: string) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  for (let i = 0, y = 0; y < height && i < 6; i++, y += 844) {
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-part${i + 1}.png`), fullPage: true, clip: { x: 0, y, width: 390, height: Math.min(844, height - y) } });
  }
}

describe('工作台', () => {
  it('takes a web ticket from 待受理 to 已办结, one role after the other', async () => {
    const form = new FormData();
    form.append('file', new File([TINY_PNG], 'lamp.png', { type: 'image/png' }));
    const upload = (await (await fetch(`${portal.url}/api/uploads`, { method: 'POST', body: form })).json()) as { uploadId: string };
    const filed = await fileTicket({
      photos: [upload.uploadId],
      type: 'complaint',
      category: 'urban_management',
      title: '人民路路灯不亮',
      description: '人民路与解放路交叉口往北三盏路灯已经一周不亮了，晚上行人看不清路面，请尽快修复。',
      location: { district: 'dongcheng', address: '人民路与解放路交叉口' },
      contact: { name: '陈先生', phone: '13912345678' },
    });
    const { ticketNo } = filed;
    const ticketUrl = `${portal.url}/staff/tickets/${ticketNo}`;

    // 受理员: the login page, the 待受理 queue with the new ticket, 受理.
    const operator = await openDesktop();
    let page = operator.page;
    await page.goto(`${portal.url}/staff`);
    await page.waitForURL(/\/staff\/login/);
    expect(await page.locator('meta[name="robots"]').getAttribute('content')).toContain('noindex');
    await inspect(operator, 'workbench-login-1366');
    await page.getByLabel('用户名').fill('demo.operator');
    await page.getByLabel('密码').fill('wrong-password-1');
    await page.getByRole('button', { name: '登录' }).click();
    await expect.poll(() => page.locator('[data-login-error]').innerText()).toBe('用户名或密码错误');
    await page.getByLabel('密码').fill(password('demo.operator'));
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/\/staff(\?|$)/);
    const first = await page.goto(`${portal.url}/staff`);
    expect(first!.headers()['cache-control']).toBe('no-store');
    expect(first!.headers()['x-robots-tag']).toContain('noindex');
    expect(await page.locator('[data-staff-name]').innerText()).toBe('演示受理员');
    expect(await page.locator('[data-staff-role]').innerText()).toBe('受理员');
    expect(await page.locator('h1').innerText()).toMatch(/^待受理：共 \d+ 件$/);
    expect(await page.locator('[data-queue="intake"]').innerText()).toMatch(/待受理\s*：?\s*\d+ 件/);
    const row = page.locator(`[data-ticket-row="${ticketNo}"]`);
    expect(await row.innerText()).toContain('人民路路灯不亮');
    expect(await row.locator('[data-time-left]').innerText()).toMatch(/剩余/);
    await inspect(operator, 'workbench-operator-queue-1366');
    // Filters live in the URL.
    await page.getByText('筛选', { exact: true }).first().click();
    await page.locator('#filter-urgency').selectOption('urgent');
    await page.locator('form.filter-form').getByRole('button', { name: '筛选' }).click();
    await page.waitForURL(/urgency=urgent/);
    expect(await page.locator(`[data-ticket-row="${ticketNo}"]`).count()).toBe(0);
    await page.goto(`${portal.url}/staff?queue=intake`);
    await page.getByRole('link', { name: ticketNo }).click();
    await page.waitForURL(ticketUrl);
    // Masked phone; the operator's actions only.
    expect(await page.locator('[data-contact-phone]').innerText()).toBe('139****5678');
    // The photo: a thumbnail linking to the full size, through the staff attachment endpoint.
    const photo = page.locator('.photos a');
    expect(await photo.getAttribute('href')).toMatch(new RegExp(`^/api/staff/tickets/${ticketNo}/attachments/[0-9a-f-]{36}$`));
    const full = await operator.context.request.get(`${portal.url}${await photo.getAttribute('href')}`);
    expect(full.status()).toBe(200);
    expect(full.headers()['content-type']).toMatch(/^image\//);
    expect(await page.getByRole('button', { name: '派单' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: '签收' }).count()).toBe(0);
    await inspect(operator, 'workbench-operator-ticket-1366');
    await page.getByRole('button', { name: '受理', exact: true }).click();
    await expect.poll(() => page.locator('[data-done]').innerText()).toBe('已完成：受理。');
    expect(await page.locator('.status-badge').innerText()).toBe('已受理');
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.waitForURL(/\/staff\/login\?reason=out/);
    await operator.context.close();

    // 派单员: 待派单, the suggestion with its reason pre-filled, 派单.
    const dispatcher = await openDesktop();
    page = dispatcher.page;
    await logIn(page, 'demo.dispatcher');
    expect(await page.locator('[data-staff-role]').innerText()).toBe('派单员');
    await inspect(dispatcher, 'workbench-dispatcher-first-1366');
    await page.locator('[data-queue="dispatch"]').click();
    await page.waitForURL(/queue=dispatch/);
    await page.getByRole('link', { name: ticketNo }).click();
    await page.waitForURL(ticketUrl);
    const suggestion = await page.locator('[data-suggestion]').innerText();
    expect(suggestion).toContain('派单建议：市城市管理局');
    expect(suggestion).toContain('依据派单规则：城市管理');
    expect(await page.locator('#dispatch-leadUnitId').inputValue()).toBe('city_urban_mgmt');
    await inspect(dispatcher, 'workbench-dispatcher-ticket-1366');
    await page.getByRole('button', { name: '派单', exact: true }).click();
    await expect.poll(() => page.locator('[data-done]').innerText()).toBe('已完成：派单。');
    expect(await page.locator('.status-badge').innerText()).toBe('已派单');
    await dispatcher.context.close();

    // 承办单位 on a phone: 待签收, 签收, 查看联系方式 (logged), 联系记录, 答复.
    const unit = await openPhone(browser);
    page = unit.page;
    await logIn(page, 'demo.unit');
    expect(await page.locator('[data-staff-unit]').innerText()).toBe('市城市管理局');
    expect(await page.locator('h1').innerText()).toMatch(/^待签收/);
    await inspect(unit, 'workbench-unit-first-390');
    await phoneSlices(page, 'workbench-unit-first-390');
    await page.getByRole('link', { name: ticketNo }).click();
    await page.waitForURL(ticketUrl);
    await page.getByRole('button', { name: '签收' }).click();
    await expect.poll(() => page.locator('.status-badge').innerText()).toBe('办理中');
    const [unitAccount] = await portal.running.database.db.select().from(staffAccounts).where(eq(staffAccounts.username, 'demo.unit'));
    const [ticketRow] = await portal.running.database.db.select().from(tickets).where(eq(tickets.ticketNo, ticketNo));
    const reveals = async () =>
      (await portal.running.database.db.select().from(contactAccessLog).where(and(eq(contactAccessLog.ticketId, ticketRow!.id), eq(contactAccessLog.purpose, 'reveal_contact'))));
    expect(await reveals()).toHaveLength(0);
    await page.getByRole('button', { name: '查看联系方式' }).click();
    await expect.poll(() => page.locator('[data-contact-phone]').innerText()).toBe('13912345678');
    const logged = await reveals();
    expect(logged).toHaveLength(1);
    expect(logged[0]!.staffId).toBe(unitAccount!.id);
    await page.getByLabel('联系情况').fill('已电话联系陈先生，约定明天上午到现场查看。');
    await page.getByRole('button', { name: '联系记录：保存' }).click();
    await expect.poll(() => page.locator('[data-done]').innerText()).toBe('已完成：联系记录。');
    // A reply too short is refused, with the message at its field.
    await page.getByLabel('答复内容（诉求人可见）').fill('已修好');
    await page.getByRole('button', { name: '答复', exact: true }).click();
    await expect.poll(() => page.locator('#reply-reply-error').innerText()).toContain('答复内容至少需要 10 个字');
    expect(await page.locator('#reply-reply').getAttribute('aria-describedby')).toContain('reply-reply-error');
    await inspect(unit, 'workbench-unit-ticket-390');
    await phoneSlices(page, 'workbench-unit-ticket-390');
    const reply = '经现场核查，三盏路灯因线路老化断电，已于今日更换线路并恢复照明，感谢您的反映。';
    await page.getByLabel('答复内容（诉求人可见）').fill(reply);
    await page.getByRole('button', { name: '答复', exact: true }).click();
    await expect.poll(() => page.locator('.status-badge').innerText()).toBe('已答复');
    expect(await page.locator('[data-contact-phone]').innerText()).toBe('139****5678');

    // A form posted without its token is refused, and nothing happens.
    const forged = await unit.context.request.post(ticketUrl, { form: { action: 'progress_note', note: '没有令牌的表单' } });
    expect(forged.status()).toBe(403);
    expect(await forged.text()).toContain('表单已过期或来源不明');
    await page.reload();
    expect(await main(page)).not.toContain('没有令牌的表单');

    // Another unit's ticket is a 404 page for this unit.
    const other = await fileTicket({
      type: 'help',
      category: 'utilities.water_outage',
      title: '幸福小区停水',
      description: '幸福小区从早上开始停水，没有看到停水通知，请尽快恢复供水。',
      location: { district: 'dongcheng', address: '幸福小区' },
      contact: { name: '赵女士', phone: '13811112222' },
    });
    expect((await portal.staff('demo.operator', `/api/staff/tickets/${other.ticketNo}/accept`, {})).status).toBe(200);
    expect((await portal.staff('demo.dispatcher', `/api/staff/tickets/${other.ticketNo}/dispatch`, { leadUnitId: 'util_water', coUnitIds: [] })).status).toBe(200);
    const notMine = await page.goto(`${portal.url}/staff/tickets/${other.ticketNo}`);
    expect(notMine!.status()).toBe(404);
    expect(await page.locator('h1').innerText()).toBe('未找到这个工单');
    expect(await main(page)).not.toContain('幸福小区');
    await inspect(unit, 'workbench-unit-not-found-390');
    await unit.context.close();

    // The citizen reads the reply on the portal.
    const citizen = await openPhone(browser);
    await citizen.page.goto(`${portal.url}/progress`);
    await citizen.page.locator('#ticketNo').fill(ticketNo);
    await citizen.page.locator('#queryCode').fill(filed.queryCode);
    await citizen.page.getByRole('button', { name: '查询', exact: true }).click();
    await expect.poll(() => main(citizen.page)).toContain(reply);
    await citizen.context.close();

    // 督办员: 待回访, 回访 by phone → 已办结.
    const supervisor = await openDesktop();
    page = supervisor.page;
    await logIn(page, 'demo.supervisor');
    expect(await page.locator('[data-staff-role]').innerText()).toBe('督办员');
    await inspect(supervisor, 'workbench-supervisor-first-1366');
    await page.locator('[data-queue="callback"]').click();
    await page.waitForURL(/queue=callback/);
    await inspect(supervisor, 'workbench-supervisor-callback-1366');
    await page.getByRole('link', { name: ticketNo }).click();
    await page.waitForURL(ticketUrl);
    const timeline = await page.locator('.staff-timeline').innerText();
    expect(timeline).toContain('内部');
    expect(timeline).toContain('公开');
    await page.getByRole('button', { name: '回访：记录评价' }).click();
    await expect.poll(() => page.locator('#rate-processSatisfaction-error').innerText()).toContain('请选择对办理过程的评价');
    await page.locator('#rate-processSatisfaction').getByLabel('满意', { exact: true }).check();
    await page.locator('#rate-resultSatisfaction').getByLabel('满意', { exact: true }).check();
    await page.locator('#rate-resolved').getByLabel('已解决').check();
    await page.getByLabel('回访记录').fill('电话回访，市民对处理结果满意。');
    await inspect(supervisor, 'workbench-supervisor-ticket-1366');
    await page.getByRole('button', { name: '回访：记录评价' }).click();
    await expect.poll(() => page.locator('.status-badge').innerText()).toBe('已办结');
    // A closed ticket: only a supervisor's 重办 is left.
    expect(await page.locator('[data-action]').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.action))).toEqual(['reopen']);
    await inspect(supervisor, 'workbench-supervisor-closed-1366');
    await supervisor.context.close();
  });

  it('takes a phone call from 电话受理 to 已办结 through every role, and the caller sees 已办结 on the portal', async () => {
    // 受理员 at the hotline desk: the call typed once, 登记 files it and accepts it (one event each).
    const operator = await openDesktop();
    let page = operator.page;
    await logIn(page, 'demo.operator');
    await page.getByRole('link', { name: '电话受理' }).click();
    await page.waitForURL(/\/staff\/phone$/);
    await page.getByLabel('来电号码').fill('13788889999');
    await page.getByLabel('来电人姓名').fill('吴女士');
    await page.getByLabel('来电内容').fill('东城区建设路 18 号门口的路灯坏了，一到晚上黑漆漆的，老人出门不方便');
    // The live draft fills in; the operator settles category and place before filing.
    await expect.poll(() => page.locator('#call-category').inputValue(), { timeout: 15_000 }).not.toBe('');
    await page.locator('#call-category').selectOption('urban_management.municipal_facilities');
    await page.locator('#call-district').selectOption('dongcheng');
    await page.getByLabel('详细地址').fill('建设路 18 号门口');
    await page.getByRole('button', { name: '登记', exact: true }).click();
    const done = page.locator('[data-call-done]');
    await expect.poll(() => done.innerText()).toMatch(/已登记工单 \d{12,14}，已受理。/);
    const ticketNo = (await done.innerText()).match(/工单 (\d{12,14})/)![1]!;
    const queryCode = (await done.innerText()).match(/查询码 (\d{8})/)![1]!;
    const ticketUrl = `${portal.url}/staff/tickets/${ticketNo}`;
    await page.getByRole('link', { name: '打开工单' }).click();
    await page.waitForURL(ticketUrl);
    expect(await page.locator('.status-badge').innerText()).toBe('已受理');
    expect(await page.locator('[data-contact-phone]').innerText()).toBe('137****9999');
    const opened = await page.locator('.staff-timeline').innerText();
    expect(opened).toContain('提交诉求');
    expect(opened).toContain('受理');
    await operator.context.close();

    // 派单员: 待派单 holds it (channel 电话); the suggestion is pre-filled; 派单.
    const dispatcher = await openDesktop();
    page = dispatcher.page;
    await logIn(page, 'demo.dispatcher');
    await page.locator('[data-queue="dispatch"]').click();
    await page.waitForURL(/queue=dispatch/);
    expect(await page.locator(`[data-ticket-row="${ticketNo}"]`).innerText()).toContain('电话');
    await page.getByRole('link', { name: ticketNo }).click();
    await page.waitForURL(ticketUrl);
    expect(await page.locator('[data-suggestion]').innerText()).toContain('派单建议：市城市管理局');
    expect(await page.locator('#dispatch-leadUnitId').inputValue()).toBe('city_urban_mgmt');
    await page.getByRole('button', { name: '派单', exact: true }).click();
    await expect.poll(() => page.locator('.status-badge').innerText()).toBe('已派单');
    await dispatcher.context.close();

    // 承办单位 on a phone: 签收, 联系记录, 办理进展 (public), 答复.
    const unit = await openPhone(browser);
    page = unit.page;
    await logIn(page, 'demo.unit');
    expect(await page.locator(`[data-ticket-row="${ticketNo}"]`).count()).toBe(1);
    await page.goto(ticketUrl);
    await page.getByRole('button', { name: '签收', exact: true }).click();
    await expect.poll(() => page.locator('.status-badge').innerText()).toBe('办理中');
    await page.getByLabel('联系情况').fill('已电话联系吴女士，说明今晚安排抢修。');
    await page.getByRole('button', { name: '联系记录：保存' }).click();
    await expect.poll(() => page.locator('[data-done]').innerText()).toBe('已完成：联系记录。');
    const progress = '抢修班组已到现场，正在更换损坏的灯具。';
    await page.getByLabel('进展说明').fill(progress);
    await page.getByLabel('诉求人可见（写入公开的办理过程）').check();
    await page.getByRole('button', { name: '办理进展：保存' }).click();
    await expect.poll(() => page.locator('[data-done]').innerText()).toBe('已完成：办理进展。');
    const reply = '经现场核查，建设路 18 号门口路灯灯具损坏，已于当晚更换并恢复照明，感谢您的反映。';
    await page.getByLabel('答复内容（诉求人可见）').fill(reply);
    await page.getByRole('button', { name: '答复', exact: true }).click();
    await expect.poll(() => page.locator('.status-badge').innerText()).toBe('已答复');
    await unit.context.close();

    // 督办员: 待回访 → 回访, satisfied twice, resolved → 已办结.
    const supervisor = await openDesktop();
    page = supervisor.page;
    await logIn(page, 'demo.supervisor');
    await page.locator('[data-queue="callback"]').click();
    await page.waitForURL(/queue=callback/);
    await page.getByRole('link', { name: ticketNo }).click();
    await page.waitForURL(ticketUrl);
    await page.locator('#rate-processSatisfaction').getByLabel('满意', { exact: true }).check();
    await page.locator('#rate-resultSatisfaction').getByLabel('满意', { exact: true }).check();
    await page.locator('#rate-resolved').getByLabel('已解决').check();
    await page.getByLabel('回访记录').fill('电话回访吴女士，路灯已亮，对处理满意。');
    await page.getByRole('button', { name: '回访：记录评价' }).click();
    await expect.poll(() => page.locator('.status-badge').innerText()).toBe('已办结');
    await supervisor.context.close();

    // The caller, with the number and query code the operator read out: 已办结, the reply and the public progress.
    const citizen = await openPhone(browser);
    await citizen.page.goto(`${portal.url}/progress`);
    await citizen.page.locator('#ticketNo').fill(ticketNo);
    await citizen.page.locator('#queryCode').fill(queryCode);
    await citizen.page.getByRole('button', { name: '查询', exact: true }).click();
    await expect.poll(() => citizen.page.locator('.status-badge').innerText()).toBe('已办结');
    const seen = await main(citizen.page);
    expect(seen).toContain(reply);
    expect(seen).toContain(progress);
    expect(seen).not.toContain('今晚安排抢修');
    await citizen.context.close();
  });

  it('says who got there first when a colleague took the action a moment before', async () => {
    const { ticketNo } = await fileTicket({
      type: 'help',
      category: 'urban_management',
      title: '井盖缺失',
      description: '建设路 8 号门口的井盖不见了，晚上很危险，请尽快处理。',
      location: { district: 'dongcheng', address: '建设路 8 号' },
      contact: { name: '孙先生', phone: '13722223333' },
    });
    const visit = await openDesktop();
    const { page } = visit;
    await logIn(page, 'demo.operator');
    await page.goto(`${portal.url}/staff/tickets/${ticketNo}`);
    // The dispatcher accepts it while the operator still has the page open.
    expect((await portal.staff('demo.dispatcher', `/api/staff/tickets/${ticketNo}/accept`, {})).status).toBe(200);
    await page.getByRole('button', { name: '受理', exact: true }).click();
    const said = () => page.locator('[data-lost-race]').innerText();
    await expect.poll(said).toContain('操作没有执行');
    expect(await said()).toContain('演示派单员');
    expect(await said()).toContain('受理');
    expect(await page.locator('.status-badge').innerText()).toBe('已受理');
    expect(await page.getByRole('button', { name: '受理', exact: true }).count()).toBe(0);
    await inspect(visit, 'workbench-lost-race-1366');
    await visit.context.close();
  });

  it('sends an expired session back to the login page, and returns to the page after logging in', async () => {
    const visit = await openDesktop();
    const { page } = visit;
    await logIn(page, 'demo.operator');
    await visit.context.addCookies([{ name: 'hl_session', value: 'no-such-session-token', url: portal.url }]);
    await page.goto(`${portal.url}/staff?queue=all`);
    await page.waitForURL(/\/staff\/login\?next=.*reason=expired/);
    expect(await page.locator('[data-expired]').innerText()).toContain('登录已过期');
    await inspect(visit, 'workbench-expired-1366');
    await page.getByLabel('用户名').fill('demo.operator');
    await page.getByLabel('密码').fill(password('demo.operator'));
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/\/staff\?queue=all$/);
    expect(await page.locator('h1').innerText()).toMatch(/^全部/);

    // 修改密码: the API's messages at their fields (the password stays as printed).
    await page.getByRole('link', { name: '修改密码' }).click();
    await page.waitForURL(/\/staff\/password$/);
    await page.locator('#currentPassword').fill('not-the-password-1');
    await page.locator('#newPassword').fill('another-pass-2027');
    await page.locator('#confirm').fill('another-pass-2027');
    await page.getByRole('button', { name: '修改密码' }).click();
    await expect.poll(() => page.locator('#currentPassword-error').innerText()).toContain('当前密码不正确');
    expect(await page.locator('#currentPassword').getAttribute('aria-describedby')).toContain('currentPassword-error');
    await page.locator('#currentPassword').fill(password('demo.operator'));
    await page.locator('#newPassword').fill('short');
    await page.locator('#confirm').fill('short');
    await page.getByRole('button', { name: '修改密码' }).click();
    await expect.poll(() => page.locator('#newPassword-error').innerText()).toContain('密码至少 10 位，且同时包含字母和数字');
    await inspect(visit, 'workbench-password-1366');
    await visit.context.close();
  });
});
