/**
 * 热点预警's calls to /api/staff/hotspots, made in-process with the staff
 * member's session token like the rest of the staff area. The API decides who
 * may see and act (supervisors and administrators); these are typed wrappers.
 */
import type { assignHotspot, getHotspot, listHotspots } from '../../../api/src/domain/hotspots/warnings.ts';
import type { ApiClient, ApiResult } from './api-client.ts';

/** Dates travel as ISO strings over HTTP. */
type Json<T> = T extends Date ? string : T extends (infer U)[] ? Json<U>[] : T extends object ? { [K in keyof T]: Json<T[K]> } : T;

export type HotspotList = Json<Awaited<ReturnType<typeof listHotspots>>>;
export type HotspotRow = HotspotList['items'][number];
export type HotspotDetail = Json<Awaited<ReturnType<typeof getHotspot>>>;
export type HotspotAssignment = Json<Awaited<ReturnType<typeof assignHotspot>>>;

/** The roles the API lets work warnings; the API checks, this only shows the link in the navigation. */
export const HOTSPOT_ROLES = ['supervisor', 'admin'];

export class HotspotsApi {
  readonly #api: ApiClient;
  readonly #token: string;

  constructor(api: ApiClient, token: string) {
    this.#api = api;
    this.#token = token;
  }

  #call<T>(method: string, path: string, body?: unknown): Promise<ApiResult<T>> {
    return this.#api.request<T>(method, path, body, { authorization: `Bearer ${this.#token}` });
  }

  list(status: 'open' | 'closed') {
    return this.#call<HotspotList>('GET', `/api/staff/hotspots?status=${status}`);
  }

  get(id: string) {
    return this.#call<HotspotDetail>('GET', `/api/staff/hotspots/${encodeURIComponent(id)}`);
  }

  acknowledge(id: string) {
    return this.#call<HotspotDetail>('POST', `/api/staff/hotspots/${encodeURIComponent(id)}/acknowledge`, {});
  }

  assign(id: string, body: { unitId: string; note?: string }) {
    return this.#call<HotspotAssignment>('POST', `/api/staff/hotspots/${encodeURIComponent(id)}/assign`, body);
  }

  close(id: string, body: { note: string }) {
    return this.#call<HotspotDetail>('POST', `/api/staff/hotspots/${encodeURIComponent(id)}/close`, body);
  }
}
