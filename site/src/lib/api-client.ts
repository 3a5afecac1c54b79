/**
 * The site's typed client of the hotline API. Every call goes through the
 * API's HTTP interface: in one process the Hono app's fetch (no socket),
 * elsewhere a real fetch to the API's URL.
 */
import type { EmergencyNumber } from '@hotline/db/enums';
import type { PublicFigures } from '../../../api/src/domain/metrics/public-figures.ts';
import type { Answer as AnswerResult } from '@hotline/knowledge/chains/answer-chain';
import type { CitizenTicketView } from '../../../api/src/domain/tickets/citizen-view.ts';

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

export interface CodeLabel {
  code: string;
  label: string;
}

export interface Catalog {
  districts: { code: string; name: string; streets: { code: string; name: string }[] }[];
  categories: { code: string; name: string; children: { code: string; name: string }[] }[];
  types: CodeLabel[];
  statuses: CodeLabel[];
  satisfaction: CodeLabel[];
  replyWorkingDays: Record<string, number>;
  urgentReplyWorkingDays: number;
  addressees: CodeLabel[];
  emergencyNumbers: { number: string; label: string }[];
}

export interface SearchHit {
  id: string;
  question: string;
  answer: string;
  category: string;
  subcategory: string | null;
  score: number;
}

export type { EmergencyNumber };

/** POST /api/answer: the answer chain's result as the API sends it (without its internal canonical form). */
export type Answer = Omit<AnswerResult, 'canonical'>;

export interface KbEntry {
  id: string;
  question: string;
  answer: string;
  answerHtml: string;
  category: string;
  categoryName: string | null;
  subcategory: string | null;
  subcategoryName: string | null;
  unitName: string | null;
  reviewedAt: string | null;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface IntakeDraft {
  draft: { type: string; category?: string; title?: string; description: string; location?: { district?: string; street?: string; address?: string }; urgency: string };
  emergency: EmergencyNumber | null;
  emergencyAdvice: string | null;
  missing: ('location' | 'address' | 'contact' | 'category')[];
}

export interface PowChallenge {
  challenge: string;
  bits: number;
  question: string;
  expiresAt: string;
}

export interface TicketCreated {
  ticketNo: string;
  queryCode: string;
  status: string;
  statusLabel: string;
  dueAt: string;
  replyWorkingDays: number;
}

export interface TicketCheck {
  valid: true;
  acceptDueAt: string;
  replyWorkingDays: number;
  /** Open tickets of the same matter the citizen may follow instead of filing (public fields only). */
  similar: SimilarTicket[];
}

export interface SimilarTicket {
  ticketNo: string;
  title: string;
  status: string;
  statusLabel: string;
  reporters: number;
  filedAt: string;
}

export interface FollowedTicket {
  ticketNo: string;
  title: string;
  status: string;
  statusLabel: string;
  reporters: number;
  added: boolean;
}

export interface UploadDraft {
  uploadId: string;
  width: number;
  height: number;
  byteSize: number;
}

/** POST /api/tickets/lookup: the API's citizen view of a ticket. */
export type CitizenTicket = CitizenTicketView;

export interface PublicCase {
  ticketNo: string;
  title: string;
  content: string;
  category: { code: string; name: string } | null;
  district: string | null;
  addressee: string | null;
  unit: string | null;
  submittedAt: string;
  repliedAt: string | null;
  reply: string | null;
}

/** The challenge a lookup must solve first, when the API answered 429 with one. */
export function powRequired(error: ApiError): PowChallenge | null {
  const pow = error.status === 429 && error.details && !Array.isArray(error.details) ? (error.details as { pow?: PowChallenge }).pow : undefined;
  return pow && typeof pow.challenge === 'string' ? pow : null;
}

function powHeaders(pow: PowSolution | null): Record<string, string> {
  return pow?.nonce ? { 'pow-challenge': pow.challenge, 'pow-nonce': pow.nonce } : {};
}

/** Where the portal's proof of work goes: POST /api/tickets reads it from headers. */
export interface PowSolution {
  challenge: string;
  nonce?: string;
  answer?: string;
}

const query = (params: Record<string, string | number | undefined>) => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
};

