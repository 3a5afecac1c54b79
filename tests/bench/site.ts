// npm run bench:site: Lighthouse mobile scores (performance, accessibility,
// best practices) of the portal's home, 我要反映 and 进度查询 pages, on the
// Chromium from npm (or CHROMIUM_PATH's), and the compressed size of the JavaScript and CSS the home page loads.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { loadConfig } from '../../api/src/config.ts';
import { start } from '../../api/src/server.ts';
import { findBrowser } from '../browser/support/chromium.ts';

const RUNS = Number(process.env.BENCH_RUNS || 3);
const PAGES = [
  ['/', '首页 home'],
  ['/file', '我要反映 file'],
  ['/progress', '进度查询 progress'],
] as const;

const dataDir = mkdtempSync(join(tmpdir(), 'hotline-bench-site-'));
const running = await start(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'warn', JOBS: '0', DEMO: '0' }));
const browser = await findBrowser();
const chrome = await chromeLauncher.launch({
  chromePath: browser.executablePath,
  // A system Chromium runs the new headless mode; the npm one is headless only.
  chromeFlags: browser.source === 'system' ? ['--headless=new', ...browser.args.filter((arg) => arg !== '--headless')] : browser.args,
  envVars: browser.env,
  logLevel: 'silent',
});

try {
  const home = await (await fetch(running.url)).text();
  const assets = [...home.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(js|css))"/g)].map((m) => ({ path: m[1]!, kind: m[2]! }));
  // Module scripts the entry scripts import are loaded too: follow them.
  const seen = new Set<string>();
  const sizes = { js: { raw: 0, gzip: 0 }, css: { raw: 0, gzip: 0 } };
  while (assets.length > 0) {
    const asset = assets.shift()!;
    if (seen.has(asset.path)) continue;
    seen.add(asset.path);
    const body = Buffer.from(await (await fetch(`${running.url}${asset.path}`)).arrayBuffer());
    const size = sizes[asset.kind as 'js' | 'css'];
    size.raw += body.length;
    size.gzip += gzipSync(body, { level: 9 }).length;
    if (asset.kind === 'js') for (const m of body.toString().matchAll(/(?:from|import)\s*"\.\/([^"]+\.js)"|import\("\.\/([^"]+\.js)"\)/g)) assets.push({ path: `/assets/${m[1] ?? m[2]}`, kind: 'js' });
  }

  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  console.log(`home page assets (${seen.size} files): JavaScript ${kb(sizes.js.raw)} raw, ${kb(sizes.js.gzip)} gzip (target ≤ 20 KB); CSS ${kb(sizes.css.raw)} raw, ${kb(sizes.css.gzip)} gzip`);
  console.log(`Lighthouse ${RUNS} run(s) per page, mobile form factor with simulated throttling, median shown:`);
  console.log('| page | performance | accessibility | best practices | FCP | LCP | TBT | CLS |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const [path, name] of PAGES) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) {
      const result = await lighthouse(`${running.url}${path}`, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance', 'accessibility', 'best-practices'] });
      const lhr = result!.lhr;
      const failed = Object.values(lhr.audits).filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode === 'binary').map((a) => a.id);
      runs.push({
        performance: Math.round((lhr.categories.performance!.score ?? 0) * 100),
        accessibility: Math.round((lhr.categories.accessibility!.score ?? 0) * 100),
        bestPractices: Math.round((lhr.categories['best-practices']!.score ?? 0) * 100),
        fcp: lhr.audits['first-contentful-paint']!.displayValue,
        lcp: lhr.audits['largest-contentful-paint']!.displayValue,
        tbt: lhr.audits['total-blocking-time']!.displayValue,
        cls: lhr.audits['cumulative-layout-shift']!.displayValue,
        failed,
      });
    }
    runs.sort((a, b) => a.performance - b.performance);
    const median = runs[Math.floor(runs.length / 2)]!;
    console.log(`| ${name} | ${median.performance} | ${median.accessibility} | ${median.bestPractices} | ${median.fcp} | ${median.lcp} | ${median.tbt} | ${median.cls} |`);
    if (median.failed.length > 0) console.log(`  audits not passed on ${path}: ${median.failed.join(', ')}`);
  }
} finally {
  chrome.kill();
  await running.close();
  rmSync(dataDir, { recursive: true, force: true });
}
