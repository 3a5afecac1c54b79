import { tickets } from '@hotline/db';
import { and, eq } from 'drizzle-orm';
import type { DomainContext } from '../context.ts';
import { DomainError, notFound } from '../errors.ts';
import { consumeChallenge, issueChallenge, type PowSolution, verifySolution } from '../pow/proof-of-work.ts';
import { LIMITS, type RateLimiter } from '../rate-limits/rate-limiter.ts';
import { buildCitizenView, type CitizenTicketView } from './citizen-view.ts';
import { findTicketByNo } from './internal.ts';
import { hashQueryCode, matchQueryCode } from './numbers.ts';
import type { TicketRow } from './transition.ts';

const MISS_MESSAGE = '工单编号或查询码不正确，请核对后重试';
const LIMITED_MESSAGE = '查询失败次数过多，请稍后再试；如忘记查询码，请拨打 12345 热线';
export const LOOKUP_POW_MESSAGE = '该工单近期有多次错误的查询，请完成人机验证后再查询';

/** Wrong codes on one ticket within the hour that cost nothing more; after them each attempt needs work. */
export const FREE_TICKET_MISSES = 3;
export const LOOKUP_POW_MIN_BITS = 16;
export const LOOKUP_POW_MAX_BITS = 20;

/** Proof-of-work bits a lookup of a ticket with `misses` recent wrong codes needs (0: none). */
export function lookupPowBits(misses: number): number {
  if (misses < FREE_TICKET_MISSES) return 0;
  return Math.min(LOOKUP_POW_MAX_BITS, LOOKUP_POW_MIN_BITS + (misses - FREE_TICKET_MISSES));
}

export interface CitizenProof {
  /** Signs and checks the proof-of-work challenges (AppDeps.secret). */
  secret: string;
  /** A solved challenge sent with the request (Pow-Challenge, Pow-Nonce), if any. */
  pow: PowSolution | null;
  /** This process's chat bots: the chat account is the client key, and no work is asked of it. */
  trusted: boolean;
}

/**
 * Proves the caller holds the ticket's query code. An unknown number and a
 * wrong code answer alike. Misses are limited per client address and per
 * (ticket, address), both checked before the code is compared, so guessing
 * stops. Misses on a ticket from everywhere never block its owner's right
 * code: they make every further attempt on that ticket cost a proof of work
 * whose difficulty rises with them (one successful proof lets that address
 * in for the hour), so strangers can slow the owner by seconds, not lock them
 * out, and a distributed guesser pays for each guess.
 */
export async function authenticateCitizen(
  ctx: DomainContext,
  limiter: RateLimiter,
  input: { ticketNo: string; queryCode: string },
  clientKey: string,
  proof: CitizenProof,
): Promise<TicketRow> {
  const ticketClient = `${input.ticketNo}:${clientKey}`;
  await limiter.assertWithin(LIMITS.lookupMissPerClient, clientKey, LIMITED_MESSAGE);
  await limiter.assertWithin(LIMITS.lookupMissPerTicketClient, ticketClient, LIMITED_MESSAGE);
  let escalated = false;
  if (!proof.trusted) {
    const bits = lookupPowBits(await limiter.count(LIMITS.lookupMissPerTicket, input.ticketNo));
    if (bits > 0 && (await limiter.count(LIMITS.lookupPassedPerTicketClient, ticketClient)) === 0) {
      escalated = true;
      const now = ctx.now();
      const askForWork = () => new DomainError('RATE_LIMITED', LOOKUP_POW_MESSAGE, { pow: issueChallenge(proof.secret, bits, now) });
      // A nonce only: a sum anyone's script can answer would cost a guesser nothing.
      if (!proof.pow?.challenge || !proof.pow.nonce) throw askForWork();
      let used;
      try {
        used = verifySolution(proof.secret, bits, { challenge: proof.pow.challenge, nonce: proof.pow.nonce }, now);
      } catch {
        throw askForWork();
      }
      await consumeChallenge(ctx.db, used).catch(() => {
        throw askForWork();
      });
    }
  }
  const ticket = await findTicketByNo(ctx.db, input.ticketNo);
  const match = ticket ? matchQueryCode(input.queryCode, ticket.queryCodeHash) : false;
  if (!ticket || !match) {
    await limiter.hit(LIMITS.lookupMissPerClient, clientKey);
    await limiter.hit(LIMITS.lookupMissPerTicketClient, ticketClient);
    await limiter.hit(LIMITS.lookupMissPerTicket, input.ticketNo);
    throw notFound(MISS_MESSAGE);
  }
  if (escalated) await limiter.hit(LIMITS.lookupPassedPerTicketClient, ticketClient);
  if (match === 'legacy') {
    // An unkeyed hash from before QUERY_CODE_KEY: replace it now that the code is known.
    const upgraded = hashQueryCode(input.queryCode);
    await ctx.db
      .update(tickets)
      .set({ queryCodeHash: upgraded })
      .where(and(eq(tickets.id, ticket.id), eq(tickets.queryCodeHash, ticket.queryCodeHash)));
    return { ...ticket, queryCodeHash: upgraded };
  }
  return ticket;
}

/** 进度查询: the citizen's view of their ticket. */
export async function lookupTicket(
  ctx: DomainContext,
  limiter: RateLimiter,
  input: { ticketNo: string; queryCode: string },
  clientKey: string,
  proof: CitizenProof,
): Promise<CitizenTicketView> {
  await limiter.assertWithin(LIMITS.lookupPerClient, clientKey, '查询过于频繁，请稍后再试');
  await limiter.hit(LIMITS.lookupPerClient, clientKey);
  const ticket = await authenticateCitizen(ctx, limiter, input, clientKey, proof);
  return buildCitizenView(ctx.db, ctx, ticket);
}
