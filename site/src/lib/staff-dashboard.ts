/**
 * 统计看板's, 单位考核's and 报告's calls to /api/staff/metrics, /scorecards and /reports, made in-process with the staff
 * member's session token. The API decides who may see the figures; these are
 * typed wrappers.
 */
import type { computeMetrics } from '../../../api/src/domain/metrics/compute-metrics.ts';
import type { ScorecardView } from '../../../api/src/domain/metrics/scorecards.ts';
import type { VolumeProfile } from '../../../api/src/domain/metrics/volume-profile.ts';
import type { Report } from '../../../api/src/domain/reports/report.ts';
import type { ApiClient, ApiResult } from './api-client.ts';

export type Metrics = Awaited<ReturnType<typeof computeMetrics>>;
export type { Report, ScorecardView, VolumeProfile };

/** The roles the API lets see the figures; the API checks, this only shows the link in the navigation. */
export const DASHBOARD_ROLES = ['supervisor', 'dispatcher', 'admin'];

export class DashboardApi {
  readonly #api: ApiClient;
  readonly #token: string;

  constructor(api: ApiClient, token: string) {
    this.#api = api;
    this.#token = token;
  }

  #get<T>(path: string): Promise<ApiResult<T>> {
    return this.#api.request<T>('GET', path, undefined, { authorization: `Bearer ${this.#token}` });
  }

  metrics(from: string, to: string, groupBy: string) {
    return this.#get<Metrics>(`/api/staff/metrics?${new URLSearchParams({ from, to, groupBy })}`);
  }

  volume(from: string, to: string) {
    return this.#get<VolumeProfile>(`/api/staff/metrics/volume?${new URLSearchParams({ from, to })}`);
  }

  /** 单位考核: a month's ranking, or a unit's card (the API keeps a unit to its own). */
  scorecards(month: string | null, unitId: string | null) {
    const q = new URLSearchParams();
    if (month) q.set('month', month);
    if (unitId) q.set('unitId', unitId);
    return this.#get<ScorecardView>(`/api/staff/scorecards?${q}`);
  }

  /** 报告: a week's, month's or quarter's report. */
  report(period: string, at: string | null) {
    const q = new URLSearchParams({ period });
    if (at) q.set('at', at);
    return this.#get<Report>(`/api/staff/reports?${q}`);
  }
}
