import type { AstroGlobal } from 'astro';
import type { ApiClient } from './api-client.ts';
import { localPath } from './form-values.ts';
import { type QueueCount, StaffApi, type StaffMe } from './staff-api.ts';

/** The API's session cookie (SESSION_COOKIE in api/src/http/middleware.ts): one login for the pages and the API. */
export const STAFF_COOKIE = 'hl_session';

/** Headers of every staff page and redirect: personal data, never stored, never indexed. */
export const STAFF_HEADERS: Record<string, string> = { 'Cache-Control': 'no-store', 'X-Robots-Tag': 'noindex, nofollow' };

export interface StaffSession {
  me: StaffMe;
  api: StaffApi;
  /** Name of the staff member's unit; null for the hotline office's own roles. */
  unitName: string | null;
  queues: QueueCount[];
  /** How many cases wait in 待公开; null for roles that do not publish. */
  pendingPublications: number | null;
}

/** The roles the API lets publish (典型案例); the API decides, this only shows the queue in the navigation. */
const PUBLISHERS = ['supervisor', 'admin'];

export function applyStaffHeaders(headers: Headers): void {
  for (const [name, value] of Object.entries(STAFF_HEADERS)) headers.set(name, value);
}

export function staffRedirect(location: string, status: 302 | 303 = 303): Response {
  return new Response(null, { status, headers: { Location: location, ...STAFF_HEADERS } });
}

/** Where to come back to after logging in: a staff page on this site, else the workbench. */
export function staffReturnPath(value: string | null | undefined): string {
  const path = localPath(value, '/staff');
  return path === '/staff' || path.startsWith('/staff/') || path.startsWith('/staff?') ? path : '/staff';
}

export function loginPath(next: string, reason?: 'expired'): string {
  const search = new URLSearchParams();
  if (next && next !== '/staff') search.set('next', next);
  if (reason) search.set('reason', reason);
  const text = search.toString();
  return `/staff/login${text ? `?${text}` : ''}`;
}

/**
 * Opens a staff page: the signed-in staff member (from the session cookie,
 * checked by the API) and their queues, or the response that sends the
 * visitor to log in (again, with the page as the return path).
 */
export async function openStaff(astro: Pick<AstroGlobal, 'response' | 'url' | 'cookies'> & { locals: { api: ApiClient } }): Promise<StaffSession | Response> {
  applyStaffHeaders(astro.response.headers);
  const here = staffReturnPath(astro.url.pathname + astro.url.search);
  const token = astro.cookies.get(STAFF_COOKIE)?.value;
  if (!token) return staffRedirect(loginPath(here), 302);
  const api = new StaffApi(astro.locals.api, token);
  const me = await api.me();
  if (!me.ok) {
    if (me.error.status === 401) {
      astro.cookies.delete(STAFF_COOKIE, { path: '/' });
      return staffRedirect(loginPath(here, 'expired'), 302);
    }
    throw new Error(me.error.message);
  }
  const publisher = PUBLISHERS.includes(me.data.role);
  const [queues, units, pending] = await Promise.all([
    api.queues(),
    me.data.unitId ? api.units() : null,
    publisher ? api.pendingPublications(new URLSearchParams({ pageSize: '1' })) : null,
  ]);
  return {
    me: me.data,
    api,
    unitName: me.data.unitId ? (units?.ok ? (units.data.find((u) => u.id === me.data.unitId)?.name ?? me.data.unitId) : me.data.unitId) : null,
    queues: queues.ok ? queues.data.queues : [],
    pendingPublications: pending?.ok ? pending.data.total : null,
  };
}
