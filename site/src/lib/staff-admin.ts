/**
 * 系统管理's calls to /api/staff/admin/*, made in-process with the
 * administrator's session token. The API holds every rule (who may change
 * what, the last active administrator, unit checks); these are typed
 * wrappers and the small helpers the admin pages share.
 */
import type { AuditRow } from '../../../api/src/domain/admin/audit.ts';
import type { upcomingDays } from '../../../api/src/domain/settings/manage.ts';
import type { Settings } from '../../../api/src/domain/settings/settings.ts';
import type { ApiClient, ApiError } from './api-client.ts';

export type { AuditRow, Settings };
export type UpcomingDays = Awaited<ReturnType<typeof upcomingDays>>;

export interface AdminAccount {
  id: string;
  username: string;
  displayName: string;
  role: string;
  roleLabel: string;
  unitId: string | null;
  active: boolean;
  lockedUntil: string | null;
  lastLoginAt: string | null;
}

export interface AdminUnit {
  id: string;
  name: string;
  kind: string;
  districtCode: string | null;
  streetCode: string | null;
  active: boolean;
}

export interface AdminRoutingRule {
  id: number;
  categoryCode: string;
  subcategoryCode: string | null;
  districtCode: string | null;
  leadUnitId: string | null;
  jurisdiction: 'street' | 'district' | null;
  coUnitIds: string[];
  note: string | null;
  priority: number;
}

export const ADMIN_SECTIONS = ['overview', 'accounts', 'units', 'routing', 'settings', 'calendar'] as const;
export type AdminSection = (typeof ADMIN_SECTIONS)[number];
export const sectionPath = (s: AdminSection) => (s === 'overview' ? '/staff/admin' : `/staff/admin/${s}`);

export class AdminApi {
  readonly #api: ApiClient;
  readonly #token: string;

  constructor(api: ApiClient, token: string) {
    this.#api = api;
    this.#token = token;
  }

  #call<T>(method: string, path: string, body?: unknown) {
    return this.#api.request<T>(method, path, body, { authorization: `Bearer ${this.#token}` });
  }

  accounts() {
    return this.#call<AdminAccount[]>('GET', '/api/staff/admin/accounts');
  }
  createAccount(body: { username: string; displayName: string; role: string; unitId?: string; password: string }) {
    return this.#call<AdminAccount>('POST', '/api/staff/admin/accounts', body);
  }
  updateAccount(id: string, body: { displayName?: string; role?: string; unitId?: string | null; active?: boolean }) {
    return this.#call<AdminAccount>('PATCH', `/api/staff/admin/accounts/${encodeURIComponent(id)}`, body);
  }
  resetPassword(id: string, password: string) {
    return this.#call<AdminAccount>('POST', `/api/staff/admin/accounts/${encodeURIComponent(id)}/password`, { password });
  }
  units() {
    return this.#call<AdminUnit[]>('GET', '/api/staff/units');
  }
  unitAccounts() {
    return this.#call<Record<string, number>>('GET', '/api/staff/admin/unit-accounts');
  }
  createUnit(body: { id: string; name: string; kind: string; districtCode?: string }) {
    return this.#call<AdminUnit>('POST', '/api/staff/admin/units', body);
  }
  updateUnit(id: string, body: { name?: string; active?: boolean }) {
    return this.#call<AdminUnit>('PATCH', `/api/staff/admin/units/${encodeURIComponent(id)}`, body);
  }
  routingRules() {
    return this.#call<AdminRoutingRule[]>('GET', '/api/staff/admin/routing-rules');
  }
  saveRoutingRule(body: Omit<AdminRoutingRule, 'id'>) {
    return this.#call<AdminRoutingRule & { created: boolean }>('PUT', '/api/staff/admin/routing-rules', body);
  }
  deleteRoutingRule(id: number) {
    return this.#call<null>('DELETE', `/api/staff/admin/routing-rules/${id}`);
  }
  settings() {
    return this.#call<Settings>('GET', '/api/staff/admin/settings');
  }
  putSetting(key: 'timeLimits' | 'workflow' | 'scorecard', value: unknown) {
    return this.#call<unknown>('PUT', `/api/staff/admin/settings/${key}`, value);
  }
  upcoming(days = 60) {
    return this.#call<UpcomingDays>('GET', `/api/staff/admin/calendar?days=${days}`);
  }
  putDay(day: string, body: { workingDay: boolean; note: string }) {
    return this.#call<unknown>('PUT', `/api/staff/admin/calendar/${encodeURIComponent(day)}`, body);
  }
  clearDay(day: string) {
    return this.#call<null>('DELETE', `/api/staff/admin/calendar/${encodeURIComponent(day)}`);
  }
  audit(query: { subject?: string; subjectId?: string; limit?: number } = {}) {
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) search.set(k, String(v));
    const text = search.toString();
    return this.#call<AuditRow[]>('GET', `/api/staff/admin/audit${text ? `?${text}` : ''}`);
  }
}

/**
 * The API's field messages by field name (`replyWorkingDays.complaint` →
 * that input), and what belongs to no field (shown in the summary).
 */
export function fieldErrors(error: ApiError, known: readonly string[]): { fields: Record<string, string>; general: string | null } {
  const fields: Record<string, string> = {};
  let general: string | null = null;
  if (Array.isArray(error.details)) {
    for (const d of error.details) {
      if (known.includes(d.path)) fields[d.path] ??= d.message;
      else general ??= d.message;
    }
  }
  if (Object.keys(fields).length === 0) general ??= error.message;
  return { fields, general };
}

/** Changes between two audit snapshots as [path, before, after], for the record's detail line. */
export function auditChanges(before: unknown, after: unknown, prefix = ''): [string, unknown, unknown][] {
  const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
  if (isObject(before) && isObject(after)) {
    return [...new Set([...Object.keys(before), ...Object.keys(after)])].flatMap((k) => auditChanges(before[k], after[k], prefix ? `${prefix}.${k}` : k));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [[prefix, before, after]];
}

/** A string field of a posted form, trimmed. */
export const formText = (form: FormData | null, name: string) => String(form?.get(name) ?? '').trim();
