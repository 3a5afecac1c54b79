import { attachments, tickets } from '@hotline/db';
import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { solveSum } from '../support/pow.ts';
import { inspect, launchBrowser, openPhone } from './support/browser.ts';
import { type Portal, startPortal } from './support/portal.ts';

let portal: Portal;
let browser: Browser;
let photo: Buffer;

beforeAll(async () => {
  [portal, browser] = await Promise.all([startPortal({ powBits: 12 }), launchBrowser()]);
  // A 2400×1800 camera-sized photo: the page shrinks it before upload when scripts run.
  photo = await sharp({ create: { width: 2400, height: 1800, channels: 3, background: { r: 120, g: 160, b: 90 } } }).jpeg({ quality: 90 }).toBuffer();
});
afterAll(async () => {
  await browser?.close();
  await portal?.close();
});

const db = () => portal.running.database.db;
const DESCRIPTION = '和平路25号小区东门的路灯坏了一个多星期，晚上很黑，老人出行不方便，请尽快修好。';

async function fillForm(page: Page): Promise<void> {
  await page.getByLabel('请描述您的问题').fill(DESCRIPTION);
  await page.getByLabel('投诉', { exact: true }).check();
  await page.getByLabel('所在区').selectOption({ index: 1 });
  await page.getByLabel('详细地址').fill('和平路25号小区东门');
  await page.getByLabel('您的姓名').fill('张先生');
  await page.getByLabel('联系电话').fill('13912345678');
  await page.getByLabel('同意在办结后公开本诉求（去除个人信息）').check();
}

async function receipt(page: Page): Promise<{ ticketNo: string; queryCode: string }> {
  await expect.poll(() => page.locator('h1').textContent()).toBe('提交成功');
  const ticketNo = (await page.locator('[data-ticket-no]').textContent())!.replace(/\s/g, '');
  const queryCode = (await page.locator('[data-query-code]').textContent())!.replace(/\s/g, '');
  expect(ticketNo).toMatch(/^\d{12}$/);
  expect(queryCode).toMatch(/^\d{8}$/);
  expect(page.url()).not.toContain(queryCode);
  return { ticketNo, queryCode };
}

async function ratedAndClosed(ticketNo: string): Promise<string> {
  const [row] = await db().select({ status: tickets.status }).from(tickets).where(eq(tickets.ticketNo, ticketNo));
  return row!.status;
}

