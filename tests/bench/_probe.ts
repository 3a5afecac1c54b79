import pg from 'pg';
import { loadConfig } from '../../api/src/config.ts';
import { start } from '../../api/src/server.ts';
import { ticketBody } from './load.ts';
const url = process.argv[2]!;
const running = await start(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: '/tmp/hl-probe', DATABASE_URL: url, LOG_LEVEL: 'warn', JOBS: '0', DEMO: '0' }));
const orig = pg.Client.prototype.query;
const seen = new Map<string, number>();
let on = false;
(pg.Client.prototype as any).query = function (this: unknown, q: any, ...rest: unknown[]) {
  if (on) { const text = (typeof q === 'string' ? q : q?.text ?? String(q)).slice(0, 110); seen.set(text, (seen.get(text) ?? 0) + 1); }
  return (orig as any).call(this, q, ...rest);
};
for (let i = 0; i < 5; i++) await fetch(`${running.url}/api/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: ticketBody(i) });
on = true;
for (let i = 5; i < 105; i++) { const r = await fetch(`${running.url}/api/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: ticketBody(i) }); if (r.status !== 201) console.log(r.status, await r.text()); }
on = false;
for (const [k, v] of seen) console.log(v, k);
await running.close();
