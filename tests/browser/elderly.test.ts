import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './support/browser.ts';
import { type Portal, startPortal } from './support/portal.ts';
import { launchBrowser } from './support/browser.ts';

// 长辈模式 on the narrowest phones: large type must not make inputs too narrow
// to read what was typed, nor push anything past the screen's edge.

let portal: Portal;
let browser: Browser;

beforeAll(async () => {
  [portal, browser] = await Promise.all([startPortal({ powBits: 0 }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await portal?.close();
});

const PAGES = ['/', '/ask?q=%E8%BA%AB%E4%BB%BD%E8%AF%81%E4%B8%A2%E4%BA%86', '/file', '/mailbox', '/mailbox/write', '/progress', '/echo-wall', '/figures', '/faq', '/preferences'];

describe('长辈模式 at 320 and 390 px', () => {
  for (const width of [320, 390]) {
    it(`keeps every input at least 10 characters wide and nothing past the edge at ${width} px`, async () => {
      const context = await browser.newContext({ viewport: { width, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN' });
      await context.addCookies([{ name: 'care', value: '1', url: portal.url }]);
      const page = await context.newPage();
      try {
        for (const path of PAGES) {
          await page.goto(portal.url + path);
          expect(await page.locator('html').getAttribute('class'), path).toContain('care');
          const problems = await page.evaluate(() => {
            const out: string[] = [];
            const vw = document.documentElement.clientWidth;
            if (document.documentElement.scrollWidth > vw + 1) out.push(`page scrolls sideways (${document.documentElement.scrollWidth} > ${vw})`);
            for (const el of document.querySelectorAll<HTMLElement>('input:not([type=hidden]):not([type=checkbox]):not([type=radio]), textarea, select')) {
              const box = el.getBoundingClientRect();
              if (box.width === 0) continue;
              const em = parseFloat(getComputedStyle(el).fontSize);
              if (box.width < 10 * em - 1) out.push(`${el.id || el.getAttribute('name')} is ${Math.round(box.width)} px, under 10 characters (${10 * em} px)`);
            }
            for (const el of document.querySelectorAll<HTMLElement>('body *')) {
              const box = el.getBoundingClientRect();
              if (box.width > 0 && box.right > vw + 1) out.push(`${el.tagName.toLowerCase()}.${el.className} ends at ${Math.round(box.right)} px`);
              // Text cut off by its own box (clipped, not wrapped).
              const style = getComputedStyle(el);
              if (el.childElementCount === 0 && !el.classList.contains('visually-hidden') && el.textContent?.trim() && style.overflow === 'hidden' && el.scrollWidth > el.clientWidth + 1) {
                out.push(`text clipped in ${el.tagName.toLowerCase()}.${el.className}`);
              }
            }
            return out.slice(0, 10);
          });
          expect(problems, `${path} at ${width} px`).toEqual([]);
          const name = path === '/' ? '-home' : path.split('?')[0]!.replace(/\//g, '-');
          await screenshot(page, `care-${width}${name}`);
        }
      } finally {
        await context.close();
      }
    });
  }
});
