import node from '@astrojs/node';
import { defineConfig } from 'astro/config';

// Server-rendered pages, served by the API's Hono app on the same port
// (api/src/http/site.ts mounts the build in middleware mode).
export default defineConfig({
  output: 'server',
  adapter: node({ mode: 'middleware', bodySizeLimit: 80 * 1024 * 1024 }),
  // Forms are checked in src/middleware.ts (origin and a signed token), whatever host name the city serves on.
  security: { checkOrigin: false },
  build: { inlineStylesheets: 'never', assets: 'assets' },
  compressHTML: true,
  devToolbar: { enabled: false },
  vite: { build: { assetsInlineLimit: 0 } },
});
