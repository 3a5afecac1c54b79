/**
 * What the ticket page shows beside the ticket: tickets that look like the
 * same matter (GET /api/staff/tickets/{no}/similar) and the closest
 * knowledge entries (GET /api/staff/tickets/{no}/knowledge), asked with the
 * staff member's session token as the other staff calls are.
 */
import type { ticketCluster } from '../../../api/src/domain/tickets/dispatch-cluster.ts';
import type { findSameMatter, knowledgeForTicket } from '../../../api/src/domain/tickets/same-matter.ts';
import type { ApiClient } from './api-client.ts';

export type SameMatter = Awaited<ReturnType<typeof findSameMatter>>;
export type TicketKnowledge = Awaited<ReturnType<typeof knowledgeForTicket>>;
export type TicketCluster = Awaited<ReturnType<typeof ticketCluster>>;

export function ticketAids(api: ApiClient, token: string, ticketNo: string) {
  const auth = { authorization: `Bearer ${token}` };
  const base = `/api/staff/tickets/${encodeURIComponent(ticketNo)}`;
  return {
    similar: () => api.request<SameMatter>('GET', `${base}/similar`, undefined, auth),
    knowledge: () => api.request<TicketKnowledge>('GET', `${base}/knowledge`, undefined, auth),
    /** The tickets linked with this one as the same matter (oldest first, itself included): 一并派单 offers those waiting for dispatch. */
    cluster: () => api.request<TicketCluster>('GET', `${base}/cluster`, undefined, auth),
  };
}
