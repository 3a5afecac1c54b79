import { attachments, idempotencyKeys, tickets } from '@hotline/db';
import { eq, sql } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, createHarness, createStaff, type Harness, type TestStaff } from '../support/harness.ts';
import { ticketBody, TINY_PNG } from '../support/factories.ts';

let h: Harness;
let api: ReturnType<typeof client>;
let operator: TestStaff, dispatcher: TestStaff, water: TestStaff;

beforeAll(async () => {
  h = await createHarness();
  api = client(h);
  [operator, dispatcher, water] = await Promise.all([
    createStaff(h, 'operator'),
    createStaff(h, 'dispatcher'),
    createStaff(h, 'unit_handler', 'util_water'),
  ]);
});
afterAll(() => h.close());

let ipCounter = 0;
/** Each test gets its own client address so rate limits do not leak between tests. */
const fromNewClient = () => ({ 'x-forwarded-for': `203.0.113.${++ipCounter}` });

async function file(overrides: Record<string, unknown> = {}) {
  const res = await api.post('/api/tickets', ticketBody(overrides));
  expect(res.status, res.text).toBe(201);
  return res.json as { ticketNo: string; queryCode: string; status: string; dueAt: string };
}

async function moveToReply(ticketNo: string) {
  for (const [who, path, body] of [
    [operator, 'accept', {}],
    [dispatcher, 'dispatch', {}],
    [water, 'sign', {}],
    [water, 'reply', { reply: '经现场查看，系管道爆裂导致停水，现已抢修完毕恢复供水。' }],
  ] as const) {
    const res = await api.post(`/api/staff/tickets/${ticketNo}/${path}`, body, { token: who.token });
    expect(res.status, `${path}: ${res.text}`).toBe(200);
  }
}

