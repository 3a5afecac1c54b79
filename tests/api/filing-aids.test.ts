import { attachments, rateLimitCounters, tickets, uploadDrafts } from '@hotline/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, createHarness, type Harness } from '../support/harness.ts';
import { NORMAL_SENTENCE, URGENT_SENTENCE } from '../support/urgency-sentences.ts';
import { TINY_PNG, ticketBody } from '../support/factories.ts';
import { leadingZeroBits, solveSum, solveWork } from '../support/pow.ts';

let h: Harness;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  h = await createHarness({ powBits: 10 });
  api = client(h);
});
afterAll(() => h.close());

async function challenge() {
  const res = await api.get('/api/pow/challenge');
  expect(res.status).toBe(200);
  expect(res.headers.get('cache-control')).toBe('no-store');
  return res.json as { challenge: string; bits: number; question: string; expiresAt: string };
}
const file = (body: Record<string, unknown>, headers: Record<string, string> = {}) => api.post('/api/tickets', body, { headers });

describe('proof of work on web and mailbox filings', () => {
  it('asks for it, accepts solved work or the sum once, and refuses wrong, reused and expired solutions', async () => {
    const none = await file(ticketBody());
    expect(none.status).toBe(400);
    expect(none.json.error.details).toContainEqual({ path: 'pow', message: '请完成人机验证' });

    const c1 = await challenge();
    expect(c1.bits).toBe(10);
    expect(c1.question).toMatch(/^[一二三四五六七八九]加[一二三四五六七八九]等于几？$/);
    const wrongNonce = await file(ticketBody(), { 'pow-challenge': c1.challenge, 'pow-nonce': 'zzzz' });
    // One in a thousand nonces happens to be right; this one is checked not to be.
    if (leadingZeroBits(`${c1.challenge}:zzzz`) < 10) expect(wrongNonce.json.error.details[0].path).toBe('pow');
    const forged = await file(ticketBody(), { 'pow-challenge': c1.challenge.replace(/.$/, (ch) => (ch === 'A' ? 'B' : 'A')), 'pow-nonce': solveWork(c1.challenge, 10) });
    expect(forged.json.error.details).toContainEqual({ path: 'pow', message: '人机验证无效，请刷新页面后重试' });

    const solved = { 'pow-challenge': c1.challenge, 'pow-nonce': solveWork(c1.challenge, 10) };
    const invalidBody = await file(ticketBody({ description: '短' }), solved);
    expect(invalidBody.status).toBe(400);
    const first = await file(ticketBody(), solved);
    expect(first.status, first.text).toBe(201);
    const reused = await file(ticketBody(), solved);
    expect(reused.json.error.details).toContainEqual({ path: 'pow', message: '这次人机验证已经用过了，请重新提交' });

    const c2 = await challenge();
    const wrongSum = await file(ticketBody(), { 'pow-challenge': c2.challenge, 'pow-answer': String(Number(solveSum(c2.question)) + 1) });
    expect(wrongSum.json.error.details).toContainEqual({ path: 'pow', message: '验证题答案不正确，请重新计算' });
    const bySum = await file(ticketBody({ channel: 'mailbox', addressee: 'mayor', type: 'suggestion' }), { 'pow-challenge': c2.challenge, 'pow-answer': solveSum(c2.question) });
    expect(bySum.status, bySum.text).toBe(201);

    const c3 = await challenge();
    h.clock.advance({ hours: 2, minutes: 1 });
    const expired = await file(ticketBody(), { 'pow-challenge': c3.challenge, 'pow-answer': solveSum(c3.question) });
    expect(expired.json.error.details).toContainEqual({ path: 'pow', message: '人机验证已过期，请重新提交' });

    const chat = await api.post('/api/tickets', ticketBody({ channel: 'telegram', channelUserId: 'tg-77' }), { internal: true });
    expect(chat.status).toBe(201);
  });

  it('replays an idempotent filing without spending a second challenge', async () => {
    const c = await challenge();
    const headers = { 'pow-challenge': c.challenge, 'pow-answer': solveSum(c.question), 'idempotency-key': `pow-${Date.now()}` };
    const body = ticketBody();
    const first = await file(body, headers);
    const again = await file(body, headers);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.json.ticketNo).toBe(first.json.ticketNo);
  });
});

