/**
 * 单位考核 and 报告's calls to /api/staff/scorecards and /api/staff/reports,
 * made in-process with the staff member's session token. The API decides who
 * sees what (a unit only its own card); these are typed wrappers.
 */
import type { ScorecardView } from '../../../api/src/domain/metrics/scorecards.ts';
import type { Report } from '../../../api/src/domain/reports/report.ts';
import type { ApiClient, ApiResult } from './api-client.ts';

export type { Report, ScorecardView };

/** Who the navigation shows 单位考核 to; the API checks. */
export const SCORECARD_ROLES = ['supervisor', 'dispatcher', 'admin', 'unit_handler'];
/** Who the navigation shows 报告 to; the API checks. */
export const REPORT_ROLES = ['supervisor', 'admin'];

export class ReportsApi {
  readonly #api: ApiClient;
  readonly #token: string;

  constructor(api: ApiClient, token: string) {
    this.#api = api;
    this.#token = token;
  }

  #get<T>(path: string): Promise<ApiResult<T>> {
    return this.#api.request<T>('GET', path, undefined, { authorization: `Bearer ${this.#token}` });
  }

  scorecards(month: string | null, unitId: string | null) {
    const q = new URLSearchParams();
    if (month) q.set('month', month);
    if (unitId) q.set('unitId', unitId);
    return this.#get<ScorecardView>(`/api/staff/scorecards?${q}`);
  }

  report(period: string, at: string | null) {
    const q = new URLSearchParams({ period });
    if (at) q.set('at', at);
    return this.#get<Report>(`/api/staff/reports?${q}`);
  }
}

/** A rate for a table cell: 95.2%, or — when nothing was counted. */
export const pct = (r: { rate: number | null }) => (r.rate === null ? '—' : `${(r.rate * 100).toFixed(1)}%`);
