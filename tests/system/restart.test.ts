import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEmptyPostgresDatabase, engine } from '../support/database.ts';
import { ticketBody } from '../support/factories.ts';
import { powHeaders } from '../support/pow.ts';
import { killStarted, runAdmin, SYSTEM_TEST_TIMEOUT, startSystem, stopSystem as stop } from './start-helpers.ts';

let dataDir: string;
let env: Record<string, string>;
let dropDatabase = async () => {};

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'hotline-restart-'));
  env = { DATA_DIR: dataDir, DATABASE_URL: '' };
  if (engine === 'postgres') {
    const database = await createEmptyPostgresDatabase();
    env.DATABASE_URL = database.url;
    env.DEMO = '1';
    dropDatabase = database.drop;
  }
});
afterEach(killStarted);
afterAll(async () => {
  await dropDatabase();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the system as npm start runs it', { timeout: SYSTEM_TEST_TIMEOUT }, () => {
  it('keeps a ticket across a stop and a start on the same data', async () => {
    const first = await startSystem(env);
    expect(first.output()).toContain('已载入示范市的演示配置');
    expect(first.output()).toMatch(/demo\.operator\s+密码 \S+/);
    const created = await fetch(`${first.url}/api/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await powHeaders(first.url)) },
      body: JSON.stringify(ticketBody()),
    });
    expect(created.status).toBe(201);
    const { ticketNo, queryCode } = (await created.json()) as { ticketNo: string; queryCode: string };
    const password = first.output().match(/demo\.operator\s+密码 (\S+)/)![1];
    expect(await stop(first)).toBe(0);

    const second = await startSystem(env);
    try {
      expect(second.output()).not.toContain('已载入示范市的演示配置');
      // The same demo password is printed again, and works.
      expect(second.output()).toContain(`密码 ${password}`);
      const lookup = await fetch(`${second.url}/api/tickets/lookup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ticketNo, queryCode }),
      });
      expect(lookup.status).toBe(200);
      expect(await lookup.json()).toMatchObject({ ticketNo, status: 'submitted' });
      const login = await fetch(`${second.url}/api/staff/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'demo.operator', password }),
      });
      expect(login.status).toBe(200);
      expect((await fetch(`${second.url}/readyz`)).status).toBe(200);
    } finally {
      expect(await stop(second)).toBe(0);
    }
  });

  it('creates units and accounts from the admin CLI, usable at the next start', async () => {
    const unit = await runAdmin(['create-unit', '--id', 'cli_test_unit', '--name', '命令行测试单位', '--kind', 'bureau'], env);
    expect(unit.output).toContain('已创建承办单位 cli_test_unit');
    expect(unit.code).toBe(0);
    const account = await runAdmin(['create-account', '--username', 'cli.handler', '--name', '命令行承办人', '--role', 'unit_handler', '--unit', 'cli_test_unit'], env);
    expect(account.code).toBe(0);
    const password = account.output.match(/初始密码：(\S+)/)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9]{16}$/);
    const bad = await runAdmin(['create-account', '--username', 'Bad Name', '--role', 'unit_handler'], env);
    expect(bad.code).toBe(1);
    expect(bad.output).toContain('承办单位账号必须指定所属单位');
    const started = await startSystem(env);
    try {
      const login = await fetch(`${started.url}/api/staff/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'cli.handler', password }),
      });
      expect(login.status).toBe(200);
      expect(((await login.json()) as { staff: { unitId: string } }).staff.unitId).toBe('cli_test_unit');
    } finally {
      await stop(started);
    }
  });

  it('stops with a clear message on bad configuration', async () => {
    const error = await startSystem({ ...env, PORT: 'eighty' }).then(
      () => undefined,
      (e: { code: number; output: string }) => e,
    );
    expect(error?.code).toBe(1);
    expect(error?.output).toContain('配置有误');
    expect(error?.output).toContain('PORT');
  });
});
