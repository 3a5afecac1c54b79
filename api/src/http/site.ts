import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { serveStatic } from '@hono/node-server/serve-static';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { App } from './app.ts';
import { arrivedOverHttps, HSTS } from './middleware.ts';
import type { AppDeps } from './types.ts';

export const SITE_DIST = fileURLToPath(new URL('../../../site/dist/', import.meta.url));

/** Headers of every page: no framing, no sniffing, no referrer, scripts and styles only from here. */
export const PAGE_SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Permissions-Policy': 'geolocation=(self), camera=(), microphone=()',
};

type AstroHandler = (req: IncomingMessage, res: ServerResponse, next: undefined, locals: Record<string, unknown>) => Promise<void>;

/**
 * Mounts the citizen portal (the Astro build, in middleware mode) behind the
 * API routes: built assets from site/dist/client, every other non-API path
 * rendered by Astro. Pages reach the API through `locals.api`, which calls
 * the same Hono app in-process and tells it the citizen's address.
 */
export async function mountSite(app: App, deps: AppDeps, dist = SITE_DIST): Promise<boolean> {
  const distDir = dist.endsWith('/') ? dist : `${dist}/`;
  const entry = `${distDir}server/entry.mjs`;
  if (!existsSync(entry)) {
    app.get('/', (c) => c.text('门户网站尚未构建：请运行 npm run build:site（npm start 会自动构建）。', 503));
    return false;
  }
  const { handler } = (await import(pathToFileURL(entry).href)) as { handler: AstroHandler };
  const { ApiClient } = await import(pathToFileURL(fileURLToPath(new URL('../../../site/src/lib/api-client.ts', import.meta.url))).href);

  app.use(
    '/assets/*',
    async (c, next) => {
      await next();
      // Built file names carry a content hash.
      if (c.res.status === 200) c.header('Cache-Control', 'public, max-age=31536000, immutable');
    },
    serveStatic({ root: relative(process.cwd(), `${distDir}client`) }),
  );
  app.use('*', async (c, next) => {
    if (c.req.path.startsWith('/api/') || c.req.path.startsWith('/assets/')) return next();
    return serveStatic({ root: relative(process.cwd(), `${distDir}client`) })(c, next);
  });
  app.all('*', async (c, next) => {
    if (c.req.path.startsWith('/api/') || c.req.path === '/healthz' || c.req.path === '/readyz') return next();
    const env = c.env as { incoming?: IncomingMessage; outgoing?: ServerResponse };
    if (!env.incoming || !env.outgoing) return next();
    const api = new ApiClient({
      fetch: (request: Request) => Promise.resolve(app.fetch(request)),
      baseUrl: 'http://hotline.internal',
      headers: { 'x-hotline-internal': deps.internalToken, 'x-hotline-client-ip': c.get('clientIp') ?? '' },
    });
    for (const [name, value] of Object.entries(PAGE_SECURITY_HEADERS)) env.outgoing.setHeader(name, value);
    // Astro writes to the socket itself: what requestContext set on c does not reach it.
    const https = arrivedOverHttps(c, deps);
    if (https) env.outgoing.setHeader('Strict-Transport-Security', HSTS);
    await handler(env.incoming, env.outgoing, undefined, { api, clientIp: c.get('clientIp'), secret: deps.secret, cookieSecure: deps.config.cookieSecure || https });
    return RESPONSE_ALREADY_SENT;
  });
  return true;
}
