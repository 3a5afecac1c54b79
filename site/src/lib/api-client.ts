/**
 * The site's typed client of the hotline API. Every call goes through the
 * API's HTTP interface: in one process the Hono app's fetch (no socket),
 * elsewhere a real fetch to the API's URL.
 */
export interface ApiClientOptions {
  fetch: (request: Request) => Promise<Response>;
  baseUrl: string;
  /** Headers that tell the API who the citizen is (their address, for rate limits). */
  headers: Record<string, string>;
}

export interface ApiError {
  status: number;
  code: string;
  message: string;
  details?: { path: string; message: string }[] | Record<string, unknown>;
}

export type ApiResult<T> = { ok: true; data: T; status: number } | { ok: false; error: ApiError };

export interface Catalog {
  districts: { code: string; name: string; streets: { code: string; name: string }[] }[];
  categories: { code: string; name: string; children: { code: string; name: string }[] }[];
  types: { code: string; label: string }[];
  statuses: { code: string; label: string }[];
  satisfaction: { code: string; label: string }[];
  replyWorkingDays: Record<string, number>;
}

export class ApiClient {
  readonly #options: ApiClientOptions;

  constructor(options: ApiClientOptions) {
    this.#options = options;
  }

  async request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResult<T>> {
    const init: RequestInit = { method, headers: { ...this.#options.headers, ...headers } };
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) {
      init.body = JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
    }
    const res = await this.#options.fetch(new Request(new URL(path, this.#options.baseUrl), init));
    const text = await res.text();
    const json = text ? (JSON.parse(text) as unknown) : undefined;
    if (res.ok) return { ok: true, data: json as T, status: res.status };
    const error = (json as { error?: Omit<ApiError, 'status'> } | undefined)?.error;
    return { ok: false, error: { status: res.status, code: error?.code ?? 'INTERNAL', message: error?.message ?? '服务暂时不可用，请稍后再试', ...(error?.details ? { details: error.details as ApiError['details'] } : {}) } };
  }

  async catalog(): Promise<Catalog> {
    const res = await this.request<Catalog>('GET', '/api/catalog');
    if (!res.ok) throw new Error(res.error.message);
    return res.data;
  }
}
