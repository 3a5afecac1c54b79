import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { powHeaders } from '../support/pow.ts';
import { inspect, launchBrowser, openPhone, SCREENSHOTS, type Visit } from './support/browser.ts';
import { type Portal, startPortal } from './support/portal.ts';

// 工单页 beside and inside the actions: similar tickets with 合并, knowledge
// entries for 直接答复 with the citizen's view before sending, the reason of
// the routing suggestion, reply templates, a return and an extension each
// asked and decided, a lost race between two colleagues' browsers, and the
// way to the publication page. (A form without its token and another unit's
// ticket as a 404 are walked in workbench.test.ts.)

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

async function openHandset(): Promise<Visit> {
  const visit = await openPhone(browser);
  visit.page.setDefaultTimeout(10_000);
  return visit;
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

async function staffOk(who: Demo, ticketNo: string, action: string, body: unknown = {}) {
  const res = await portal.staff(who, `/api/staff/tickets/${ticketNo}/${action}`, body);
  expect(res.status, `${action}: ${JSON.stringify(res.json)}`).toBe(200);
}

/** A long phone page in screen-high slices too, for people to look at (the full-page picture is too tall to read). */
async function phoneSlices(page: Page, name: string) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  for (let i = 0, y = 0; y < height && i < 7; i++, y += 844) {
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-part${i + 1}.png`), fullPage: true, clip: { x: 0, y, width: 390, height: Math.min(844, height - y) } });
  }
}

const main = (page: Page) => page.locator('main').innerText();
const statusOf = (page: Page) => page.locator('.status-badge').first().innerText();

const lamp = (title: string, description: string, address = '幸福路 40 号') => ({
  type: 'complaint',
  category: 'urban_management',
  title,
  description,
  location: { district: 'jiangbin', street: 'jiangbin_wangjiang', address },
  contact: { name: '周先生', phone: '13655556666' },
});

describe('工单页', () => {
  it('merges a duplicate from the similar tickets beside it, and answers directly from a knowledge entry after the preview', async () => {
    const first = await fileTicket(lamp('幸福路路灯不亮', '幸福路 30 号到 50 号之间的路灯一连三个晚上都不亮，行人看不清路，请尽快维修。'));
    const again = await fileTicket({ ...lamp('幸福路的路灯坏了', '幸福路 40 号附近的路灯晚上不亮，已经三天了，请派人维修。'), contact: { name: '吴女士', phone: '13977778888' } });
    const visit = await openDesktop();
    const { page } = visit;
    await logIn(page, 'demo.operator');
    await page.goto(`${portal.url}/staff/tickets/${again.ticketNo}`);
    const offered = page.locator(`[data-similar-ticket="${first.ticketNo}"]`);
    expect(await offered.innerText()).toContain('幸福路路灯不亮');
    expect(await offered.innerText()).toMatch(/同一街道 望江街道 · 内容相似 \d+%/);
    expect(await page.locator('[data-similar]').innerText()).not.toContain(again.ticketNo);
    await inspect(visit, 'workbench-ticket-similar-1366');
    await offered.getByRole('button', { name: `合并到 ${first.ticketNo}` }).click();
    await expect.poll(() => page.locator('[data-done]').innerText()).toBe('已完成：合并。');
    expect(await statusOf(page)).toBe('已合并');
    expect(await page.getByRole('link', { name: first.ticketNo }).first().getAttribute('href')).toBe(`/staff/tickets/${first.ticketNo}`);
    // The surviving ticket no longer offers the merged one.
    await page.goto(`${portal.url}/staff/tickets/${first.ticketNo}`);
    expect(await page.locator('[data-similar]').innerText()).not.toContain(again.ticketNo);

    // 直接答复 from the knowledge base: the entry's answer as the citizen will read it, sent only as previewed.
    const question = await fileTicket({
      type: 'consultation',
      category: 'housing_property',
      title: '公积金怎么提取',
      description: '我想问一下住房公积金怎么提取，需要带哪些材料？',
      location: { district: 'dongcheng' },
      contact: { name: '郑女士', phone: '13500001111' },
    });
    await page.goto(`${portal.url}/staff/tickets/${question.ticketNo}`);
    const entry = page.locator('[data-knowledge-entry]').first();
    expect(await entry.innerText()).toContain('公积金');
    await page.getByRole('button', { name: '直接答复', exact: true }).count().then((n) => expect(n).toBe(0));
    await entry.getByRole('button', { name: '用此条答复' }).click();
    await expect.poll(() => page.locator('[data-preview-text]').innerText()).not.toBe('');
    const filled = await page.locator('#answer_directly-answer').inputValue();
    expect(filled).toContain('公积金');
    // The entry goes with the answer, so the citizen's words teach the answer chain (kb_learned_questions).
    expect(await page.locator('#action-answer_directly input[name="entryId"]').inputValue()).toMatch(/^F\d{3}$/);
    expect(filled).not.toMatch(/\*\*|^#/m);
    expect((await page.locator('[data-preview-text]').innerText()).trim()).toBe(filled.trim());
    expect(await page.locator('[data-answer-preview]').innerText()).toContain('答复单位：12345 热线');
    await inspect(visit, 'workbench-ticket-answer-preview-1366');
    // Changed after the preview: shown again, not sent.
    const edited = `${filled}\n如还有疑问，可拨打 12345 咨询。`;
    await page.locator('#answer_directly-answer').fill(edited);
    await page.getByRole('button', { name: '直接答复', exact: true }).click();
    await expect.poll(() => page.locator('[data-answer-preview]').innerText()).toContain('答复内容在预览后改过了');
    expect(await page.locator('[data-preview-text]').innerText()).toContain('如还有疑问，可拨打 12345 咨询。');
    expect(await statusOf(page)).toBe('待受理');
    await page.getByRole('button', { name: '直接答复', exact: true }).click();
    await expect.poll(() => statusOf(page)).toBe('已直接答复');
    expect(await page.locator('[data-reply]').innerText()).toContain('如还有疑问，可拨打 12345 咨询。');
    await visit.context.close();
  });

  it('shows why a unit was suggested; a return asked on the phone is approved, and the supervisor a moment late is told who decided', async () => {
    const { ticketNo } = await fileTicket(lamp('望江路井盖松动', '望江路 18 号门口的井盖松动，车压过去响声很大，担心有人踩空，请尽快加固。', '望江路 18 号'));
    await staffOk('demo.operator', ticketNo, 'accept');
    const ticketUrl = `${portal.url}/staff/tickets/${ticketNo}`;

    const dispatcher = await openDesktop();
    await logIn(dispatcher.page, 'demo.dispatcher');
    await dispatcher.page.goto(ticketUrl);
    const why = await dispatcher.page.locator('[data-suggestion]').innerText();
    expect(why).toContain('派单建议：市城市管理局');
    expect(why).toContain('建议依据');
    expect(await dispatcher.page.locator('[data-suggestion-why]').innerText()).toContain('依据派单规则：城市管理');
    expect(await dispatcher.page.locator('#dispatch-leadUnitId').inputValue()).toBe('city_urban_mgmt');
    await dispatcher.page.getByRole('button', { name: '派单', exact: true }).click();
    await expect.poll(() => statusOf(dispatcher.page)).toBe('已派单');

    // 承办单位 on a phone: 申请退单 with the window and count shown, the reason required.
    const unit = await openHandset();
    await logIn(unit.page, 'demo.unit');
    await unit.page.goto(ticketUrl);
    expect(await unit.page.locator('#action-request_return').innerText()).toMatch(/本工单已退单 0 次/);
    await unit.page.getByRole('button', { name: '申请退单' }).click();
    await expect.poll(() => unit.page.locator('#request_return-reason-error').innerText()).not.toBe('');
    await unit.page.getByLabel('退单理由').fill('井盖属于燃气公司的检查井，不归城管负责，请改派燃气公司。');
    await unit.page.getByRole('button', { name: '申请退单' }).click();
    await expect.poll(() => statusOf(unit.page)).toBe('退单审核中');
    await inspect(unit, 'workbench-ticket-return-requested-390');
    await phoneSlices(unit.page, 'workbench-ticket-return-requested-390');
    await unit.context.close();

    // Dispatcher and supervisor both have the page open; the dispatcher decides first.
    const supervisor = await openDesktop();
    await logIn(supervisor.page, 'demo.supervisor');
    await supervisor.page.goto(ticketUrl);
    await dispatcher.page.goto(ticketUrl);
    expect(await dispatcher.page.locator('main').innerText()).toContain('井盖属于燃气公司的检查井');
    await dispatcher.page.getByRole('button', { name: '批准退单' }).click();
    await expect.poll(() => statusOf(dispatcher.page)).toBe('已受理');
    expect(await dispatcher.page.getByRole('button', { name: '派单', exact: true }).count()).toBe(1);

    await supervisor.page.locator('#deny_return-reason').fill('井盖在人行道上，属城管维护范围。');
    await supervisor.page.getByRole('button', { name: '驳回退单' }).click();
    const said = () => supervisor.page.locator('[data-lost-race]').innerText();
    await expect.poll(said).toContain('操作没有执行');
    expect(await said()).toContain('演示派单员');
    expect(await said()).toContain('批准退单');
    expect(await statusOf(supervisor.page)).toBe('已受理');
    expect(await supervisor.page.getByRole('button', { name: '驳回退单' }).count()).toBe(0);
    await inspect(supervisor, 'workbench-ticket-lost-race-1366');
    await Promise.all([dispatcher.context.close(), supervisor.context.close()]);
  });

  it('moves the due time when an extension is approved, and fills a reply template the handler must complete', async () => {
    const { ticketNo } = await fileTicket(lamp('望江公园垃圾堆积', '望江公园东门外的垃圾已经堆了一个星期没人清运，气味很大，请尽快清理。', '望江公园东门'));
    await staffOk('demo.operator', ticketNo, 'accept');
    await staffOk('demo.dispatcher', ticketNo, 'dispatch', { leadUnitId: 'city_urban_mgmt', coUnitIds: [] });
    const ticketUrl = `${portal.url}/staff/tickets/${ticketNo}`;

    const unit = await openHandset();
    const { page } = unit;
    await logIn(page, 'demo.unit');
    await page.goto(ticketUrl);
    await page.getByRole('button', { name: '签收' }).click();
    await expect.poll(() => statusOf(page)).toBe('办理中');
    const dueBefore = await page.locator('[data-due-at]').innerText();
    await page.getByLabel('延长的工作日数').fill('3');
    await page.getByLabel('延期理由').fill('需协调环卫公司调派大型清运车辆，3 个工作日内完成。');
    await page.getByRole('button', { name: '申请延期' }).click();
    await expect.poll(() => page.locator('[data-done]').innerText()).toBe('已完成：申请延期。');

    const dispatcher = await openDesktop();
    await logIn(dispatcher.page, 'demo.dispatcher');
    await dispatcher.page.goto(ticketUrl);
    expect(await main(dispatcher.page)).toContain('需协调环卫公司调派大型清运车辆');
    expect(await dispatcher.page.locator('[data-due-at]').innerText()).toBe(dueBefore);
    await dispatcher.page.getByRole('button', { name: '批准延期' }).click();
    await expect.poll(() => dispatcher.page.locator('[data-done]').innerText()).toBe('已完成：批准延期。');
    const dueAfter = await dispatcher.page.locator('[data-due-at]').innerText();
    expect(dueAfter).not.toBe(dueBefore);
    // 2026-12-04 10:30 → later: the formatted times compare as text.
    expect(dueAfter > dueBefore).toBe(true);
    await dispatcher.context.close();

    // 答复 with the category's template: the ticket's facts filled in, the 【】 left for the handler.
    await page.reload();
    expect(await page.locator('[data-due-at]').innerText()).toBe(dueAfter);
    const options = await page.locator('#reply-templateId option').allInnerTexts();
    expect(options[0]).toBe('城市管理：现场处置');
    expect(options).toContain('已办结');
    await page.getByRole('button', { name: '套用模板' }).click();
    await expect.poll(() => page.locator('[data-template-applied]').innerText()).toContain('城市管理：现场处置');
    const drafted = await page.locator('#reply-reply').inputValue();
    expect(drafted).toContain('“望江公园垃圾堆积”');
    expect(drafted).toContain('市城市管理局');
    expect(drafted).toContain('【');
    await inspect(unit, 'workbench-ticket-template-390');
    await phoneSlices(page, 'workbench-ticket-template-390');
    await page.getByRole('button', { name: '答复', exact: true }).click();
    await expect.poll(() => page.locator('#reply-reply-error').innerText()).toContain('【】');
    expect(await statusOf(page)).toBe('办理中');
    const reply = drafted.replace(/【日期】/, '12 月 5 日').replace(/【[^】]*】/g, '已清运全部堆积垃圾');
    await page.locator('#reply-reply').fill(reply);
    await page.getByRole('button', { name: '答复', exact: true }).click();
    await expect.poll(() => statusOf(page)).toBe('已答复');
    expect(await page.locator('[data-reply]').innerText()).toBe(reply);
    await unit.context.close();
  });

  it('takes a supervisor from a closed case the citizen agreed to publish to its publication page', async () => {
    const { ticketNo } = await fileTicket({ ...lamp('望江小区健身器材损坏', '望江小区中心广场的健身器材扶手断了，老人锻炼容易受伤，请维修。', '望江小区'), publishConsent: true });
    await portal.replyAsUnit(ticketNo, '已更换望江小区健身器材的扶手，并对其他器材做了安全检查。');
    await staffOk('demo.supervisor', ticketNo, 'callback', { processSatisfaction: 'satisfied', resultSatisfaction: 'satisfied', resolved: true });
    const visit = await openDesktop();
    await logIn(visit.page, 'demo.supervisor');
    await visit.page.goto(`${portal.url}/staff/tickets/${ticketNo}`);
    await visit.page.getByRole('link', { name: '公开办理结果' }).click();
    await visit.page.waitForURL(`${portal.url}/staff/tickets/${ticketNo}/publication`);
    expect(await visit.page.getByRole('button', { name: '公开', exact: true }).count()).toBe(1);
    await visit.context.close();

    const operator = await openDesktop();
    await logIn(operator.page, 'demo.operator');
    await operator.page.goto(`${portal.url}/staff/tickets/${ticketNo}`);
    expect(await operator.page.locator('[data-publication-link]').count()).toBe(0);
    await operator.context.close();
  });

  it('shows that a WeChat filing was spoken, and says why the recording cannot be heard here (no official account configured)', async () => {
    // Filed through the running process's own dialog engine, as the official account's adapter hands it a voice message.
    const user = `oVoiceBrowser${Date.now()}`;
    let n = 0;
    const send = (m: { kind: 'text' | 'voice'; text?: string; voice?: { mediaId: string; recognition: string } }) =>
      portal.running.bots.dialog.handle({ network: 'wechat-oa', chatUserId: user, messageId: `voice-browser-${++n}`, ...m });
    const pick = (out: { buttons?: { label: string; reply: string }[] }[], label: RegExp) => out.flatMap((o) => o.buttons ?? []).find((b) => label.test(b.label))?.reply;
    await send({ kind: 'text', text: '我要反映' });
    let out = await send({ kind: 'voice', voice: { mediaId: 'VOICE_BROWSER_1', recognition: '滨江路18号门口的井盖丢了，晚上有人差点掉下去' } });
    for (let step = 0; step < 12; step++) {
      const said = out.map((o) => o.text).join('\n');
      if (said.includes('工单编号：')) break;
      const answer = said.includes('请核对您的诉求')
        ? pick(out, /确认提交/)
        : said.includes('现场照片')
          ? pick(out, /照片发完了/)
          : said.includes('姓名和手机号')
            ? '张三 13800000000'
            : said.includes('什么时候发生')
              ? pick(out, /跳过/)
              : said.includes('详细地址')
                ? '滨江路18号门口'
                : said.includes('哪个区') || said.includes('街道')
                  ? out.flatMap((o) => o.buttons ?? [])[0]?.reply
                  : undefined;
      if (!answer) throw new Error(`unexpected step:\n${said}`);
      out = await send({ kind: 'text', text: answer });
    }
    const ticketNo = /工单编号：(\d+)/.exec(out.map((o) => o.text).join('\n'))![1]!;
    const visit = await openHandset();
    await logIn(visit.page, 'demo.operator');
    await visit.page.goto(`${portal.url}/staff/tickets/${ticketNo}`);
    const note = visit.page.locator('[data-event="submit"] [data-voice-note]');
    expect(await note.getAttribute('data-voice-note')).toBe('unconfigured');
    expect(await note.innerText()).toContain('未配置微信公众号');
    expect(await visit.page.locator('[data-voice] a').count()).toBe(0);
    await inspect(visit, 'workbench-ticket-voice-390');
    await visit.context.close();
  });
});
