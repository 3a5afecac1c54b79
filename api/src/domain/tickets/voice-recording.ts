import { contactAccessLog, ticketEvents } from '@hotline/db';
import type { VoiceMediaSource } from '@hotline/bots';
import { and, eq, inArray } from 'drizzle-orm';
import type { DomainContext } from '../context.ts';
import { DomainError, forbidden, notFound } from '../errors.ts';
import { assertCanView, getTicketByNo } from './internal.ts';
import { canSeeContact } from './staff-view.ts';
import { voiceMediaIdsOf } from './voice-ids.ts';

/**
 * 语音原件: a citizen who spoke on WeChat is filed from the recognised text;
 * the recording stays on WeChat's side (three days), and the ticket keeps
 * its media id on the event it spoke to (the filing's `voiceMediaIds`, a
 * supplement's `voiceMediaId`). Staff who may see the citizen's contact may
 * hear it — a voice identifies a person as a phone number does — and every
 * fetch goes to the access log.
 */

export async function getVoiceRecording(ctx: DomainContext, source: VoiceMediaSource | null, ticketNo: string, mediaId: string, meta: { ip: string | null }) {
  const ticket = await getTicketByNo(ctx.db, ticketNo);
  const staff = assertCanView(ctx.actor, ticket);
  const events = await ctx.db
    .select({ data: ticketEvents.data })
    .from(ticketEvents)
    .where(and(eq(ticketEvents.ticketId, ticket.id), inArray(ticketEvents.action, ['submit', 'supplement'])));
  if (!events.some((e) => voiceMediaIdsOf(e.data).includes(mediaId))) throw notFound('这张工单没有这条语音');
  if (!canSeeContact(staff, ticket)) {
    throw forbidden(ticket.confidential ? '保密工单的语音原件仅热线办可听，请通过热线办了解' : '当前角色无权收听语音原件');
  }
  if (!source) throw new DomainError('UNAVAILABLE', '微信公众号未配置，暂时取不到语音原件', { reason: 'no chat network keeps voice messages' });
  const recording = await source.download(mediaId).catch((error: unknown) => {
    throw new DomainError('UNAVAILABLE', '暂时没能从微信取回语音，请稍后再试', { reason: String((error as Error).message ?? error).slice(0, 200) });
  });
  if (recording === 'expired') throw notFound('语音原件已过期：微信只保存 3 天，请以工单里识别出的文字为准');
  await ctx.db.insert(contactAccessLog).values({ staffId: staff.id, ticketId: ticket.id, purpose: 'voice_recording', ip: meta.ip, createdAt: ctx.now() });
  return recording;
}
