import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import chromium from '@sparticuz/chromium';

/** A browser to launch: the binary, its flags and the environment it must see. */
export interface BrowserBinary {
  executablePath: string;
  args: string[];
  env: Record<string, string>;
  /** 'npm' for @sparticuz/chromium, 'system' for CHROMIUM_PATH. */
  source: 'npm' | 'system';
}

/** Flags for a system Chromium such as Debian's (CHROMIUM_PATH). */
export const SYSTEM_CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// @sparticuz/chromium's flags are made for AWS Lambda. Left out: the ones that
// switch off web security (the tests check the portal's CSP and same-origin
// behaviour as a citizen's browser applies them) and --single-process (needed
// only under Lambda's seccomp rules; here each page gets its own renderer, as
// in a real browser, so one crashing page cannot take the others down).
const DROPPED_NPM_ARGS = new Set(['--single-process', '--disable-web-security', '--allow-running-insecure-content', '--disable-site-isolation-trials']);
// No GPU emulation (SwiftShader): the portal needs no WebGL, and software
// drawing is several times faster at what it does use, a canvas that shrinks
// a photo before upload (about 0.7 s against 0.05 s for the first one).
const ADDED_NPM_ARGS = ['--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const require = createRequire(import.meta.url);
const exec = promisify(execFile);

let found: Promise<BrowserBinary> | undefined;

/**
 * The browser of the browser tests and bench:site: CHROMIUM_PATH when set (a
 * system Chromium with its own fonts), otherwise the headless Chromium that the
 * npm package @sparticuz/chromium carries, with Noto Sans SC from npm so that
 * Chinese renders as glyphs, not boxes. Memoized per process.
 */
export function findBrowser(): Promise<BrowserBinary> {
  if (!found) {
    found = findUncached();
    // A failed unpack is not remembered: the next caller tries again.
    found.catch(() => (found = undefined));
  }
  return found;
}

async function findUncached(): Promise<BrowserBinary> {
  const system = process.env.CHROMIUM_PATH;
  if (system) {
    if (!existsSync(system)) throw new Error(`CHROMIUM_PATH=${system} not found (unset it to use the Chromium from npm)`);
    return { executablePath: system, args: SYSTEM_CHROMIUM_ARGS, env: environment(), source: 'system' };
  }
  const dir = await unpackChromium();
  chromium.setGraphicsMode = false;
  return {
    executablePath: join(dir, 'chromium'),
    args: [...chromium.args.filter((arg) => !DROPPED_NPM_ARGS.has(arg)), ...ADDED_NPM_ARGS],
    env: environment({ FONTCONFIG_FILE: writeFontConfig(dir) }),
    source: 'npm',
  };
}

function environment(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  delete env.FONTCONFIG_PATH;
  return { ...env, ...extra };
}

/**
 * Unpacks the package's Chromium (binary, SwiftShader libraries, fonts) into
 * <tmp>/hotline-chromium-<version>/ and returns that folder.
 *
 * The package's own executablePath() writes to the shared /tmp/chromium and
 * trusts any file already there, so a run killed mid-unpack, or a test file
 * racing another one (vitest runs files in parallel workers), would launch a
 * half-written binary. Instead each process unpacks into a staging folder of
 * its own (the package's code, run with TMPDIR pointing there) and renames it
 * into place: the rename is atomic, so the final folder is either absent or
 * complete. Two processes that unpack at once both finish; the first rename
 * wins and the other's copy is removed.
 */
async function unpackChromium(): Promise<string> {
  const entry = require.resolve('@sparticuz/chromium');
  const version = (JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string }).version;
  const final = join(tmpdir(), `hotline-chromium-${version}`);
  if (isComplete(final)) return final;

  removeAbandonedStaging(final);
  if (existsSync(final)) {
    // Incomplete (a tmp cleaner removed files): move it aside atomically, then delete.
    const trash = `${final}.trash-${process.pid}`;
    try {
      renameSync(final, trash);
      rmSync(trash, { recursive: true, force: true });
    } catch {
      // Another process moved it first.
    }
  }

  const staging = `${final}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    const script = `const { default: chromium } = await import(${JSON.stringify(pathToFileURL(entry).href)}); await chromium.executablePath();`;
    await exec(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, TMPDIR: staging } });
    if (!isComplete(staging)) throw new Error(`@sparticuz/chromium did not unpack into ${staging}`);
    try {
      renameSync(staging, final);
    } catch (error) {
      if (!isComplete(final)) throw error;
      // Another process renamed its complete copy first.
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return final;
}

function isComplete(dir: string): boolean {
  return ['chromium', 'libGLESv2.so', 'fonts/fonts.conf'].every((file) => existsSync(join(dir, file)));
}

/** Staging folders of processes that died while unpacking (about 220 MB each). */
function removeAbandonedStaging(final: string): void {
  const prefix = `${final.slice(tmpdir().length + 1)}.partial-`;
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length));
    if (pid === process.pid || isAlive(pid)) continue;
    rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The browser's fontconfig reads FONTCONFIG_FILE. Without it, this Chromium's
 * built-in fontconfig reads the system's /etc/fonts/fonts.conf (the package
 * sets FONTCONFIG_PATH=/tmp/fonts only on AWS Lambda's Amazon Linux), which
 * knows neither the package's fonts nor any from npm: a font copied into
 * /tmp/fonts changes nothing. This config lists only fonts from npm, so pages
 * look the same on every machine: Open Sans (the package's) for Latin text and
 * Noto Sans SC (regular and bold, the weights the portal uses) for Chinese.
 * The file depends on where node_modules is, so it is named by its content
 * and written atomically; the glyph cache lives beside it.
 */
function writeFontConfig(dir: string): string {
  const noto = dirname(require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf'));
  const fontDirs = [join(dir, 'fonts'), noto, join(dirname(noto), '700Bold')];
  const families = ['Open Sans', 'Noto Sans SC'].map((family) => `<family>${family}</family>`).join('');
  const config = [
    '<?xml version="1.0"?>',
    '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
    '<fontconfig>',
    ...fontDirs.map((fontDir) => `  <dir>${fontDir}</dir>`),
    `  <cachedir>${join(dir, 'fontconfig-cache')}</cachedir>`,
    ...['sans-serif', 'serif', 'system-ui', 'monospace'].map((generic) => `  <alias><family>${generic}</family><prefer>${families}</prefer></alias>`),
    '</fontconfig>',
    '',
  ].join('\n');
  const file = join(dir, `fonts-${createHash('sha256').update(config).digest('hex').slice(0, 12)}.conf`);
  if (!existsSync(file)) {
    const temporary = `${file}.${process.pid}`;
    writeFileSync(temporary, config);
    renameSync(temporary, file);
  }
  return file;
}
