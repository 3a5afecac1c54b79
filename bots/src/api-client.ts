/**
 * The bots' typed client of the hotline API. Every rule stays in the API:
 * in one process the Hono app's fetch is called directly (no socket), with
 * the process's internal token, which is what lets a bot file for a chat
 * account and read that account's tickets.
 */
import type { EmergencyNumber } from '@hotline/db/enums';
import type { Answer as AnswerResult } from '@hotline/knowledge/chains/answer-chain';
// Types only (the API depends on the bots at run time, not the other way round).
import type { FollowedTicket, PublicSimilarTicket } from '../../api/src/domain/tickets/follow.ts';

export interface BotApiOptions {
  fetch: (request: Request) => Response | Promise<Response>;
  baseUrl: string;
  internalToken: string;
}

export interface ApiError {
  status: number;
  code: string;
  message: string;
  details?: { path: string; message: string }[] | Record<string, unknown>;
}

export type ApiResult<T> = { ok: true; data: T; status: number } | { ok: false; error: ApiError };

export type { EmergencyNumber };
export type TicketChannel = 'wechat' | 'telegram';

export interface Catalog {
  districts: { code: string; name: string; streets: { code: string; name: string }[] }[];
  /** Ticket types with their Chinese labels (投诉, 举报, …), as the API names them. */
  types: { code: string; label: string }[];
}

/** POST /api/answer: the answer chain's result as the API sends it (without its internal canonical form). */
export type Answer = Omit<AnswerResult, 'canonical'>;

export interface DraftLocation {
  district?: string;
  street?: string;
  address?: string;
  lat?: number;
  lng?: number;
}

export interface IntakeDraft {
  draft: { type: string; category?: string; title?: string; description: string; location?: DraftLocation; urgency: string };
  emergency: EmergencyNumber | null;
  emergencyAdvice: string | null;
  missing: ('location' | 'address' | 'contact' | 'category')[];
}

export interface TicketFiling {
  type: string;
  category?: string;
  title?: string;
  description: string;
  location?: DraftLocation;
  occurredAt?: string;
  contact?: { name?: string; phone: string };
  anonymous: boolean;
  urgency: string;
  channel: TicketChannel;
  channelUserId: string;
  photos?: string[];
  /** WeChat voice messages the filing was spoken in. */
  voiceMediaIds?: string[];
}

export interface TicketCreated {
  ticketNo: string;
  queryCode: string;
  status: string;
  statusLabel: string;
  dueAt: string;
  replyWorkingDays: number;
}

export interface CitizenTicket {
  ticketNo: string;
  status: string;
  statusLabel: string;
  title: string;
  unit: string | null;
  dueAt: string | null;
  reply: { text: string; at: string } | null;
  rating: { processSatisfaction: string; resultSatisfaction: string; resolved: boolean; comment: string | null; at: string } | null;
  canRate: boolean;
  unsatisfiedReopens: boolean;
  timeline: { at: string; action: string; label: string; text: string }[];
}

export interface ChatTicketSummary {
  ticketNo: string;
  title: string;
  status: string;
  statusLabel: string;
  createdAt: string;
  canRate: boolean;
}

export interface Rating {
  processSatisfaction: 'satisfied' | 'basically_satisfied' | 'unsatisfied';
  resultSatisfaction: 'satisfied' | 'basically_satisfied' | 'unsatisfied';
  resolved: boolean;
  comment?: string;
}

export interface ChatAccount {
  channel: TicketChannel;
  channelUserId: string;
}

export class BotApiClient {
  readonly #options: BotApiOptions;

  constructor(options: BotApiOptions) {
    this.#options = options;
  }

  /**
   * `clientKey` names the chat account for the API's per-client limits
   * (uploads, lookups): all chats arrive from one address, and must not
   * share one bucket.
   */
  async request<T>(method: string, path: string, body: unknown, clientKey: string, headers: Record<string, string> = {}): Promise<ApiResult<T>> {
    const init: RequestInit = {
      method,
      headers: { 'x-hotline-internal': this.#options.internalToken, 'x-hotline-client-ip': clientKey, ...headers },
    };
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) {
      init.body = JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
    }
    const res = await this.#options.fetch(new Request(new URL(path, this.#options.baseUrl), init));
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (res.ok) return { ok: true, data: json as T, status: res.status };
    const error = (json as { error?: Omit<ApiError, 'status'> } | undefined)?.error;
    return {
      ok: false,
      error: {
        status: res.status,
        code: error?.code ?? 'INTERNAL',
        message: error?.message ?? '服务暂时不可用，请稍后再试',
        ...(error?.details ? { details: error.details as ApiError['details'] } : {}),
      },
    };
  }

