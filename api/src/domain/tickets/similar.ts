import type { DomainContext } from '../context.ts';
import { findDuplicates } from './duplicates.ts';
import { STATUS_LABELS } from './state-machine.ts';

export interface SimilarTicket {
  ticketNo: string;
  title: string;
  status: string;
  statusLabel: string;
  districtName: string | null;
  address: string | null;
  createdAt: string;
  score: number;
}

/**
 * 已有工单: open tickets of the last 30 days that the duplicate finder
 * (duplicates.ts) takes for the same matter as what the caller says, best
 * first. Offered at phone intake so the operator can tell the caller
 * "已有工单 编号 …".
 */
export async function findSimilarOpenTickets(
  ctx: DomainContext,
  input: { text: string; districtCode?: string | null; streetCode?: string | null; categoryCode?: string | null; limit?: number },
): Promise<SimilarTicket[]> {
  const found = await findDuplicates(
    ctx,
    { title: '', description: input.text, districtCode: input.districtCode ?? null, streetCode: input.streetCode ?? null, categoryCode: input.categoryCode ?? null },
    { openOnly: true, limit: input.limit ?? 5 },
  );
  return found.map((d) => ({
    ticketNo: d.ticketNo,
    title: d.title,
    status: d.status,
    statusLabel: STATUS_LABELS[d.status],
    districtName: d.districtCode ? (ctx.rules.catalog.districts.get(d.districtCode)?.name ?? null) : null,
    address: d.address,
    createdAt: d.createdAt.toISOString(),
    score: d.textScore,
  }));
}
