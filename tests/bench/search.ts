// npm run bench:search: latency of GET /api/kb/search under 50 concurrent
// clients, next to Meilisearch called directly with the same retrieval
// request the API makes (and, for reference, a plain one-query search).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { retrievalQueries } from '@hotline/knowledge';
import { loadConfig } from '../../api/src/config.ts';
import { localDayOf } from '../../api/src/domain/calendar/local-time.ts';
import { start } from '../../api/src/server.ts';
import { type RequestLoadJob, type RequestLoadReport, runRequestLoad } from './request-load.ts';

const SECONDS = Number(process.env.BENCH_SECONDS || 20);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 50);
const questions = readFileSync(new URL('../../knowledge/eval/kb-queries.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => (JSON.parse(l) as { q: string }).q);

// The API runs twice: with its result cache as deployed (the questions repeat
// after the first pass) and with the cache off, every request a real search.
const dataDir = mkdtempSync(join(tmpdir(), 'hotline-bench-search-'));
const config = (cache: string) => loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'warn', JOBS: '0', DEMO: '0', KB_SEARCH_CACHE: cache });
let running = await start(config('0'));
try {
  const meili = running.meili!;
  const snapshot = await running.knowledge.snapshot();
  const index = running.knowledge.index!;
  const today = localDayOf(new Date());
  const auth = { authorization: `Bearer ${meili.masterKey}`, 'content-type': 'application/json', 'accept-encoding': 'identity' };

  const api = questions.map((q) => ({ method: 'GET' as const, path: `/api/kb/search?q=${encodeURIComponent(q)}&limit=5` }));
  const direct = questions.map((q) => ({
    method: 'POST' as const,
    path: '/multi-search',
    headers: auth,
    body: JSON.stringify({ queries: retrievalQueries(index.uid, snapshot.corpus, q, { today }).queries }),
  }));
  const plain = questions.map((q) => ({
    method: 'POST' as const,
    path: `/indexes/${index.uid}/search`,
    headers: auth,
    body: JSON.stringify({ q, limit: 5 }),
  }));

  const run = async (label: string, url: string, requests: RequestLoadJob['requests']) => {
    await runRequestLoad({ url, connections: CONNECTIONS, seconds: 3, requests }); // warm-up
    const report = await runRequestLoad({ url, connections: CONNECTIONS, seconds: SECONDS, requests });
    return { label, ...report };
  };
  const rows: ({ label: string } & RequestLoadReport)[] = [];
  rows.push(await run('GET /api/kb/search (no cache)', running.url, api));
  rows.push(await run('Meilisearch, same retrieval', meili.url, direct));
  rows.push(await run('Meilisearch, one plain query', meili.url, plain));
  await running.close();
  running = await start(config('2000'));
  rows.push(await run('GET /api/kb/search (cached)', running.url, api));

  console.log(`search benchmark: ${questions.length} distinct questions cycled, ${CONNECTIONS} connections, ${SECONDS} s each (after 3 s warm-up)`);
  console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, node ${process.version}; load generator in a worker thread on the same machine`);
  console.log('');
  console.log('                                  req/s   p50 ms   p90 ms   p99 ms   non-2xx');
  for (const r of rows) {
    console.log(`${r.label.padEnd(33)}${r.meanReqPerSec.toFixed(0).padStart(6)}${String(r.p50).padStart(9)}${String(r.p90).padStart(9)}${String(r.p99).padStart(9)}${String(r.non2xx + r.errors).padStart(10)}`);
  }
  const [ours, same, , cached] = rows;
  console.log('');
  console.log(`p99 ratio /api/kb/search ÷ Meilisearch (same retrieval): ${(ours!.p99 / Math.max(1, same!.p99)).toFixed(2)} without the cache, ${(cached!.p99 / Math.max(1, same!.p99)).toFixed(2)} with it  (target ≤ 1.5; p99 target < 20 ms)`);
} finally {
  await running.close();
  rmSync(dataDir, { recursive: true, force: true });
}