describe('POST /api/tickets', () => {
  it('creates a ticket with a readable number, a query code and the intake limit', async () => {
    h.clock.set('2026-11-23T10:00:00+08:00');
    const res = await api.post('/api/tickets', ticketBody({ contact: { name: '张三', phone: '+86 138-1234-5678' } }));
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ status: 'submitted', statusLabel: '待受理', replyWorkingDays: 5 });
    expect(res.json.ticketNo).toMatch(/^20261123\d{4}$/);
    expect(res.json.queryCode).toMatch(/^\d{8}$/);
    // A water outage must be taken within 30 minutes.
    expect(res.json.dueAt).toBe(new Date('2026-11-23T10:30:00+08:00').toISOString());
    const [row] = await h.database.db.select().from(tickets).where(eq(tickets.ticketNo, res.json.ticketNo));
    expect(row).toMatchObject({ citizenPhone: '13812345678', citizenName: '张三', channel: 'web', categoryCode: 'utilities', subcategoryCode: 'utilities.water_outage' });
    // Only a hash of the query code is stored.
    expect(JSON.stringify(row)).not.toContain(res.json.queryCode);
  });

  it('numbers tickets in sequence within a Beijing day', async () => {
    h.clock.set('2026-11-24T23:59:00+08:00');
    const a = await file();
    const b = await file();
    expect(Number(b.ticketNo) - Number(a.ticketNo)).toBe(1);
    h.clock.set('2026-11-25T00:01:00+08:00');
    expect((await file()).ticketNo).toBe('202611250001');
  });

  it('answers a bad body with the one error shape and every problem', async () => {
    const res = await api.post('/api/tickets', {});
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      error: {
        code: 'VALIDATION',
        message: '请选择诉求类型（投诉、举报、求助、咨询、建议、表扬）',
        requestId: expect.any(String),
        details: [
          { path: 'type', message: '请选择诉求类型（投诉、举报、求助、咨询、建议、表扬）' },
          { path: 'description', message: '请填写诉求内容' },
          { path: 'channel', message: '渠道无效：应为 web、mailbox、wechat 或 telegram' },
        ],
      },
    });
    expect(res.headers.get('x-request-id')).toBe(res.json.error.requestId);
  });

  it.each([
    ['a bad phone number', { contact: { phone: '12345' } }, 'contact.phone', '手机号码格式不正确'],
    ['no contact and not anonymous', { contact: undefined }, 'contact.phone', '请填写联系电话，或选择匿名反映'],
    ['contact given while anonymous', { anonymous: true }, 'contact', '匿名反映时请不要填写联系方式'],
    ['no place for a complaint', { location: {} }, 'location.district', '请选择所在区或填写详细地址'],
    ['a district outside the city', { location: { district: 'atlantis' } }, 'location.district', '不在本市范围内'],
    ['a street of another district', { location: { district: 'xiling', street: 'dongcheng_heping' } }, 'location.street', '所选街道不属于所选的区'],
    ['an unknown category', { category: 'utilities.teleport' }, 'category', '诉求分类「utilities.teleport」不存在'],
    ['a future time of occurrence', { occurredAt: '2099-01-01T00:00:00+08:00' }, 'occurredAt', '发生时间不能晚于现在'],
    ['a description too short', { description: '水' }, 'description', '诉求内容至少需要 2 个字'],
    ['the phone channel (staff only)', { channel: 'phone' }, 'channel', '渠道无效'],
  ])('rejects %s', async (_, overrides, path, message) => {
    const before = await h.database.db.select({ n: sql<number>`count(*)::int` }).from(tickets);
    const res = await api.post('/api/tickets', ticketBody(overrides));
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('VALIDATION');
    expect(res.json.error.details).toEqual(expect.arrayContaining([{ path, message: expect.stringContaining(message) }]));
    const after = await h.database.db.select({ n: sql<number>`count(*)::int` }).from(tickets);
    expect(Number(after[0]!.n)).toBe(Number(before[0]!.n));
  });

  it('takes districts, streets and categories by name as well as by code', async () => {
    const res = await api.post(
      '/api/tickets',
      ticketBody({ category: '水电气暖/停水', location: { district: '东城区', street: '和平街道', address: '和平路 12 号' } }),
      { headers: fromNewClient() },
    );
    expect(res.status, res.text).toBe(201);
    const [row] = await h.database.db.select().from(tickets).where(eq(tickets.ticketNo, res.json.ticketNo));
    expect(row).toMatchObject({ districtCode: 'dongcheng', streetCode: 'dongcheng_heping', categoryCode: 'utilities', subcategoryCode: 'utilities.water_outage' });
    // Short forms, when they name one thing only.
    const short = await api.post('/api/tickets', ticketBody({ category: '停水', location: { district: '东城', street: '和平', address: '和平路 12 号' } }), {
      headers: fromNewClient(),
    });
    expect(short.status, short.text).toBe(201);
  });

  it('names the valid districts and streets when one is unknown', async () => {
    const district = await api.post('/api/tickets', ticketBody({ location: { district: '朝阳区' } }), { headers: fromNewClient() });
    expect(district.status).toBe(400);
    expect(district.json.error.message).toContain('东城区（dongcheng）');
    const street = await api.post('/api/tickets', ticketBody({ location: { district: '东城区', street: '不存在街道' } }), { headers: fromNewClient() });
    expect(street.status).toBe(400);
    expect(street.json.error.message).toContain('和平街道（dongcheng_heping）');
  });

  it('takes a four-character description, asking only where when no place is given', async () => {
    const noPlace = await api.post('/api/tickets', ticketBody({ title: undefined, description: '路灯坏了', category: undefined, location: undefined }), { headers: fromNewClient() });
    expect(noPlace.status).toBe(400);
    expect(noPlace.json.error.details).toEqual([{ path: 'location.district', message: expect.stringContaining('所在区') }]);
    const filed = await api.post('/api/tickets', ticketBody({ title: undefined, description: '路灯坏了', category: undefined }), { headers: fromNewClient() });
    expect(filed.status, filed.text).toBe(201);
  });

  it('accepts a consultation without a place, and an anonymous report', async () => {
    await file({ type: 'consultation', category: 'household_registration.residence_permit', location: undefined });
    const anonymous = await file({ type: 'report', anonymous: true, contact: undefined, confidential: true });
    const [row] = await h.database.db.select().from(tickets).where(eq(tickets.ticketNo, anonymous.ticketNo));
    expect(row).toMatchObject({ anonymous: true, citizenPhone: null, citizenName: null, confidential: true });
  });

  it('refuses what is not JSON', async () => {
    const broken = await api.post('/api/tickets', '{"type": "complaint",', { headers: { 'content-type': 'application/json' } });
    expect(broken.status).toBe(400);
    expect(broken.json.error).toMatchObject({ code: 'VALIDATION' });
    const form = await api.post('/api/tickets', 'type=complaint', { headers: { 'content-type': 'text/plain' } });
    expect(form.status).toBe(415);
    expect(form.json.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });
});

