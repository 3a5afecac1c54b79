// Load generator for tests/bench/intake.ts. Runs in a worker thread so that
// autocannon does not share the server's event loop. Every request is a valid
// POST /api/tickets with its own description marker `(#n)` and phone number,
// so the main thread can match the tickets in the database to the answers.
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

export interface LoadJob {
  url: string;
  seconds: number;
  connections: number;
  /** First marker number; markers are unique across every run on one database. */
  firstMarker: number;
}

export interface LoadReport {
  seconds: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  meanReqPerSec: number;
  /** Requests written to a socket (autocannon's 'request' event). */
  sent: number;
  /** Responses received, whatever the status. */
  answered: number;
  /** Markers of the requests answered with 2xx. */
  okMarkers: number[];
  /** Markers handed out (exclusive upper bound). */
  nextMarker: number;
  /** The first few non-2xx bodies, for diagnosis. */
  sampleErrors: string[];
  /** CPU used by the load generator's thread, ms. */
  cpuMs: number;
}

// autocannon ships no types: only what this file uses.
interface Client {
  on(event: 'request' | 'response', listener: (...args: unknown[]) => void): void;
}
interface RequestSpec {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}
interface Context {
  marker?: number;
}
interface Histogram {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}
interface Result {
  duration: number;
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodeStats?: Record<string, { count: number }>;
  latency: Histogram;
}
interface Options {
  url: string;
  connections: number;
  duration: number;
  pipelining?: number;
  timeout?: number;
  setupClient?: (client: Client) => void;
  requests: {
    method: string;
    path: string;
    headers: Record<string, string>;
    setupRequest: (request: RequestSpec, context: Context) => RequestSpec;
    onResponse: (status: number, body: string, context: Context) => void;
  }[];
}
interface Autocannon {
  /** Off the main thread autocannon believes it is one of its own workers and hands back raw, encoded results. */
  (options: Options): PromiseLike<RawResult>;
  aggregateResult(results: RawResult[], options: Options): Result;
}
interface RawResult {
  totalCompletedRequests: number;
}

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

/** A few real 示范市 places, so rows differ in more than the marker. */
const PLACES = [
  ['dongcheng', 'dongcheng_heping', '和平路'],
  ['dongcheng', 'dongcheng_wenchang', '文昌街'],
  ['xiling', 'xiling_qingquan', '清泉路'],
  ['jiangbin', 'jiangbin_wangjiang', '望江大道'],
  ['beiyuan', 'beiyuan_antai', '安泰路'],
] as const;

/** A valid, varied request body. */
export function ticketBody(marker: number): string {
  const [district, street, road] = PLACES[marker % PLACES.length]!;
  const houseNo = (marker % 200) + 1;
  return JSON.stringify({
    type: 'complaint',
    category: 'utilities.water_outage',
    description: `${road} ${houseNo} 号小区从昨晚开始停水，至今没有来水。(#${marker})`,
    location: { district, street, address: `${road} ${houseNo} 号` },
    contact: { name: '张三', phone: `138${String(marker % 100_000_000).padStart(8, '0')}` },
    channel: 'web',
  });
}

/** Reads the marker back from a stored description. */
export function markerOf(description: string): number | null {
  const m = /\(#(\d+)\)$/.exec(description);
  return m ? Number(m[1]) : null;
}

export async function runLoad(job: LoadJob): Promise<LoadReport> {
  let next = job.firstMarker;
  let sent = 0;
  let answered = 0;
  const okMarkers: number[] = [];
  const sampleErrors: string[] = [];
  const options: Options = {
    url: job.url,
    connections: job.connections,
    duration: job.seconds,
    pipelining: 1,
    timeout: 30,
    setupClient(client) {
      client.on('request', () => sent++);
      client.on('response', () => answered++);
    },
    requests: [
      {
        method: 'POST',
        path: '/api/tickets',
        headers: { 'content-type': 'application/json' },
        setupRequest(request, context) {
          const marker = next++;
          context.marker = marker;
          // Each filing from a citizen address of its own (the server trusts the proxy header).
          const address = `10.${(marker >> 16) & 255}.${(marker >> 8) & 255}.${marker & 255}`;
          return { ...request, body: ticketBody(marker), headers: { ...request.headers, 'x-forwarded-for': address } };
        },
        onResponse(status, body, context) {
          if (status >= 200 && status < 300) {
            if (context.marker !== undefined) okMarkers.push(context.marker);
          } else if (sampleErrors.length < 5) {
            sampleErrors.push(`${status} ${body.slice(0, 300)}`);
          }
        },
      },
    ],
  };
  const cpu0 = process.threadCpuUsage();
  const raw = await autocannon(options);
  const cpu = process.threadCpuUsage(cpu0);
  const result = autocannon.aggregateResult([raw], options);
  const statusCodes: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = count;
  return {
    seconds: result.duration,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    meanReqPerSec: raw.totalCompletedRequests / result.duration,
    sent,
    answered,
    okMarkers,
    nextMarker: next,
    sampleErrors,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

if (parentPort && workerData?.kind === 'hotline-bench-load') {
  const port = parentPort;
  runLoad(workerData.job as LoadJob).then(
    (report) => port.postMessage({ report }),
    (error: unknown) => port.postMessage({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
}