describe('POST /api/uploads', () => {
  const upload = (bytes: Uint8Array, name = 'photo.png') => {
    const form = new FormData();
    form.append('file', new File([bytes], name, { type: 'image/png' }));
    return h.app.request('/api/uploads', { method: 'POST', body: form, headers: { 'x-forwarded-for': '198.51.100.7' } });
  };

  it('keeps photos sent before the ticket and attaches them when the ticket names them, once', async () => {
    const a = await upload(TINY_PNG);
    const b = await upload(TINY_PNG);
    expect(a.status).toBe(201);
    const [first, second] = [(await a.json()) as { uploadId: string }, (await b.json()) as { uploadId: string }];
    expect(first.uploadId).toMatch(/^[A-Za-z0-9_-]{22}$/);

    const c = await challenge();
    const filed = await file(ticketBody({ photos: [second.uploadId, first.uploadId] }), { 'pow-challenge': c.challenge, 'pow-answer': solveSum(c.question) });
    expect(filed.status, filed.text).toBe(201);
    const [ticket] = await h.database.db.select().from(tickets).where(eq(tickets.ticketNo, filed.json.ticketNo));
    const stored = await h.database.db.select().from(attachments).where(eq(attachments.ticketId, ticket!.id));
    expect(stored).toHaveLength(2);
    expect(await h.database.db.select().from(uploadDrafts).where(eq(uploadDrafts.id, first.uploadId))).toHaveLength(0);

    const c2 = await challenge();
    const again = await file(ticketBody({ photos: [first.uploadId] }), { 'pow-challenge': c2.challenge, 'pow-answer': solveSum(c2.question) });
    expect(again.status).toBe(400);
    expect(again.json.error.details).toContainEqual({ path: 'photos', message: '有照片已过期或不存在，请重新选择照片' });
    // The failed filing used up nothing: the same challenge still files.
    const retried = await file(ticketBody(), { 'pow-challenge': c2.challenge, 'pow-answer': solveSum(c2.question) });
    expect(retried.status).toBe(201);
  });

  it('refuses what is not an image, and bad photo ids', async () => {
    const text = await upload(new TextEncoder().encode('not an image at all'), 'photo.jpg');
    expect(text.status).toBe(415);
    const body = (await text.json()) as { error: { details: { path: string }[] } };
    expect(body.error.details[0]!.path).toBe('file');
    const bad = await file(ticketBody({ photos: ['../../etc/passwd'] }));
    expect(bad.status).toBe(400);
    expect(bad.json.error.details).toContainEqual({ path: 'photos.0', message: '照片编号无效' });
  });
});

describe('filing limits', () => {
  it('counts a filing in the ticket\'s own statement: the 11th of a phone in a day is refused, stores nothing and counts nothing', async () => {
    const phone = '13912345678';
    const filings = async () => (await h.database.db.select({ id: tickets.id }).from(tickets).where(eq(tickets.citizenPhone, phone))).length;
    for (let i = 0; i < 10; i++) {
      const res = await api.post('/api/tickets', ticketBody({ channel: 'telegram', channelUserId: `tg-limit-${i}`, contact: { name: '李四', phone } }), { internal: true });
      expect(res.status, JSON.stringify(res.json)).toBe(201);
    }
    const refused = await api.post('/api/tickets', ticketBody({ channel: 'telegram', channelUserId: 'tg-limit-x', contact: { name: '李四', phone } }), { internal: true });
    expect(refused.status).toBe(429);
    expect(refused.json.error.message).toContain('提交过于频繁');
    expect(await filings()).toBe(10);
    const [counter] = await h.database.db.select({ count: rateLimitCounters.count }).from(rateLimitCounters).where(eq(rateLimitCounters.key, `file-phone:${phone}`));
    expect(counter!.count).toBe(10);
    // The chat account that was refused has not used up anything either.
    const [chat] = await h.database.db.select({ count: rateLimitCounters.count }).from(rateLimitCounters).where(eq(rateLimitCounters.key, 'file-chat-user:telegram:tg-limit-x'));
    expect(chat).toBeUndefined();
  });
});

describe('POST /api/tickets/check', () => {
  it('answers with the errors a filing would get, or the limits that would apply, and files nothing', async () => {
    const before = await h.database.db.select({ id: tickets.id }).from(tickets);
    const bad = await api.post('/api/tickets/check', ticketBody({ location: { district: 'dongcheng', street: 'xiling_qingquan' } }));
    expect(bad.status).toBe(400);
    expect(bad.json.error.details).toContainEqual({ path: 'location.street', message: '所选街道不属于所选的区' });
    const good = await api.post('/api/tickets/check', ticketBody());
    expect(good.status).toBe(200);
    expect(good.json.valid).toBe(true);
    expect(good.json.replyWorkingDays).toBeGreaterThan(0);
    expect(new Date(good.json.acceptDueAt).getTime()).toBeGreaterThan(h.clock.now().getTime());
    expect(await h.database.db.select({ id: tickets.id }).from(tickets)).toHaveLength(before.length);
  });

  it('shows the limits of the urgency the intake decides, as the filing will get them, whatever the client claims', async () => {
    const urgent = await api.post('/api/tickets/check', ticketBody({ description: URGENT_SENTENCE }));
    const claimed = await api.post('/api/tickets/check', ticketBody({ description: NORMAL_SENTENCE, urgency: 'urgent' }));
    const c = await challenge();
    const filed = await file(ticketBody({ description: URGENT_SENTENCE }), { 'pow-challenge': c.challenge, 'pow-answer': solveSum(c.question) });
    expect(urgent.status).toBe(200);
    expect(filed.status).toBe(201);
    expect(urgent.json.acceptDueAt).toBe(filed.json.dueAt);
    // An urgent filing is accepted within 15 minutes; the ordinary one gets the normal intake limit.
    expect(new Date(urgent.json.acceptDueAt).getTime() - h.clock.now().getTime()).toBeLessThanOrEqual(15 * 60_000);
    expect(new Date(claimed.json.acceptDueAt).getTime()).toBeGreaterThan(new Date(urgent.json.acceptDueAt).getTime());
  });
});