describe('Idempotency-Key', () => {
  const countByKey = async (description: string) =>
    Number((await h.database.db.select({ n: sql<number>`count(*)::int` }).from(tickets).where(eq(tickets.description, description)))[0]!.n);

  it('replays the first response for the same key and body', async () => {
    const body = ticketBody({ description: `幂等测试：连续提交两次只产生一张工单 ${Math.random()}` });
    const first = await api.post('/api/tickets', body, { headers: { 'idempotency-key': 'replay-1' } });
    const second = await api.post('/api/tickets', body, { headers: { 'idempotency-key': 'replay-1' } });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.json).toEqual(first.json);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await countByKey(body.description)).toBe(1);
  });

  it('refuses the same key with a different body (422)', async () => {
    const body = ticketBody({ description: `幂等测试：不同请求体 ${Math.random()}` });
    await api.post('/api/tickets', body, { headers: { 'idempotency-key': 'changed-1' } });
    const res = await api.post('/api/tickets', { ...body, title: '另一个标题' }, { headers: { 'idempotency-key': 'changed-1' } });
    expect(res.status).toBe(422);
    expect(res.json.error.code).toBe('IDEMPOTENCY_MISMATCH');
    // Key order does not make a body different.
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    expect((await api.post('/api/tickets', reordered, { headers: { 'idempotency-key': 'changed-1' } })).status).toBe(201);
  });

  it('creates one ticket when duplicates arrive at once', async () => {
    const body = ticketBody({ description: `幂等测试：并发重复提交 ${Math.random()}` });
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => api.post('/api/tickets', body, { headers: { 'idempotency-key': 'concurrent-1' } })),
    );
    const fresh = responses.filter((r) => r.status === 201 && !r.headers.get('idempotent-replayed'));
    expect(fresh).toHaveLength(1);
    for (const r of responses) {
      expect([201, 409]).toContain(r.status);
      if (r.status === 201) expect(r.json.ticketNo).toBe(fresh[0]!.json.ticketNo);
      else expect(r.json.error.code).toBe('CONFLICT');
    }
    expect(await countByKey(body.description)).toBe(1);
  });

  it('answers 409 while the first request is in flight, and takes over a dead one', async () => {
    const body = ticketBody({ description: `幂等测试：处理中 ${Math.random()}` });
    const { hashRequest } = await import('../../api/src/domain/idempotency/idempotency.ts');
    const now = h.clock.now();
    await h.database.db.insert(idempotencyKeys).values({
      key: 'in-flight-1',
      requestHash: hashRequest('POST /api/tickets', body),
      state: 'in_flight',
      lockedAt: now,
      expiresAt: new Date(now.getTime() + 86_400_000),
    });
    const busy = await api.post('/api/tickets', body, { headers: { 'idempotency-key': 'in-flight-1' } });
    expect(busy.status).toBe(409);
    expect(busy.json.error).toMatchObject({ code: 'CONFLICT', message: '相同的请求正在处理中，请稍候' });
    // Two minutes later the first request is taken to have died (its work rolled back with it).
    h.clock.advance({ minutes: 2 });
    const retried = await api.post('/api/tickets', body, { headers: { 'idempotency-key': 'in-flight-1' } });
    expect(retried.status).toBe(201);
    expect(await countByKey(body.description)).toBe(1);
  });

  it('frees the key when the request fails, so the client can correct and retry', async () => {
    const bad = await api.post('/api/tickets', ticketBody({ location: { district: 'atlantis' } }), { headers: { 'idempotency-key': 'fix-and-retry' } });
    expect(bad.status).toBe(400);
    const good = await api.post('/api/tickets', ticketBody(), { headers: { 'idempotency-key': 'fix-and-retry' } });
    expect(good.status).toBe(201);
    const invalidKey = await api.post('/api/tickets', ticketBody(), { headers: { 'idempotency-key': 'has space' } });
    expect(invalidKey.status).toBe(400);
  });
});

