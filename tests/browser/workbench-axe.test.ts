import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { powHeaders } from '../support/pow.ts';
import { axeViolations, launchBrowser, openPhone, screenshot, type Visit } from './support/browser.ts';
import { type Portal, startPortal } from './support/portal.ts';

// axe-core on every staff page, at 1366 px (the hotline floor) and 390 px (a
// handler's phone): each demo account logs in, every page its navigation links
// to is checked (so a page added to the navigation is checked without a change
// here), and the pages reached from them: a ticket in each state with the
// role's action forms, 电话受理, a bulk result, the publication page, the
// account, entry and password pages, a 404 ticket, the login and expired pages.
// Every violation of every page is collected first, so one run lists them all.

let portal: Portal;
let browser: Browser;

beforeAll(async () => {
  [portal, browser] = await Promise.all([startPortal({ powBits: 0 }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await portal?.close();
});

type Demo = 'demo.operator' | 'demo.dispatcher' | 'demo.unit' | 'demo.supervisor' | 'demo.admin' | 'demo.editor';
const password = (username: Demo) => portal.running.demoAccounts.find((a) => a.username === username)!.password;

async function fileTicket(title: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await fetch(`${portal.url}/api/tickets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await powHeaders(portal.url)) },
    body: JSON.stringify({
      channel: 'web',
      type: 'complaint',
      category: 'urban_management',
      title,
      description: `${title}，已经好几天了，请相关部门尽快处理。`,
      location: { district: 'dongcheng', address: '人民路 16 号' },
      contact: { name: '郑先生', phone: '13900007777' },
      ...extra,
    }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { ticketNo: string }).ticketNo;
}

async function step(who: Parameters<Portal['staff']>[0], ticketNo: string, action: string, body: unknown = {}) {
  const res = await portal.staff(who, `/api/staff/tickets/${ticketNo}/${action}`, body);
  expect(res.status, `${action} ${ticketNo}: ${JSON.stringify(res.json)}`).toBe(200);
}

async function open(width: number): Promise<Visit> {
  if (width < 600) return openPhone(browser, { width });
  const context = await browser.newContext({ viewport: { width, height: 768 }, deviceScaleFactor: 1, locale: 'zh-CN' });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  return { context, page, problems, javaScript: true };
}

async function logIn(page: Page, username: Demo) {
  await page.goto(`${portal.url}/staff/login`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password(username));
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(/\/staff(\/kb)?(\?|$)/);
}

/** The staff pages the signed-in user's navigation links to (queues, 电话受理, 待公开, 知识库管理, 系统管理, 修改密码, …). */
async function navPages(page: Page): Promise<string[]> {
  const hrefs = await page.locator('header a[href^="/staff"]').evaluateAll((links) => links.map((a) => a.getAttribute('href')!));
  return [...new Set(hrefs.filter((h) => h !== '/staff/logout'))];
}

/** Links under `within` on the current page matching `pattern` (the first `n`). */
async function linksOn(page: Page, within: string, pattern: RegExp, n: number): Promise<string[]> {
  const hrefs = await page.locator(`${within} a[href^="/staff"]`).evaluateAll((links) => links.map((a) => a.getAttribute('href')!));
  return [...new Set(hrefs.filter((h) => pattern.test(h)))].slice(0, n);
}

describe('工作台无障碍', () => {
  let pagesFor: ((width: number) => Promise<void>) | null = null;
  beforeAll(async () => {
    // A ticket in each state a role works, so each page shows its forms.
    const submitted = await fileTicket('人民路噪音扰民');
    const accepted = await fileTicket('人民路占道经营');
    await step('demo.operator', accepted, 'accept');
    const dispatched = await fileTicket('人民路井盖松动');
    await step('demo.operator', dispatched, 'accept');
    await step('demo.dispatcher', dispatched, 'dispatch', { leadUnitId: 'city_urban_mgmt', coUnitIds: [] });
    const returning = await fileTicket('人民路路面塌陷');
    await step('demo.operator', returning, 'accept');
    await step('demo.dispatcher', returning, 'dispatch', { leadUnitId: 'city_urban_mgmt', coUnitIds: [] });
    await step('demo.unit', returning, 'sign');
    await step('demo.unit', returning, 'extension', { extraWorkingDays: 3, reason: '需要协调管线单位共同施工。' });
    await step('demo.unit', returning, 'return', { reason: '路面下为燃气管线，应由燃气公司处理。' });
    await step('demo.supervisor', returning, 'supervise', { note: '群众反映强烈，请加快办理。' });
    const replied = await fileTicket('人民路路灯不亮', { publishConsent: true });
    await portal.replyAsUnit(replied, '经现场核查，路灯线路老化，已更换线路并恢复照明，感谢您的反映。');
    const otherUnit = await fileTicket('人民路停水');
    await step('demo.operator', otherUnit, 'accept');
    await step('demo.dispatcher', otherUnit, 'dispatch', { leadUnitId: 'util_water', coUnitIds: [] });

    const ticket = (no: string) => `/staff/tickets/${no}`;
    const extras: Record<Demo, string[]> = {
      'demo.operator': [ticket(submitted), ticket(replied), '/staff?queue=all&q=人民路'],
      'demo.dispatcher': [ticket(accepted), ticket(returning)],
      'demo.unit': [ticket(dispatched), ticket(returning), ticket(otherUnit)],
      'demo.supervisor': [ticket(replied), ticket(returning), `${ticket(replied)}/publication`],
      'demo.admin': [],
      'demo.editor': ['/staff/kb/new', '/staff/kb/unanswered', '/staff/kb/import'],
    };
    /** Pages reached from a page: an account from 账号, an entry from 知识库. */
    // [page, links to follow from it, where they are, how many]: 系统管理's sections, an account from its table, an entry from 知识库's table.
    const follow: [RegExp, RegExp, string, number][] = [
      [/^\/staff\/admin$/, /^\/staff\/admin\/[a-z]+$/, 'main', 10],
      [/^\/staff\/admin\/accounts$/, /^\/staff\/admin\/accounts\/[^/?]+$/, 'main table', 1],
      [/^\/staff\/kb$/, /^\/staff\/kb\/[^/?]+$/, 'main table', 1],
    ];

    pagesFor = async (width: number) => {
    const found: Record<string, unknown> = {};
    const checked: string[] = [];
    async function check(visit: Visit, name: string, path: string | null) {
      if (path) {
        const res = await visit.page.goto(`${portal.url}${path}`);
        // The other unit's ticket is a 404 page, and is checked as one; anything else must render.
        expect(res!.status(), `${name} ${path}`).toBe(path === ticket(otherUnit) ? 404 : 200);
      }
      const violations = await axeViolations(visit.page);
      checked.push(`${name} ${path ?? visit.page.url()}`);
      if (violations.length) {
        found[`${name} ${path ?? new URL(visit.page.url()).pathname}`] = violations;
        await screenshot(visit.page, `axe-${name}-${checked.length}`);
      }
    }

    {
      const anonymous = await open(width);
      await check(anonymous, `${width} anonymous`, '/staff/login');
      await check(anonymous, `${width} anonymous`, '/staff/login?reason=expired&next=%2Fstaff');
      await anonymous.context.close();

      for (const who of Object.keys(extras) as Demo[]) {
        const visit = await open(width);
        await logIn(visit.page, who);
        const name = `${width} ${who}`;
        const pages = [...new Set([...(await navPages(visit.page)), ...extras[who]])];
        for (const path of pages) {
          await check(visit, name, path);
          for (const [from, to, within, n] of follow) {
            if (!from.test(path)) continue;
            for (const next of await linksOn(visit.page, within, to, n)) {
              await check(visit, name, next);
              // One level further: an account from 账号.
              for (const [from2, to2, within2, n2] of follow) if (from2 !== from && from2.test(next)) for (const last of await linksOn(visit.page, within2, to2, n2)) await check(visit, name, last);
            }
          }
        }
        if (who === 'demo.operator') {
          // 批量操作's result page (a POST from 待受理) and a phone search's result (a POST from 全部).
          const bulk = await fileTicket(`人民路垃圾清运不及时 ${width}`);
          await visit.page.goto(`${portal.url}/staff?queue=intake`);
          await visit.page.getByLabel(`选择工单 ${bulk}`).check();
          await visit.page.getByRole('button', { name: '受理所选' }).click();
          await visit.page.waitForURL(/\/staff\/bulk$/);
          await check(visit, name, null);
          await visit.page.goto(`${portal.url}/staff?queue=all`);
          await visit.page.getByLabel('诉求人电话（精确）').fill('13900007777');
          await visit.page.getByRole('button', { name: '查找' }).click();
          await visit.page.locator('[data-phone-results]').waitFor();
          await check(visit, name, null);
        }
        expect(visit.problems, `script errors for ${name}`).toEqual([]);
        await visit.context.close();
      }
    }
    console.log(`axe at ${width} px: ${checked.length} pages checked, ${Object.keys(found).length} with violations`);
    expect(found).toEqual({});
    // Every role's pages were reached (a navigation that lost its links would check nothing).
    for (const must of ['/staff/phone', '/staff?queue=dispatch', '/staff?queue=sign', '/staff?queue=callback', '/staff/publications', '/staff/admin/calendar', '/staff/kb/unanswered', '/staff/password']) {
      expect(checked.some((c) => c.endsWith(` ${must}`)), must).toBe(true);
    }
    expect(checked.some((c) => / \/staff\/admin\/accounts\/[^/]+$/.test(c))).toBe(true);
    expect(checked.some((c) => / \/staff\/kb\/(?!new$|unanswered$)[^/?]+$/.test(c))).toBe(true);

    };
  });

  // One test per width: a loaded two-core machine takes a minute or more for each.
  for (const width of [1366, 390]) {
    it(`every staff page is axe-clean at ${width} px`, { timeout: 300_000 }, async () => {
      await pagesFor!(width);
    });
  }
});
