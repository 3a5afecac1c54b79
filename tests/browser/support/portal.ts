import { mkdtempSync, rmSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../api/src/config.ts';
import { type Running, start } from '../../../api/src/server.ts';
import { openTestDatabase } from '../../support/database.ts';

/**
 * The whole system as `npm start` runs it (API, portal build from site/dist,
 * embedded Meilisearch with 示范市's knowledge, demo staff accounts), on a
 * database of this test file's own and a free port.
 */
export interface Portal {
  url: string;
  running: Running;
  /** Calls the API as a demo staff member (logs in on first use). */
  staff(username: 'demo.operator' | 'demo.dispatcher' | 'demo.unit' | 'demo.supervisor', path: string, body?: unknown): Promise<{ status: number; json: any }>;
  /** Logs a demo staff member in at /staff/login in the browser, as a person would. */
  logIn(page: Page, username: string): Promise<void>;
  /** Moves a filed ticket to 已答复 as the hotline and 市城市管理局 would. */
  replyAsUnit(ticketNo: string, reply: string, category?: string): Promise<void>;
  close(): Promise<void>;
}

export async function startPortal(options: { powBits?: number } = {}): Promise<Portal> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hotline-portal-'));
  const database = await openTestDatabase({ seed: false });
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    DEMO: '1',
    LOG_LEVEL: 'error',
    POW_BITS: String(options.powBits ?? 16),
  });
  const running = await start(config, { database });
  const tokens = new Map<string, string>();

  const staff: Portal['staff'] = async (username, path, body) => {
    let token = tokens.get(username);
    if (!token) {
      const password = running.demoAccounts.find((a) => a.username === username)?.password;
      const login = await fetch(`${running.url}/api/staff/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });
      token = ((await login.json()) as { token: string }).token;
      tokens.set(username, token);
    }
    const res = await fetch(`${running.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  };

  return {
    url: running.url,
    running,
    staff,
    async logIn(page, username) {
      await page.goto(`${running.url}/staff/login`);
      await page.getByLabel('用户名').fill(username);
      await page.getByLabel('密码').fill(running.demoAccounts.find((a) => a.username === username)!.password);
      await page.getByRole('button', { name: '登录' }).click();
      await page.waitForURL(/\/staff(\?|$)/);
    },
    async replyAsUnit(ticketNo, reply, category = 'urban_management.city_appearance') {
      const steps: [Parameters<Portal['staff']>[0], string, unknown][] = [
        ['demo.operator', 'accept', { category }],
        ['demo.dispatcher', 'dispatch', { leadUnitId: 'city_urban_mgmt', coUnitIds: [] }],
        ['demo.unit', 'sign', {}],
        ['demo.unit', 'reply', { reply }],
      ];
      for (const [who, action, body] of steps) {
        const res = await staff(who, `/api/staff/tickets/${ticketNo}/${action}`, body);
        if (res.status !== 200) throw new Error(`${action} ${ticketNo}: ${res.status} ${JSON.stringify(res.json)}`);
      }
    },
    async close() {
      await running.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
