import { resolve } from 'node:path';
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
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`配置有误 (environment variables):\n${lines.join('\n')}`);
  }
  const e = parsed.data;
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
  };
}
