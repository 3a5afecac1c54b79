/**
 * The workbench's calls to the staff API, made in-process through the same
 * client as the portal's, with the staff member's session token as a bearer
 * token. The API decides everything (who may see and do what); these are
 * typed wrappers only.
 */
import type { listPendingPublications, PublicationProposal } from '../../../api/src/domain/publication/publication.ts';
import type { bulkAct } from '../../../api/src/domain/tickets/bulk.ts';
import type { assistCall } from '../../../api/src/domain/tickets/phone-intake.ts';
import type { getTicketDetail, summarize } from '../../../api/src/domain/tickets/staff-view.ts';
import type { ApiClient, ApiResult, Catalog } from './api-client.ts';

export type CallAssist = Awaited<ReturnType<typeof assistCall>>;
export type BulkResult = Awaited<ReturnType<typeof bulkAct>>;
export type StaffTicket = Awaited<ReturnType<typeof getTicketDetail>>;
/** `sameMatterWaiting`: in 待派单 only, the other tickets of the same matter waiting too. */
export type StaffTicketSummary = ReturnType<typeof summarize> & { sameMatterWaiting?: number };
export type TimeLeft = StaffTicketSummary['timeLeft'];
export type PendingPublications = Awaited<ReturnType<typeof listPendingPublications>>;
export type { PublicationProposal };

export interface StaffMe {
  id: string;
  username: string;
  displayName: string;
  role: string;
  roleLabel: string;
  unitId: string | null;
}

export interface QueueCount {
  queue: string;
  count: number;
}

export interface StaffLogin {
  staff: StaffMe;
  token: string;
  expiresAt: string;
}

export interface UnitOption {
  id: string;
  name: string;
  kind: string;
  active: boolean;
}

export class StaffApi {
  readonly #api: ApiClient;
  readonly #token: string;

  constructor(api: ApiClient, token: string) {
    this.#api = api;
    this.#token = token;
  }

  #call<T>(method: string, path: string, body?: unknown): Promise<ApiResult<T>> {
    return this.#api.request<T>(method, path, body, { authorization: `Bearer ${this.#token}` });
  }

  me() {
    return this.#call<StaffMe>('GET', '/api/staff/me');
  }

  logout() {
    return this.#call<null>('POST', '/api/staff/logout');
  }

  changePassword(body: { currentPassword: string; newPassword: string }) {
    return this.#call<null>('POST', '/api/staff/password', body);
  }

  queues() {
    return this.#call<{ queues: QueueCount[] }>('GET', '/api/staff/queues');
  }

  /** `search`: the queue filters as the page's own query string holds them. */
  tickets(search: URLSearchParams) {
    const text = search.toString();
    return this.#call<{ items: StaffTicketSummary[]; page: number; pageSize: number; total: number; totalCapped: boolean }>('GET', `/api/staff/tickets${text ? `?${text}` : ''}`);
  }

  /** 按诉求人电话查找: the number goes in the body, never in a URL; the API logs the search. */
  searchByPhone(phone: string, search: URLSearchParams) {
    return this.#call<{ items: StaffTicketSummary[]; page: number; pageSize: number; total: number; totalCapped: boolean }>('POST', '/api/staff/tickets/search', { ...Object.fromEntries(search), phone });
  }

  ticket(ticketNo: string) {
    return this.#call<StaffTicket>('GET', `/api/staff/tickets/${encodeURIComponent(ticketNo)}`);
  }

  revealContact(ticketNo: string) {
    return this.#call<StaffTicket>('POST', `/api/staff/tickets/${encodeURIComponent(ticketNo)}/reveal-contact`, {});
  }

  /** 待公开; `search`: category, district and page as the queue page's URL holds them. */
  pendingPublications(search: URLSearchParams) {
    const text = search.toString();
    return this.#call<PendingPublications>('GET', `/api/staff/publications/pending${text ? `?${text}` : ''}`);
  }

  publication(ticketNo: string) {
    return this.#call<PublicationProposal>('GET', `/api/staff/tickets/${encodeURIComponent(ticketNo)}/publication`);
  }

  units() {
    return this.#call<UnitOption[]>('GET', '/api/staff/units');
  }

  /** 电话受理: the live draft, answers to read out and similar open tickets for what the caller said. */
  assistCall(body: { text: string; district?: string; category?: string }) {
    return this.#call<CallAssist>('POST', '/api/staff/phone/assist', body);
  }

  /** 登记 or 直接答复 a call: files a phone ticket and takes it through the state machine. */
  registerCall(body: { outcome: 'register' | 'answer'; answer?: string; entryId?: string; ticket: Record<string, unknown> }) {
    return this.#call<{ ticketNo: string; queryCode: string; status: string; statusLabel: string; outcome: string }>('POST', '/api/staff/phone/calls', body);
  }

  /** 批量受理 / 派单 / 催办, one result per ticket. */
  bulk(body: { action: string; ticketNos: string[]; leadUnitId?: string; note?: string }) {
    return this.#call<BulkResult>('POST', '/api/staff/bulk', body);
  }

  /** One transition: POST /api/staff/tickets/{no}/{path}. */
  act(ticketNo: string, path: string, body: Record<string, unknown>) {
    return this.#call<{ ticketNo: string; status: string; statusLabel: string; event: { label: string } }>(
      'POST',
      `/api/staff/tickets/${encodeURIComponent(ticketNo)}/${path}`,
      body,
    );
  }
}

/** POST /api/staff/login, without a session yet. */
export function staffLogin(api: ApiClient, body: { username: string; password: string }) {
  return api.request<StaffLogin>('POST', '/api/staff/login', body);
}

export type { Catalog };