describe('POST /api/tickets/lookup', () => {
  it("shows the citizen's view with personal data masked and a plain-words timeline", async () => {
    h.clock.set('2026-11-23T10:00:00+08:00');
    const { ticketNo, queryCode } = await file({ contact: { name: '欧阳修', phone: '13912345678' } });
    await moveToReply(ticketNo);
    const res = await api.post('/api/tickets/lookup', { ticketNo, queryCode }, { headers: fromNewClient() });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      ticketNo,
      status: 'replied',
      statusLabel: '已答复',
      contact: { anonymous: false, name: '欧**', phone: '139****5678' },
      unit: '示范市自来水有限公司',
      reply: { text: '经现场查看，系管道爆裂导致停水，现已抢修完毕恢复供水。' },
      canRate: true,
      unsatisfiedReopens: true,
    });
    expect(res.json.timeline.map((e: { action: string }) => e.action)).toEqual(['submit', 'accept', 'dispatch', 'sign', 'reply']);
    expect(res.json.timeline[2].text).toBe('已转交 示范市自来水有限公司 办理，办理时限至 2026-11-30 23:59');
    expect(res.text).not.toContain('13912345678');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('answers an unknown number and a wrong code alike', async () => {
    const { ticketNo, queryCode } = await file();
    const wrongCode = await api.post('/api/tickets/lookup', { ticketNo, queryCode: queryCode === '00000000' ? '11111111' : '00000000' }, { headers: fromNewClient() });
    const unknown = await api.post('/api/tickets/lookup', { ticketNo: '209901010001', queryCode }, { headers: fromNewClient() });
    expect(wrongCode.status).toBe(404);
    expect(unknown.status).toBe(404);
    const strip = (r: typeof wrongCode) => ({ ...r.json.error, requestId: undefined });
    expect(strip(wrongCode)).toEqual(strip(unknown));
    expect(strip(unknown)).toEqual({ code: 'NOT_FOUND', message: '工单编号或查询码不正确，请核对后重试', requestId: undefined });
  });

  it('stops a client after repeated misses, even with the right code, and makes guessing the ticket from elsewhere cost work', async () => {
    const { ticketNo, queryCode } = await file();
    const attacker = fromNewClient();
    for (let i = 0; i < 3; i++) {
      const miss = await api.post('/api/tickets/lookup', { ticketNo, queryCode: String(10_000_000 + i) }, { headers: attacker });
      expect(miss.status).toBe(404);
    }
    // Three misses on this ticket: from now on every attempt on it needs a proof of work (issue 17: never a lockout).
    const asked = await api.post('/api/tickets/lookup', { ticketNo, queryCode }, { headers: fromNewClient() });
    expect(asked.status).toBe(429);
    expect(asked.json.error.details.pow).toMatchObject({ bits: 16 });
    const other = await file();
    for (let i = 0; i < 7; i++) {
      const miss = await api.post('/api/tickets/lookup', { ticketNo: other.ticketNo, queryCode: String(20_000_000 + i) }, { headers: attacker });
      expect(miss.status).toBe(i < 3 ? 404 : 429);
    }
    // Other tickets stay reachable for other clients.
    const third = await file();
    expect((await api.post('/api/tickets/lookup', third, { headers: fromNewClient() })).status).toBe(200);
    // After the window the owner gets in again without work.
    h.clock.advance({ hours: 1, minutes: 1 });
    expect((await api.post('/api/tickets/lookup', { ticketNo, queryCode }, { headers: fromNewClient() })).status).toBe(200);
  });

  it('takes the query code only in the body', async () => {
    const { ticketNo, queryCode } = await file();
    const res = await api.get(`/api/tickets/lookup?ticketNo=${ticketNo}&queryCode=${queryCode}`);
    expect(res.status).toBe(404);
    const malformed = await api.post('/api/tickets/lookup', { ticketNo: 'abc', queryCode: '12' }, { headers: fromNewClient() });
    expect(malformed.status).toBe(400);
    expect(malformed.json.error.details.map((d: { path: string }) => d.path)).toEqual(['ticketNo', 'queryCode']);
  });
});