  catalog(clientKey: string) {
    return this.request<Catalog>('GET', '/api/catalog', undefined, clientKey);
  }

  answer(question: string, channel: TicketChannel, clientKey: string) {
    return this.request<Answer>('POST', '/api/answer', { question, channel }, clientKey);
  }

  feedback(body: { entryId: string; helpful: boolean; question?: string }, channel: TicketChannel, clientKey: string) {
    return this.request<null>('POST', '/api/kb/feedback', { ...body, channel }, clientKey);
  }

  draft(text: string, channel: TicketChannel, clientKey: string) {
    return this.request<IntakeDraft>('POST', '/api/intake/draft', { text, channel }, clientKey);
  }

  upload(bytes: Uint8Array, mimeType: string, clientKey: string) {
    const form = new FormData();
    form.append('file', new File([bytes as Uint8Array<ArrayBuffer>], 'photo', { type: mimeType }));
    return this.request<{ uploadId: string }>('POST', '/api/uploads', form, clientKey);
  }

  fileTicket(body: TicketFiling, idempotencyKey: string, clientKey: string) {
    return this.request<TicketCreated>('POST', '/api/tickets', body, clientKey, { 'idempotency-key': idempotencyKey });
  }

  lookup(ticketNo: string, queryCode: string, clientKey: string) {
    return this.request<CitizenTicket>('POST', '/api/tickets/lookup', { ticketNo, queryCode }, clientKey);
  }

  rate(ticketNo: string, queryCode: string, rating: Rating, clientKey: string) {
    return this.request<CitizenTicket>('POST', `/api/tickets/${encodeURIComponent(ticketNo)}/rating`, { queryCode, ...rating }, clientKey);
  }

  chatTickets(account: ChatAccount, clientKey: string) {
    return this.request<{ items: ChatTicketSummary[] }>('POST', '/api/chat/tickets', account, clientKey);
  }

  chatTicket(ticketNo: string, account: ChatAccount, clientKey: string) {
    return this.request<CitizenTicket>('POST', `/api/chat/tickets/${encodeURIComponent(ticketNo)}/view`, account, clientKey);
  }

  /** This account's open tickets the text is most likely about (a supplement instead of a second filing). */
  ownSimilarOpen(account: ChatAccount, text: string, clientKey: string) {
    return this.request<{ items: { ticketNo: string; title: string; status: string; statusLabel: string; similarity: number }[] }>(
      'POST',
      '/api/chat/tickets/similar-open',
      { ...account, text },
      clientKey,
    );
  }

  supplement(ticketNo: string, account: ChatAccount, text: string, voiceMediaId: string | undefined, clientKey: string) {
    return this.request<CitizenTicket>(
      'POST',
      `/api/chat/tickets/${encodeURIComponent(ticketNo)}/supplement`,
      { ...account, text, ...(voiceMediaId ? { voiceMediaId } : {}) },
      clientKey,
    );
  }

  /** The filing checked as POST /api/tickets would, with others' open tickets on the same matter (`similar`). */
  check(body: TicketFiling, clientKey: string) {
    return this.request<{ valid: true; similar: PublicSimilarTicket[] }>('POST', '/api/tickets/check', body, clientKey);
  }

  /** Follows another citizen's open ticket on the same matter instead of filing again (counted in its reporters). */
  follow(ticketNo: string, account: ChatAccount, clientKey: string) {
    return this.request<FollowedTicket>(
      'POST',
      `/api/tickets/${encodeURIComponent(ticketNo)}/follow`,
      account,
      clientKey,
    );
  }

  chatRate(ticketNo: string, account: ChatAccount, rating: Rating, clientKey: string) {
    return this.request<CitizenTicket>('POST', `/api/chat/tickets/${encodeURIComponent(ticketNo)}/rating`, { ...account, ...rating }, clientKey);
  }
}
