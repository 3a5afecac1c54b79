import { kbIntakeRules } from '@hotline/db';
import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspect, launchBrowser, openPhone, type Visit } from './support/browser.ts';
import { type Portal, startPortal } from './support/portal.ts';

// 受理规则 (/staff/kb/intake-rules): an editor finds the rules by kind and by a
// word, tries a citizen's message against the stored rules, adds a rule and
// tries it before saving (the draft turns urgent, the rule is listed as
// fired with its word), saves it, sees the API's message at the field it is
// about, edits and removes it. Works without JavaScript; only editors find it.

let portal: Portal;
let browser: Browser;

beforeAll(async () => {
  [portal, browser] = await Promise.all([startPortal(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await portal?.close();
});

type Demo = 'demo.editor' | 'demo.operator';
const password = (username: Demo) => portal.running.demoAccounts.find((a) => a.username === username)!.password;
const db = () => portal.running.database.db;
const storedRule = async (id: string) => (await db().select().from(kbIntakeRules).where(eq(kbIntakeRules.id, id)))[0];

async function open(width: 1366 | 390, javaScript = true): Promise<Visit> {
  const visit =
    width === 390
      ? await openPhone(browser, { javaScript })
      : await (async () => {
          const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, deviceScaleFactor: 1, locale: 'zh-CN', javaScriptEnabled: javaScript });
          const page = await context.newPage();
          const problems: string[] = [];
          page.on('console', (message) => {
            if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text());
          });
          page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
          return { context, page, problems, javaScript };
        })();
  // Saving replaces every rule and 试一试 drafts with all of them: on a loaded machine that can take a while.
  visit.page.setDefaultTimeout(30_000);
  return visit;
}

async function logIn(page: Page, username: Demo, path = '/staff/kb') {
  await page.goto(`${portal.url}${path}`);
  await page.waitForURL(/\/staff\/login/);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password(username));
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(new RegExp(path.replace(/[/?]/g, '\\$&')));
}

const ARCH = '小区门口的充气拱门晃得厉害';
const draftValue = (page: Page, key: string) => page.locator(`[data-draft="${key}"] [data-draft-value]`).textContent();

