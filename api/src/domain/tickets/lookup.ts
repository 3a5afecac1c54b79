import type { DomainContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { LIMITS, type RateLimiter } from '../rate-limits/rate-limiter.ts';
import { buildCitizenView, type CitizenTicketView } from './citizen-view.ts';
import { findTicketByNo } from './internal.ts';
import { queryCodeMatches } from './numbers.ts';
import type { TicketRow } from './transition.ts';

const MISS_MESSAGE = '工单编号或查询码不正确，请核对后重试';
const LIMITED_MESSAGE = '查询失败次数过多，请稍后再试；如忘记查询码，请拨打 12345 热线';

/**
 * Proves the caller holds the ticket's query code. An unknown number and a
 * wrong code answer alike, and misses are counted per client and per ticket
 * number, checked before the code is even compared, so guessing stops.
 */
export async function authenticateCitizen(
  ctx: DomainContext,
  limiter: RateLimiter,
  input: { ticketNo: string; queryCode: string },
  clientKey: string,
): Promise<TicketRow> {
  await limiter.assertWithin(LIMITS.lookupMissPerClient, clientKey, LIMITED_MESSAGE);
  await limiter.assertWithin(LIMITS.lookupMissPerTicket, input.ticketNo, LIMITED_MESSAGE);
  const ticket = await findTicketByNo(ctx.db, input.ticketNo);
  if (!ticket || !queryCodeMatches(input.queryCode, ticket.queryCodeHash)) {
    await limiter.hit(LIMITS.lookupMissPerClient, clientKey);
    await limiter.hit(LIMITS.lookupMissPerTicket, input.ticketNo);
    throw notFound(MISS_MESSAGE);
  }
  return ticket;
}

/** 进度查询: the citizen's view of their ticket. */
export async function lookupTicket(
  ctx: DomainContext,
  limiter: RateLimiter,
  input: { ticketNo: string; queryCode: string },
  clientKey: string,
): Promise<CitizenTicketView> {
  await limiter.assertWithin(LIMITS.lookupPerClient, clientKey, '查询过于频繁，请稍后再试');
  await limiter.hit(LIMITS.lookupPerClient, clientKey);
  const ticket = await authenticateCitizen(ctx, limiter, input, clientKey);
  return buildCitizenView(ctx.db, ctx, ticket);
}
