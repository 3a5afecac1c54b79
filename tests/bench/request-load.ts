// A generic load generator run in a worker thread (so autocannon does not
// share the server's event loop): cycles through a list of requests.
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

export interface RequestLoadJob {
  url: string;
  connections: number;
  seconds: number;
  requests: { method: 'GET' | 'POST'; path: string; headers?: Record<string, string>; body?: string }[];
}

export interface RequestLoadReport {
  ok: number;
  non2xx: number;
  errors: number;
  meanReqPerSec: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

interface Histogram {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}
interface Result {
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
  latency: Histogram;
  totalCompletedRequests: number;
}
type Autocannon = ((opts: unknown) => Promise<Result>) & { aggregateResult(results: Result[], opts: unknown): Result };

const require = createRequire(import.meta.url);

export async function runRequestLoad(job: RequestLoadJob): Promise<RequestLoadReport> {
  const { Worker } = await import('node:worker_threads');
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: job });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

if (parentPort && workerData) {
  const job = workerData as RequestLoadJob;
  const autocannon = require('autocannon') as Autocannon;
  let i = 0;
  const options = {
    url: job.url,
    connections: job.connections,
    duration: job.seconds,
    requests: [
      {
        setupRequest: (req: Record<string, unknown>) => {
          const next = job.requests[i++ % job.requests.length]!;
          return { ...req, method: next.method, path: next.path, headers: { ...(next.headers ?? {}) }, body: next.body };
        },
      },
    ],
  };
  // Off the main thread autocannon returns raw results; aggregate them as it would.
  const raw = await autocannon(options);
  const result = autocannon.aggregateResult([raw], options);
  parentPort.postMessage({
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    meanReqPerSec: raw.totalCompletedRequests / result.duration,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
  } satisfies RequestLoadReport);
}
