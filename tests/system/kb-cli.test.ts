import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEmptyPostgresDatabase, engine } from '../support/database.ts';
import { killStarted, runCli, SYSTEM_TEST_TIMEOUT, startSystem, stopSystem } from './start-helpers.ts';

let dir: string;
let env: Record<string, string>;
let drop = async () => {};

function kb(args: string[]): Promise<{ code: number | null; output: string }> {
  return runCli('api/src/cli/kb.ts', args, env);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hotline-kb-cli-'));
  env = { DATA_DIR: join(dir, 'data'), DATABASE_URL: '', LOG_LEVEL: 'error' };
  if (engine === 'postgres') {
    const database = await createEmptyPostgresDatabase();
    env.DATABASE_URL = database.url;
    drop = database.drop;
  }
});
afterEach(killStarted);
afterAll(async () => {
  await drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('npm run kb', { timeout: SYSTEM_TEST_TIMEOUT }, () => {
  it('imports a file (once), rebuilds and reconciles the index, exports the set, and the app answers from it', async () => {
    const file = join(dir, 'city.jsonl');
    writeFileSync(
      file,
      [
        JSON.stringify({ id: 'C001', question: '犬只登记去哪办？', alternates: ['养狗要办证吗'], answer: '犬只登记在居住地派出所办理，需携带身份证和犬只免疫证明。', category: 'public_safety', keywords: ['养犬', '登记'] }),
        JSON.stringify({ id: 'C002', question: '路灯坏了找谁？', alternates: ['路灯不亮'], answer: '道路路灯由城市管理部门维护，可拨打 12345 反映具体位置。', category: 'urban_management', keywords: ['路灯'] }),
      ].join('\n'),
    );
    const first = await kb(['import', file, '--replace']);
    expect(first.output).toMatch(/导入完成：新增 2，更新 0，未变 0，归档 \d+/);
    expect(first.code).toBe(0);
    const again = await kb(['import', file, '--replace']);
    expect(again.output).toContain('导入完成：新增 0，更新 0，未变 2，归档 0');

    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"id":"C003","question":"半截"}\n');
    const refused = await kb(['import', bad]);
    expect(refused.code).toBe(1);
    expect(refused.output).toContain('第 1 行有误');

    const rebuilt = await kb(['rebuild']);
    expect(rebuilt.output, rebuilt.output).toContain('索引已重建：2 条');
    expect((await kb(['reconcile'])).output).toContain('数据库与索引一致（2 条）');

    const out = join(dir, 'export.jsonl');
    expect((await kb(['export', out])).output).toContain(`已导出 2 条到 ${out}`);
    expect(readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l).id)).toEqual(['C001', 'C002']);

    const started = await startSystem(env);
    try {
      const res = await fetch(`${started.url}/api/answer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ question: '请问犬只登记去哪里办', channel: 'web' }),
      });
      const answer = (await res.json()) as { sources: { id: string }[] };
      expect(answer.sources.map((s) => s.id)).toEqual(['C001']);
    } finally {
      await stopSystem(started);
    }
  });
});
