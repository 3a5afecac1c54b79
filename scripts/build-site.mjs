// Builds the portal (site → site/dist) when its sources are newer than the
// last build; `npm start` and `npm test` run it first, so a fresh clone needs
// no extra step. `--force` rebuilds; `--out DIR` builds elsewhere.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const site = join(root, 'site');
const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const out = outIndex >= 0 ? resolve(args[outIndex + 1]) : join(site, 'dist');
const stamp = join(out, '.built');

function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const name of readdirSync(path)) latest = Math.max(latest, newest(join(path, name)));
  return latest;
}

const sources = ['src', 'public', 'astro.config.mjs', 'package.json', 'tsconfig.json'].map((p) => join(site, p));
const sourceTime = Math.max(...sources.map(newest), newest(join(root, 'package-lock.json')));
if (!args.includes('--force') && existsSync(stamp) && existsSync(join(out, 'server', 'entry.mjs')) && statSync(stamp).mtimeMs >= sourceTime) {
  console.log(`portal build is up to date (${out})`);
  process.exit(0);
}

console.log('building the portal (astro build)…');
const started = Date.now();
// Astro needs Node ≥ 22.12: run it on the Node that runs this script (the pinned one under npm).
const astro = join(root, 'node_modules', 'astro', 'bin', 'astro.mjs');
const result = spawnSync(process.execPath, [astro, 'build', '--outDir', out], {
  cwd: site,
  stdio: ['ignore', 'inherit', 'inherit'],
  env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
});
if (result.status !== 0) {
  console.error('portal build failed');
  process.exit(result.status ?? 1);
}
writeFileSync(stamp, new Date().toISOString());
console.log(`portal built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