export class ApiClient {
  readonly #options: ApiClientOptions;

  constructor(options: ApiClientOptions) {
    this.#options = options;
  }

  async request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResult<T>> {
    const init: RequestInit = { method, headers: { ...this.#options.headers, ...headers } };
    // FormData and Blob (a typed text body such as JSON Lines) go as they are.
    if (body instanceof FormData || body instanceof Blob) init.body = body;
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

  search(q: string, limit = 5) {
    return this.request<{ hits: SearchHit[]; confident: boolean }>('GET', `/api/kb/search${query({ q, limit })}`);
  }

  answer(question: string) {
    return this.request<Answer>('POST', '/api/answer', { question, channel: 'web' });
  }

  entry(id: string) {
    return this.request<KbEntry>('GET', `/api/kb/entries/${encodeURIComponent(id)}`);
  }

  entries(params: { category?: string; page?: number; pageSize?: number }) {
    return this.request<Page<{ id: string; question: string; category: string; subcategory: string | null }>>('GET', `/api/kb/entries${query(params)}`);
  }

  feedback(body: { entryId: string; helpful: boolean; question?: string }) {
    return this.request<null>('POST', '/api/kb/feedback', { ...body, channel: 'web' });
  }

  draft(text: string) {
    return this.request<IntakeDraft>('POST', '/api/intake/draft', { text, channel: 'web' });
  }

  challenge() {
    return this.request<PowChallenge>('GET', '/api/pow/challenge');
  }

  upload(file: File) {
    const form = new FormData();
    form.append('file', file);
    return this.request<UploadDraft>('POST', '/api/uploads', form);
  }

  checkTicket(body: unknown) {
    return this.request<TicketCheck>('POST', '/api/tickets/check', body);
  }

  /** 关注此工单 instead of filing the same matter again. */
  followTicket(ticketNo: string, body: { channel: 'web'; phone: string }) {
    return this.request<FollowedTicket>('POST', `/api/tickets/${encodeURIComponent(ticketNo)}/follow`, body);
  }

  fileTicket(body: unknown, options: { idempotencyKey: string; pow: PowSolution | null }) {
    const headers: Record<string, string> = { 'idempotency-key': options.idempotencyKey };
    if (options.pow) {
      headers['pow-challenge'] = options.pow.challenge;
      if (options.pow.nonce) headers['pow-nonce'] = options.pow.nonce;
      if (options.pow.answer) headers['pow-answer'] = options.pow.answer;
    }
    return this.request<TicketCreated>('POST', '/api/tickets', body, headers);
  }

  /** `pow`: the solved challenge the API asked for (429 with details.pow) when the ticket has drawn wrong codes. */
  lookup(ticketNo: string, queryCode: string, pow: PowSolution | null = null) {
    return this.request<CitizenTicket>('POST', '/api/tickets/lookup', { ticketNo, queryCode }, powHeaders(pow));
  }

  rate(ticketNo: string, body: { queryCode: string; processSatisfaction: string; resultSatisfaction: string; resolved: boolean; comment?: string }, pow: PowSolution | null = null) {
    return this.request<CitizenTicket>('POST', `/api/tickets/${encodeURIComponent(ticketNo)}/rating`, body, powHeaders(pow));
  }

  letters(params: { q?: string; page?: number; pageSize?: number }) {
    return this.request<Page<PublicCase>>('GET', `/api/mailbox/letters${query(params)}`);
  }

  echoWall(params: { category?: string; district?: string; month?: string; page?: number; pageSize?: number }) {
    return this.request<Page<PublicCase>>('GET', `/api/echo-wall${query(params)}`);
  }

  /** 每月办理情况: the city's figures for a month (YYYY-MM; none: this month so far). */
  figures(month?: string) {
    return this.request<PublicFigures>('GET', `/api/figures${month ? `?month=${encodeURIComponent(month)}` : ''}`);
  }
}