describe('POST /api/tickets/{ticketNo}/rating', () => {
  const happy = { processSatisfaction: 'satisfied', resultSatisfaction: 'basically_satisfied', resolved: true, comment: '处理很及时' };

  it('is refused before the reply, accepted once after it', async () => {
    const { ticketNo, queryCode } = await file();
    const early = await api.post(`/api/tickets/${ticketNo}/rating`, { queryCode, ...happy }, { headers: fromNewClient() });
    expect(early.status).toBe(409);
    expect(early.json.error.message).toBe('工单尚未答复，暂不能评价');
    await moveToReply(ticketNo);
    const rated = await api.post(`/api/tickets/${ticketNo}/rating`, { queryCode, ...happy }, { headers: fromNewClient() });
    expect(rated.status).toBe(200);
    expect(rated.json).toMatchObject({ status: 'closed', canRate: false, rating: { processSatisfaction: 'satisfied', resolved: true, comment: '处理很及时' } });
    const again = await api.post(`/api/tickets/${ticketNo}/rating`, { queryCode, ...happy }, { headers: fromNewClient() });
    expect(again.status).toBe(409);
    expect(again.json.error.message).toBe('该工单已评价，感谢您的反馈');
  });

  it('reopens the ticket when the citizen is unsatisfied', async () => {
    const { ticketNo, queryCode } = await file();
    await moveToReply(ticketNo);
    const res = await api.post(
      `/api/tickets/${ticketNo}/rating`,
      { queryCode, processSatisfaction: 'basically_satisfied', resultSatisfaction: 'unsatisfied', resolved: false, comment: '还是没水' },
      { headers: fromNewClient() },
    );
    expect(res.status).toBe(200);
    expect(res.json.status).toBe('in_progress');
    expect(res.json.timeline.at(-1).text).toBe('您对办理结果不满意，工单已重新办理');

    // The second reply waits for its own rating; the first keeps the one it got.
    const second = await api.post(`/api/staff/tickets/${ticketNo}/reply`, { reply: '已更换老化水管，供水恢复正常。' }, { token: water.token });
    expect(second.status, second.text).toBe(200);
    const view = await api.post('/api/tickets/lookup', { ticketNo, queryCode }, { headers: fromNewClient() });
    expect(view.json.rating).toBeNull();
    expect(view.json.reply.text).toBe('已更换老化水管，供水恢复正常。');
    expect(view.json.rounds).toHaveLength(2);
    expect(view.json.rounds[0]).toMatchObject({ reply: { text: expect.stringContaining('管道爆裂') }, rating: { resultSatisfaction: 'unsatisfied', comment: '还是没水' } });
    expect(view.json.rounds[1]).toMatchObject({ reply: { text: '已更换老化水管，供水恢复正常。' }, rating: null, unit: '示范市自来水有限公司' });
  });

  it('needs the right code and a complete rating', async () => {
    const { ticketNo, queryCode } = await file();
    await moveToReply(ticketNo);
    const wrong = await api.post(`/api/tickets/${ticketNo}/rating`, { ...happy, queryCode: queryCode.split('').reverse().join('') === queryCode ? '12345678' : queryCode.split('').reverse().join('') }, { headers: fromNewClient() });
    expect(wrong.status).toBe(404);
    const incomplete = await api.post(`/api/tickets/${ticketNo}/rating`, { queryCode, processSatisfaction: 'great' }, { headers: fromNewClient() });
    expect(incomplete.status).toBe(400);
    expect(incomplete.json.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['processSatisfaction', 'resolved', 'resultSatisfaction']);
  });
});

