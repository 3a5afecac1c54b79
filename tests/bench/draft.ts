// npm run bench:draft: latency of POST /api/intake/draft (the intake chain:
// rules, knowledge-base evidence and the statistical model) under 20
// concurrent clients, with the model and, for comparison, by rules alone.
// Messages come from the training material (never the test split).
import { mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { intakeTrainingMaterial, retrainIntakeModel, useIntakeModel } from '@hotline/knowledge';
import { loadConfig } from '../../api/src/config.ts';
import { start } from '../../api/src/server.ts';
import { type RequestLoadReport, runRequestLoad } from './request-load.ts';

const SECONDS = Number(process.env.BENCH_SECONDS || 20);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 20);
const channels = ['web', 'wechat', 'telegram', 'mailbox'] as const;
const { dev } = intakeTrainingMaterial();
const requests = dev.map((m, i) => ({
  method: 'POST' as const,
  path: '/api/intake/draft',
  headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.0.${i % 250}.${(i >> 8) + 1}` },
  body: JSON.stringify({ text: m.text, channel: channels[i % channels.length] }),
}));

const dataDir = mkdtempSync(join(tmpdir(), 'hotline-bench-draft-'));
const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'warn', JOBS: '0', DEMO: '0', KB_SEARCH_CACHE: '0' });
const running = await start(config);
try {
  const rows: ({ label: string } & RequestLoadReport)[] = [];
  const run = async (label: string) => {
    await runRequestLoad({ url: running.url, connections: CONNECTIONS, seconds: 3, requests }); // warm-up
    rows.push({ label, ...(await runRequestLoad({ url: running.url, connections: CONNECTIONS, seconds: SECONDS, requests })) });
  };
  useIntakeModel(null);
  await run('rules only (before)');
  const started = performance.now();
  retrainIntakeModel();
  const trainMs = performance.now() - started;
  await run('rules + model (after)');

  console.log(`intake draft benchmark: ${requests.length} distinct messages cycled, ${CONNECTIONS} connections, ${SECONDS} s each (after 3 s warm-up); model trained in ${trainMs.toFixed(0)} ms`);
  console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, node ${process.version}, load average ${os.loadavg()[0]!.toFixed(1)}; load generator in a worker thread on the same machine`);
  console.log('');
  console.log('POST /api/intake/draft            req/s   p50 ms   p90 ms   p99 ms   non-2xx');
  for (const r of rows) {
    console.log(`${r.label.padEnd(33)}${r.meanReqPerSec.toFixed(0).padStart(6)}${String(r.p50).padStart(9)}${String(r.p90).padStart(9)}${String(r.p99).padStart(9)}${String(r.non2xx + r.errors).padStart(10)}`);
  }
  console.log('\np99 target < 20 ms at 20 clients');
} finally {
  await running.close();
  rmSync(dataDir, { recursive: true, force: true });
}
