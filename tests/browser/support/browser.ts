import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { findBrowser } from './chromium.ts';

export const SCREENSHOTS = new URL('../../artifacts/screenshots/', import.meta.url).pathname;
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The Chromium from npm (@sparticuz/chromium), or the one CHROMIUM_PATH names. */
export async function launchBrowser(): Promise<Browser> {
  const { executablePath, args, env } = await findBrowser();
  return chromium.launch({ executablePath, args, env, headless: true });
}

export interface Visit {
  context: BrowserContext;
  page: Page;
  /** Content-Security-Policy violations and uncaught errors seen so far. */
  problems: string[];
  javaScript: boolean;
}

/** A phone-sized browser window (390×844), with or without JavaScript, optionally with the citizen's cookies. */
/** A desktop window (1366 × 768), for the staff screens; downloads allowed. */
export async function openDesktop(browser: Browser): Promise<Visit> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, deviceScaleFactor: 1, locale: 'zh-CN', acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  return { context, page, problems, javaScript: true };
}

export async function openPhone(browser: Browser, options: { javaScript?: boolean; width?: number } = {}): Promise<Visit> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 390, height: 844 },
    deviceScaleFactor: 1,
    isMobile: true,
    hasTouch: true,
    javaScriptEnabled: options.javaScript ?? true,
    locale: 'zh-CN',
  });
  const page = await context.newPage();
  // A missing element fails the test in seconds instead of hanging it.
  page.setDefaultTimeout(10_000);
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  return { context, page, problems, javaScript: options.javaScript ?? true };
}

/**
 * axe-core needs JavaScript, which a no-JavaScript page cannot run: its
 * server-rendered HTML (scripts removed, so the DOM stays the one the citizen
 * sees) is served again at the same address in a scripted window of the same size.
 */
async function expectAccessibleWithoutScripts(page: Page, what: string): Promise<void> {
  const html = (await page.content()).replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '');
  const viewport = page.viewportSize() ?? { width: 390, height: 844 };
  const context = await page.context().browser()!.newContext({ viewport, isMobile: true, hasTouch: true, locale: 'zh-CN' });
  try {
    const copy = await context.newPage();
    const address = new URL('/__axe-copy', page.url()).href;
    await copy.route(address, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
    await copy.goto(address);
    await expectAccessible(copy, what);
  } finally {
    await context.close();
  }
}

/** Runs axe-core in the page (WCAG 2.0/2.1 A and AA, and best practices) and fails on any violation. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  expect(await axeViolations(page), `axe-core violations on ${what}`).toEqual([]);
}

/** axe-core's violations on the page as it is now (WCAG 2.0/2.1 A and AA, and best practices), each with up to three nodes. */
export async function axeViolations(page: Page): Promise<{ id: string; impact: string; help: string; nodes: string[] }[]> {
  // evaluate() runs outside the page's CSP, so the page's own policy stays strict.
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[]; failureSummary: string }[] }[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }, resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')}: ${n.failureSummary}`) }));
  });
}

/** A full-page screenshot into tests/artifacts/screenshots (not in git), for people to look at. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Every page passes the same checks: no CSP violation or script error, axe-clean, and a screenshot. */
export async function inspect(visit: Visit, name: string): Promise<void> {
  await screenshot(visit.page, name);
  if (visit.javaScript) await expectAccessible(visit.page, name);
  else await expectAccessibleWithoutScripts(visit.page, name);
  expect(visit.problems, `problems on ${name}`).toEqual([]);
}