describe('POST /api/tickets/{ticketNo}/attachments', () => {
  const upload = (ticketNo: string, queryCode: string, bytes: Uint8Array, name = 'photo.jpg', type = 'image/jpeg') => {
    const form = new FormData();
    form.set('queryCode', queryCode);
    form.set('file', new File([bytes], name, { type }));
    return h.app.request(`/api/tickets/${ticketNo}/attachments`, { method: 'POST', body: form, headers: fromNewClient() });
  };

  it('stores a re-encoded JPEG without the EXIF and GPS data of the upload', async () => {
    const { ticketNo, queryCode } = await file();
    const withGps = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3366cc' } })
      .jpeg()
      .withExif({ IFD0: { Make: 'PhoneMaker', Model: 'X1' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '39/1 54/1 0/1' } })
      .toBuffer();
    expect((await sharp(withGps).metadata()).exif).toBeDefined();
    const res = await upload(ticketNo, queryCode, withGps);
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: string; width: number; height: number };
    expect(body).toMatchObject({ width: 64, height: 48 });
    const [stored] = await h.database.db.select().from(attachments).where(eq(attachments.id, body.id));
    const meta = await sharp(stored!.content).metadata();
    expect(meta.format).toBe('jpeg');
    expect(meta.exif).toBeUndefined();
    expect(stored!.content.includes(Buffer.from('PhoneMaker'))).toBe(false);
  });

  it('accepts a PNG and turns it into JPEG', async () => {
    const { ticketNo, queryCode } = await file();
    const res = await upload(ticketNo, queryCode, TINY_PNG, 'a.png', 'image/png');
    expect(res.status).toBe(201);
  });

  it('judges by the bytes, not the name', async () => {
    const { ticketNo, queryCode } = await file();
    const text = await upload(ticketNo, queryCode, new TextEncoder().encode('<script>alert(1)</script>'), 'photo.jpg', 'image/jpeg');
    expect(text.status).toBe(415);
    expect(((await text.json()) as { error: { message: string } }).error.message).toBe('只能上传图片（JPEG、PNG、WebP 或 GIF）');
    const heic = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic'), Buffer.alloc(32)]);
    const heicRes = await upload(ticketNo, queryCode, heic, 'IMG_0001.HEIC', 'image/heic');
    expect(heicRes.status).toBe(415);
    expect(((await heicRes.json()) as { error: { message: string } }).error.message).toMatch(/HEIC/);
    const broken = await upload(ticketNo, queryCode, Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(100, 7)]));
    expect(broken.status).toBe(400);
  });

  it('enforces size, pixel and count limits', async () => {
    const { ticketNo, queryCode } = await file();
    const big = Buffer.concat([TINY_PNG, Buffer.alloc(11 * 1024 * 1024)]);
    expect((await upload(ticketNo, queryCode, big, 'big.png', 'image/png')).status).toBe(413);
    const huge = await sharp({ create: { width: 9000, height: 9000, channels: 3, background: '#ffffff' } }).png({ compressionLevel: 9 }).toBuffer();
    const hugeRes = await upload(ticketNo, queryCode, huge, 'huge.png', 'image/png');
    expect(hugeRes.status).toBe(413);
    for (let i = 0; i < 6; i++) expect((await upload(ticketNo, queryCode, TINY_PNG, 'a.png', 'image/png')).status).toBe(201);
    const seventh = await upload(ticketNo, queryCode, TINY_PNG, 'a.png', 'image/png');
    expect(seventh.status).toBe(409);
    const count = await h.database.db.select({ n: sql<number>`count(*)::int` }).from(attachments).innerJoin(tickets, eq(tickets.id, attachments.ticketId)).where(eq(tickets.ticketNo, ticketNo));
    expect(Number(count[0]!.n)).toBe(6);
  });

  it('needs the query code', async () => {
    const { ticketNo } = await file();
    expect((await upload(ticketNo, '99999999', TINY_PNG)).status).toBe(404);
  });
});