describe('受理规则', () => {
  it('lists the rules by kind and finds them by a word; 试一试 shows the draft and the stored rules that fired', async () => {
    const visit = await open(1366);
    const { page } = visit;
    await logIn(page, 'demo.editor');
    await page.locator('[data-kb-tool="intake-rules"]').first().click();
    await page.waitForURL(/\/staff\/kb\/intake-rules$/);
    expect(await page.locator('[data-kb-tool="intake-rules"]').getAttribute('aria-current')).toBe('page');
    expect(await page.locator('h1').textContent()).toBe('受理规则');
    // Every kind has its group; the seeded rules are all there.
    for (const kind of ['category', 'type', 'urgency', 'emergency']) {
      expect(Number(await page.locator(`[data-rule-kind="${kind}"] [data-rules-count]`).getAttribute('data-rules-count')), kind).toBeGreaterThan(5);
    }
    await inspect(visit, 'kb-intake-rules-1366');
    // Each kind shows its first rules; 显示全部 shows the rest.
    expect(await page.locator('[data-rule-kind="emergency"] [data-rule]').count()).toBe(30);
    await page.locator('[data-rules-all="emergency"]').click();
    await page.waitForURL(/all=1#group-urgent$/);
    expect(await page.locator('[data-rule-kind="emergency"] [data-rule]').count()).toBe(
      Number(await page.locator('[data-rule-kind="emergency"] [data-rules-count]').getAttribute('data-rules-count')),
    );
    const fire = page.locator('[data-rule="e119-fire"]');
    expect(await fire.locator('td').nth(1).textContent()).toContain('119');
    expect(await fire.locator('td').nth(2).textContent()).toContain('着火');

    await page.getByLabel('查找规则').fill('燃气泄漏');
    await page.getByRole('button', { name: '查找', exact: true }).click();
    await page.waitForURL(/q=/);
    expect(await page.locator('[data-rule="e119-gas-leak"]').count()).toBe(1);
    expect(await page.locator('[data-rule="c-vending"]').count()).toBe(0);
    expect(await page.locator('[data-rule-kind="type"] [data-rules-count]').getAttribute('data-rules-count')).toBe('0');

    await page.getByLabel('市民的留言').fill('我家厨房着火了，火很大，快来人');
    await page.getByRole('button', { name: '试一试' }).click();
    await page.waitForURL(/#try$/);
    expect(await page.locator('[data-try-result]').getAttribute('data-using')).toBe('stored');
    expect(await draftValue(page, 'urgency')).toBe('紧急');
    expect(await draftValue(page, 'emergency')).toContain('119');
    expect(await page.locator('[data-draft-advice]').textContent()).toContain('119');
    const fired = page.locator('[data-fired^="e119-fire"]').first();
    expect(await fired.locator('mark').first().textContent()).toContain('着火');
    expect(await page.getByLabel('市民的留言').inputValue()).toBe('我家厨房着火了，火很大，快来人');
    await inspect(visit, 'kb-intake-rules-try-1366');
    await visit.context.close();
  });

  it('adds a rule and tries it before saving (the draft changes and the rule fired), saves it, shows a field error, edits and removes it', async () => {
    const visit = await open(1366);
    const { page } = visit;
    await logIn(page, 'demo.editor', '/staff/kb/intake-rules');

    await page.locator('[data-rule-add="urgency"]').click();
    await page.waitForURL(/new=urgency$/);
    expect(await page.locator('h1').textContent()).toBe('新增紧急程度规则');
    await page.getByLabel(/^规则编号/).fill('u-arch-sway');
    expect(await page.getByLabel(/^目标/).inputValue()).toBe('urgent');
    await page.getByLabel(/^关键词（任一）/).fill('充气拱门、气模');
    await page.getByLabel(/^须同时包含/).fill('晃');
    await page.getByLabel(/^说明/).fill('充气拱门被风吹晃');
    await page.getByLabel('市民的留言').fill(ARCH);
    await page.getByRole('button', { name: '试一试' }).click();
    await page.waitForURL(/new=urgency#try$/);
    // Tried with the rule as typed, not saved: it fired on its words, and the draft is urgent where the stored rules leave it normal.
    expect(await page.locator('[data-try-result]').getAttribute('data-using')).toBe('given');
    expect(await page.locator('[data-edited-fired]').getAttribute('data-edited-fired')).toBe('1');
    expect(await page.locator('[data-fired="u-arch-sway"] mark').allTextContents()).toEqual(['充气拱门', '晃']);
    expect(await draftValue(page, 'urgency')).toBe('紧急');
    expect(await page.locator('[data-draft="urgency"]').getAttribute('data-changed')).toBe('1');
    expect(await page.locator('[data-draft="urgency"] [data-draft-was]').textContent()).toBe('现在（已保存的规则）：一般');
    expect(await storedRule('u-arch-sway')).toBeUndefined();
    // The form keeps what was typed.
    expect(await page.getByLabel(/^关键词（任一）/).inputValue()).toBe('充气拱门、气模');
    await inspect(visit, 'kb-intake-rule-new-1366');

    await page.getByRole('button', { name: '保存' }).click();
    await page.waitForURL(/done=saved&rule=u-arch-sway#rule-u-arch-sway$/);
    expect(await page.locator('[data-done="saved"]').textContent()).toContain('u-arch-sway');
    await page.reload();
    const row = page.locator('[data-rule-kind="urgency"] [data-rule="u-arch-sway"]');
    expect(await row.locator('td').nth(1).textContent()).toBe('紧急');
    expect(await row.locator('td').nth(2).textContent()).toBe('充气拱门、气模');
    expect(await storedRule('u-arch-sway')).toMatchObject({ kind: 'urgency', target: 'urgent', any: ['充气拱门', '气模'], all: ['晃'], note: '充气拱门被风吹晃', active: true });
    // The intake everyone uses has it at once.
    const draft = await fetch(`${portal.url}/api/intake/draft`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: ARCH, channel: 'web' }) }).then(
      (r) => r.json() as Promise<{ draft: { urgency: string }; evidence: { urgency: string[] } }>,
    );
    expect(draft.evidence.urgency).toContain('u-arch-sway');
    expect(draft.draft.urgency).toBe('urgent');

    // The API's message at the field it is about.
    await row.getByRole('link', { name: '修改规则 u-arch-sway' }).click();
    await page.waitForURL(/edit=u-arch-sway$/);
    await page.getByLabel(/^关键词（任一）/).fill('');
    await page.getByLabel(/^须同时包含/).fill('');
    await page.getByRole('button', { name: '保存' }).click();
    await page.waitForURL(/edit=u-arch-sway$/);
    const any = page.getByLabel(/^关键词（任一）/);
    expect(await any.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#rule-any-error').textContent()).toBe('“关键词（任一）”和“须同时包含”不能都为空');
    expect(await any.getAttribute('aria-describedby')).toContain('rule-any-error');
    expect(await page.locator('[data-error-summary]').textContent()).toContain('关键词（任一）：“关键词（任一）”和“须同时包含”不能都为空');
    await inspect(visit, 'kb-intake-rule-invalid-1366');

    await any.fill('充气拱门、气模、彩虹门');
    await page.getByLabel(/^须同时包含/).fill('晃');
    await page.getByLabel(/^权重/).fill('5');
    await page.getByRole('button', { name: '保存' }).click();
    await page.waitForURL(/done=saved/);
    await page.goto(`${portal.url}/staff/kb/intake-rules?edit=u-arch-sway`);
    expect(await page.getByLabel(/^关键词（任一）/).inputValue()).toBe('充气拱门、气模、彩虹门');
    expect(await page.getByLabel(/^权重/).inputValue()).toBe('5');

    // Removing asks first.
    await page.getByRole('button', { name: '删除规则' }).click();
    await page.waitForURL(/edit=u-arch-sway$/);
    expect(await page.locator('[data-confirm-remove]').textContent()).toContain('确定删除规则 u-arch-sway 吗');
    expect(await storedRule('u-arch-sway')).toBeDefined();
    await page.getByRole('button', { name: '确认删除' }).click();
    await page.waitForURL(/done=removed&rule=u-arch-sway$/);
    expect(await page.locator('[data-rule="u-arch-sway"]').count()).toBe(0);
    expect(await storedRule('u-arch-sway')).toBeUndefined();
    await visit.context.close();
  });

  it('works on a phone without JavaScript: 试一试 in the editor with an edited rule', async () => {
    const visit = await open(390, false);
    const { page } = visit;
    await logIn(page, 'demo.editor', '/staff/kb/intake-rules');
    await inspect(visit, 'kb-intake-rules-390');
    await page.goto(`${portal.url}/staff/kb/intake-rules?edit=e119-gas-leak`);
    const any = page.getByLabel(/^关键词（任一）/);
    expect(await any.inputValue()).toContain('燃气泄漏');
    await any.fill(`${await any.inputValue()}、煤气味好冲`);
    await page.getByLabel('市民的留言').fill('楼道里煤气味好冲，邻居家没人');
    await page.getByRole('button', { name: '试一试' }).click();
    await page.waitForURL(/edit=e119-gas-leak#try$/);
    expect(await page.locator('[data-fired="e119-gas-leak"] mark').allTextContents()).toContain('煤气味好冲');
    expect(await draftValue(page, 'emergency')).toContain('119');
    expect(await page.locator('tr.mine[data-fired="e119-gas-leak"]').count()).toBe(1);
    // Not saved.
    expect((await storedRule('e119-gas-leak'))!.any).not.toContain('煤气味好冲');
    await inspect(visit, 'kb-intake-rule-try-390');
    await visit.context.close();
  });

  it('is not there for staff without the editor role', async () => {
    const visit = await open(1366);
    const { page } = visit;
    await page.goto(`${portal.url}/staff`);
    await page.getByLabel('用户名').fill('demo.operator');
    await page.getByLabel('密码').fill(password('demo.operator'));
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/\/staff(\?|$)/);
    for (const path of ['/staff/kb/intake-rules', '/staff/kb/intake-rules?edit=e119-fire']) {
      const res = await page.goto(`${portal.url}${path}`);
      expect(res?.status(), path).toBe(404);
      expect(await page.locator('[data-forbidden]').count()).toBe(1);
    }
    await visit.context.close();
  });
});