describe('我要反映, with JavaScript', () => {
  it('files a ticket with a photo, gets a receipt, follows the reply and rates it', async () => {
    const visit = await openPhone(browser);
    const { page } = visit;
    await page.goto(`${portal.url}/file`);
    await inspect(visit, 'file');

    // Errors stay next to their fields and nothing typed is lost.
    await page.getByLabel('请描述您的问题').fill('路灯');
    await page.getByRole('button', { name: '下一步：核对内容' }).click();
    await expect.poll(() => page.locator('.error-summary').textContent()).toContain('请');
    expect(await page.getByLabel('请描述您的问题').inputValue()).toBe('路灯');
    await inspect(visit, 'file-errors');

    await fillForm(page);
    await page.getByLabel('选择照片').setInputFiles({ name: 'streetlight.jpg', mimeType: 'image/jpeg', buffer: photo });
    await expect.poll(() => page.locator('img[alt="照片 1 预览"]').count()).toBe(1);
    await inspect(visit, 'file-filled');
    await page.getByRole('button', { name: '下一步：核对内容' }).click();

    await expect.poll(() => page.locator('h1').textContent()).toBe('核对诉求内容');
    const summary = await page.locator('main').textContent();
    expect(summary).toContain(DESCRIPTION);
    expect(summary).toContain('1 张');
    // The script solves the challenge itself; the sum stays as the fallback.
    await expect.poll(() => page.locator('[data-pow-status]').textContent(), { timeout: 30_000 }).toContain('已自动完成人机验证');
    await inspect(visit, 'file-review');
    await page.getByRole('button', { name: '确认提交' }).click();

    const { ticketNo, queryCode } = await receipt(page);
    await inspect(visit, 'file-receipt');
    const [ticket] = await db().select().from(tickets).where(eq(tickets.ticketNo, ticketNo));
    expect(ticket).toMatchObject({ channel: 'web', type: 'complaint', description: DESCRIPTION, publishConsent: true });
    const photos = await db().select().from(attachments).where(eq(attachments.ticketId, ticket!.id));
    expect(photos).toHaveLength(1);
    // Resized in the browser before upload (longest side at most 1600 px).
    expect(Math.max(photos[0]!.width, photos[0]!.height)).toBeLessThanOrEqual(1600);

    await portal.replyAsUnit(ticketNo, '已安排维修人员更换路灯，现已恢复照明，感谢您的反映。');

    await page.getByRole('button', { name: '查看办理进度' }).click();
    await expect.poll(() => page.locator('main').textContent()).toContain('已安排维修人员更换路灯');
    expect(await page.locator('main').textContent()).toContain(ticketNo);
    expect(page.url()).not.toContain(queryCode);
    await inspect(visit, 'progress-replied');

    await page.getByRole('group', { name: '对办理过程是否满意？' }).getByLabel('满意', { exact: true }).check();
    await page.getByRole('group', { name: '对办理结果是否满意？' }).getByLabel('满意', { exact: true }).check();
    await page.getByLabel('已解决').check();
    await page.getByLabel('还想说的话').fill('修得很快，谢谢！');
    await page.getByRole('button', { name: '提交评价' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('感谢您的评价');
    await inspect(visit, 'progress-rated');
    expect(await ratedAndClosed(ticketNo)).toBe('closed');
    await visit.context.close();
  });
});

describe('我要反映, without JavaScript', () => {
  it('files by answering the sum, looks the ticket up by number and code, and asks for it to be redone', async () => {
    const visit = await openPhone(browser, { javaScript: false });
    const { page } = visit;
    await page.goto(`${portal.url}/file`);
    await fillForm(page);
    await page.getByRole('button', { name: '下一步：核对内容' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('核对诉求内容');

    const label = (await page.locator('label[for="pow-answer"]').textContent())!;
    const question = /验证题：(.+？)/.exec(label)![1]!;
    await page.getByLabel(label.trim()).fill('99');
    await page.getByRole('button', { name: '确认提交' }).click();
    // A wrong answer: told so, and the filing is still there to submit.
    await expect.poll(() => page.locator('.error-summary').textContent()).toContain('验证');
    await inspect(visit, 'file-review-pow-wrong-nojs');
    const retry = (await page.locator('label[for="pow-answer"]').textContent())!;
    await page.locator('#pow-answer').fill(solveSum(/验证题：(.+？)/.exec(retry)![1]!));
    expect(question).toMatch(/加/);
    await page.getByRole('button', { name: '确认提交' }).click();
    const { ticketNo, queryCode } = await receipt(page);

    await page.goto(`${portal.url}/progress`);
    await inspect(visit, 'progress-form-nojs');
    await page.getByRole('textbox', { name: '工单编号' }).fill(ticketNo);
    await page.getByRole('textbox', { name: '查询码' }).fill('00000000');
    await page.getByRole('button', { name: '查询', exact: true }).click();
    await expect.poll(() => page.locator('.error-summary').textContent()).toMatch(/没有找到|不正确|不匹配/);
    expect(await page.getByRole('textbox', { name: '工单编号' }).inputValue()).toBe(ticketNo);

    await page.getByRole('textbox', { name: '查询码' }).fill(queryCode);
    await page.getByRole('button', { name: '查询', exact: true }).click();
    await expect.poll(() => page.locator('main').textContent()).toContain('待受理');
    await inspect(visit, 'progress-submitted-nojs');

    await portal.replyAsUnit(ticketNo, '已派人查看，路灯线路老化，需要更换，预计下周完成。');
    await page.goto(`${portal.url}/progress`);
    await page.getByRole('textbox', { name: '工单编号' }).fill(ticketNo);
    await page.getByRole('textbox', { name: '查询码' }).fill(queryCode);
    await page.getByRole('button', { name: '查询', exact: true }).click();
    await expect.poll(() => page.locator('main').textContent()).toContain('预计下周完成');

    await page.getByRole('button', { name: '不满意，申请重办' }).click();
    await expect.poll(() => page.locator('.error-summary').textContent()).toContain('请说明不满意的原因');
    await page.getByLabel('请说明不满意的原因').fill('一个星期过去了，路灯还是不亮。');
    await page.getByRole('button', { name: '不满意，申请重办' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('已申请重新办理');
    await inspect(visit, 'progress-reopened-nojs');
    expect(['in_progress', 'accepted']).toContain(await ratedAndClosed(ticketNo));

    // The second round: its own reply, no rating yet, the first round's reply and rating kept apart.
    const again = await portal.staff('demo.unit', `/api/staff/tickets/${ticketNo}/reply`, { reply: '已更换整段老化线路，路灯恢复照明，请您查看。' });
    expect(again.status).toBe(200);
    await page.goto(`${portal.url}/progress`);
    await page.getByRole('textbox', { name: '工单编号' }).fill(ticketNo);
    await page.getByRole('textbox', { name: '查询码' }).fill(queryCode);
    await page.getByRole('button', { name: '查询', exact: true }).click();
    await expect.poll(() => page.locator('main').textContent()).toContain('第 2 次答复');
    const headings = await page.locator('main h2').allTextContents();
    expect(headings.filter((h) => /^(对)?第 \d 次答复/.test(h.trim())).map((h) => h.trim())).toEqual(['第 1 次答复', '对第 1 次答复的评价', '第 2 次答复']);
    // The new reply waits for its own rating.
    expect(headings.map((h) => h.trim())).toContain('评价办理结果');
    expect(await page.locator('main').textContent()).toContain('一个星期过去了，路灯还是不亮。');
    await inspect(visit, 'progress-second-round-nojs');
    await visit.context.close();
  });
});

describe('a short description', () => {
  it('files 路灯坏了 (four characters), asking only where it is', async () => {
    const visit = await openPhone(browser, { javaScript: false });
    const { page } = visit;
    await page.goto(`${portal.url}/file`);
    await page.getByLabel('请描述您的问题').fill('路灯坏了');
    await page.getByLabel('投诉', { exact: true }).check();
    await page.getByLabel('您的姓名').fill('王女士');
    await page.getByLabel('联系电话').fill('13912345670');
    await page.getByRole('button', { name: '下一步：核对内容' }).click();
    // Not "too short": the form asks where.
    const summary = () => page.locator('.error-summary').textContent();
    await expect.poll(summary).toContain('所在区');
    expect(await summary()).not.toMatch(/至少/);
    await inspect(visit, 'file-short-needs-place-nojs');
    expect(await summary()).toContain('请填写详细地址');
    await page.getByLabel('所在区').selectOption({ index: 1 });
    // A complaint needs a place the unit can walk to: "楼下" is not one.
    await page.getByLabel('详细地址').fill('我家楼下');
    await page.getByRole('button', { name: '下一步：核对内容' }).click();
    await expect.poll(summary).toContain('承办单位还找不到现场');
    expect(await page.getByLabel('详细地址').inputValue()).toBe('我家楼下');
    await page.getByLabel('详细地址').fill('和平路25号门口');
    await page.getByRole('button', { name: '下一步：核对内容' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('核对诉求内容');
    const label = (await page.locator('label[for="pow-answer"]').textContent())!;
    await page.locator('#pow-answer').fill(solveSum(/验证题：(.+？)/.exec(label)![1]!));
    await page.getByRole('button', { name: '确认提交' }).click();
    await receipt(page);
    await visit.context.close();
  });
});
