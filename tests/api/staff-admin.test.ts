import { adminAuditLog, staffAccounts, staffSessions } from '@hotline/db';
import { and, eq, ne } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketBody } from '../support/factories.ts';
import { createHarness, createStaff, type Harness, type TestStaff } from '../support/harness.ts';

// Administration: accounts (create, change, disable, reset password), units,
// routing rules, settings and the working calendar, each change written to
// the administration record in the same transaction.

let h: Harness;
let admin: TestStaff, dispatcher: TestStaff;

/** Requests with a raw bearer token: no automatic re-login, so a session that ended stays ended. */
async function call(method: string, path: string, token: string, body?: unknown) {
  const res = await h.app.request(path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined, text };
}
async function login(username: string, password: string) {
  const res = await h.app.request('/api/staff/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': '10.77.0.1' },
    body: JSON.stringify({ username, password }),
  });
  return { status: res.status, json: (await res.json()) as { token: string; error?: { message: string } } };
}
async function file(overrides: Record<string, unknown> = {}) {
  const res = await h.app.request('/api/tickets', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ticketBody(overrides)) });
  expect(res.status).toBe(201);
  return ((await res.json()) as { ticketNo: string }).ticketNo;
}
const audit = async (subject: string, subjectId: string) => (await call('GET', `/api/staff/admin/audit?subject=${subject}&subjectId=${subjectId}`, admin.token)).json as { action: string; summary: string; actorName: string; before: any; after: any }[];

beforeAll(async () => {
  h = await createHarness();
  [admin, dispatcher] = await Promise.all([createStaff(h, 'admin'), createStaff(h, 'dispatcher')]);
});
afterAll(() => h.close());

describe('staff accounts', () => {
  it('creates an account that can log in, and disabling it ends its sessions at once', async () => {
    const created = await call('POST', '/api/staff/admin/accounts', admin.token, {
      username: 'wangfang',
      displayName: '王芳',
      role: 'operator',
      password: 'Hotline-2026-start',
    });
    expect(created.status, created.text).toBe(201);
    const id = created.json.id as string;
    const first = await login('wangfang', 'Hotline-2026-start');
    expect(first.status).toBe(200);
    expect((await call('GET', '/api/staff/me', first.json.token)).status).toBe(200);

    const disabled = await call('PATCH', `/api/staff/admin/accounts/${id}`, admin.token, { active: false });
    expect(disabled.status, disabled.text).toBe(200);
    expect(disabled.json.active).toBe(false);
    expect((await call('GET', '/api/staff/me', first.json.token)).status).toBe(401);
    expect(await h.database.db.select().from(staffSessions).where(eq(staffSessions.staffId, id))).toEqual([]);
    expect((await login('wangfang', 'Hotline-2026-start')).status).toBe(401);

    const record = await audit('account', id);
    expect(record.map((r) => r.action)).toEqual(['disable', 'create']);
    expect(record[0]!.before.active).toBe(true);
    expect(record[0]!.after.active).toBe(false);
    expect(record[0]!.actorName).toContain(admin.username);
    // The record never carries a password or its hash.
    expect(JSON.stringify(record)).not.toMatch(/Hotline-2026-start|passwordHash|scrypt|argon/);

    expect((await call('PATCH', `/api/staff/admin/accounts/${id}`, admin.token, { active: true })).status).toBe(200);
    expect((await login('wangfang', 'Hotline-2026-start')).status).toBe(200);
  });

  it('resets a password: the old one and every session stop working, the new one works', async () => {
    const user = await createStaff(h, 'operator');
    const own = await login(user.username, user.password);
    const res = await call('POST', `/api/staff/admin/accounts/${user.id}/password`, admin.token, { password: 'Reset-Pass-2026x' });
    expect(res.status, res.text).toBe(200);
    expect((await call('GET', '/api/staff/me', own.json.token)).status).toBe(401);
    expect((await login(user.username, user.password)).status).toBe(401);
    expect((await login(user.username, 'Reset-Pass-2026x')).status).toBe(200);
    const [last] = await audit('account', user.id);
    expect(last!.action).toBe('reset_password');
    expect(JSON.stringify(last)).not.toContain('Reset-Pass-2026x');
  });

  it('changes role and unit with field errors in Chinese for what cannot be', async () => {
    const user = await createStaff(h, 'operator');
    const noUnit = await call('PATCH', `/api/staff/admin/accounts/${user.id}`, admin.token, { role: 'unit_handler' });
    expect(noUnit.status).toBe(400);
    expect(noUnit.json.error.details).toEqual([{ path: 'unitId', message: '承办单位账号必须指定所属单位' }]);
    const badUnit = await call('PATCH', `/api/staff/admin/accounts/${user.id}`, admin.token, { role: 'unit_handler', unitId: 'no_such_unit' });
    expect(badUnit.status).toBe(400);
    expect(badUnit.json.error.details[0].path).toBe('unitId');
    const moved = await call('PATCH', `/api/staff/admin/accounts/${user.id}`, admin.token, { role: 'unit_handler', unitId: 'util_water' });
    expect(moved.status, moved.text).toBe(200);
    expect(moved.json).toMatchObject({ role: 'unit_handler', unitId: 'util_water', roleLabel: '承办单位' });
    // The change applies to the running session: it now sees the water company's queues.
    const me = await call('GET', '/api/staff/me', (await login(user.username, user.password)).json.token);
    expect(me.json).toMatchObject({ role: 'unit_handler', unitId: 'util_water' });
    // Back to a hotline role: the unit goes with it.
    const back = await call('PATCH', `/api/staff/admin/accounts/${user.id}`, admin.token, { role: 'dispatcher' });
    expect(back.json).toMatchObject({ role: 'dispatcher', unitId: null });
    const empty = await call('PATCH', `/api/staff/admin/accounts/${user.id}`, admin.token, {});
    expect(empty.status).toBe(400);
    expect(empty.json.error.message).toBe('没有要修改的内容');
  });

  it('never leaves the office without an active administrator', async () => {
    const other = await createStaff(h, 'admin');
    // Only `admin` and `other` are active administrators from here on.
    const rest = await h.database.db
      .select({ id: staffAccounts.id })
      .from(staffAccounts)
      .where(and(eq(staffAccounts.role, 'admin'), eq(staffAccounts.active, true), ne(staffAccounts.id, admin.id), ne(staffAccounts.id, other.id)));
    for (const r of rest) expect((await call('PATCH', `/api/staff/admin/accounts/${r.id}`, admin.token, { active: false })).status).toBe(200);

    expect((await call('PATCH', `/api/staff/admin/accounts/${other.id}`, admin.token, { role: 'supervisor' })).status).toBe(200);
    const self = await call('PATCH', `/api/staff/admin/accounts/${admin.id}`, admin.token, { active: false });
    expect(self.status).toBe(409);
    expect(self.json.error.code).toBe('CONFLICT');
    expect(self.json.error.message).toContain('至少保留一名在用的管理员');
    expect(self.json.error.details[0].path).toBe('active');
    const demote = await call('PATCH', `/api/staff/admin/accounts/${admin.id}`, admin.token, { role: 'operator' });
    expect(demote.status).toBe(409);
    expect(demote.json.error.details[0].path).toBe('role');
    const [row] = await h.database.db.select().from(staffAccounts).where(eq(staffAccounts.id, admin.id));
    expect(row).toMatchObject({ role: 'admin', active: true });
    // With a second administrator back, stepping down is allowed (and then reverted by the other one).
    const otherToken = (await login(other.username, other.password)).json.token;
    expect((await call('PATCH', `/api/staff/admin/accounts/${other.id}`, admin.token, { role: 'admin' })).status).toBe(200);
    expect((await call('PATCH', `/api/staff/admin/accounts/${admin.id}`, admin.token, { role: 'supervisor' })).status).toBe(200);
    expect((await call('PATCH', `/api/staff/admin/accounts/${admin.id}`, otherToken, { role: 'admin' })).status).toBe(200);
  });

  it('is closed to every other role', async () => {
    for (const [method, path, body] of [
      ['GET', '/api/staff/admin/accounts', undefined],
      ['PATCH', `/api/staff/admin/accounts/${admin.id}`, { active: false }],
      ['POST', `/api/staff/admin/accounts/${admin.id}/password`, { password: 'Whatever-2026-x' }],
      ['PUT', '/api/staff/admin/routing-rules', { categoryCode: 'utilities', leadUnitId: 'util_water' }],
      ['GET', '/api/staff/admin/audit', undefined],
      ['PATCH', '/api/staff/admin/units/util_water', { active: false }],
    ] as const) {
      const res = await call(method, path, dispatcher.token, body);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.json.error.code).toBe('FORBIDDEN');
    }
    expect((await call('GET', '/api/staff/admin/audit', 'not-a-session')).status).toBe(401);
  });
});

describe('units', () => {
  it('creates, renames and stops a unit; a unit routing rules still use cannot be stopped', async () => {
    const created = await call('POST', '/api/staff/admin/units', admin.token, { id: 'test_bureau', name: '示范市测试局', kind: 'bureau' });
    expect(created.status, created.text).toBe(201);
    const renamed = await call('PATCH', '/api/staff/admin/units/test_bureau', admin.token, { name: '示范市试点局' });
    expect(renamed.json.name).toBe('示范市试点局');
    const dup = await call('PATCH', '/api/staff/admin/units/test_bureau', admin.token, { name: '示范市试点局 ' });
    expect(dup.status).toBe(200);
    const busy = await call('PATCH', '/api/staff/admin/units/util_water', admin.token, { active: false });
    expect(busy.status).toBe(409);
    expect(busy.json.error.message).toMatch(/仍有 \d+ 条派单规则/);
    const stopped = await call('PATCH', '/api/staff/admin/units/test_bureau', admin.token, { active: false });
    expect(stopped.json.active).toBe(false);
    expect((await audit('unit', 'test_bureau')).map((r) => r.action)).toEqual(['disable', 'update', 'create']);
    // A stopped unit takes no new accounts.
    const user = await call('POST', '/api/staff/admin/accounts', admin.token, { username: 'liuqiang', displayName: '刘强', role: 'operator', password: 'Hotline-2026-start' });
    const toStopped = await call('PATCH', `/api/staff/admin/accounts/${user.json.id}`, admin.token, { role: 'unit_handler', unitId: 'test_bureau' });
    expect(toStopped.status).toBe(400);
    expect(toStopped.json.error.details[0]).toEqual({ path: 'unitId', message: '该单位已停用，不能再分配账号' });
  });
});

describe('routing rules', () => {
  it('saves a rule that the dispatcher’s suggestion then follows, replaces it, and deletes it', async () => {
    const rule = { categoryCode: 'education', districtCode: null, subcategoryCode: null, leadUnitId: 'util_water', coUnitIds: [], note: '测试：教育类先派给供水公司' };
    const saved = await call('PUT', '/api/staff/admin/routing-rules', admin.token, rule);
    expect(saved.status, saved.text).toBe(200);
    const ruleId = saved.json.id as number;
    const ticketNo = await file({ category: 'education' });
    const detail = await call('GET', `/api/staff/tickets/${ticketNo}`, dispatcher.token);
    expect(JSON.stringify(detail.json)).toContain('util_water');

    const replaced = await call('PUT', '/api/staff/admin/routing-rules', admin.token, { ...rule, leadUnitId: 'util_power' });
    expect(replaced.json).toMatchObject({ id: ruleId, leadUnitId: 'util_power', created: false });
    const record = await audit('routing_rule', String(ruleId));
    expect(record[0]).toMatchObject({ action: 'update', before: { leadUnitId: 'util_water' }, after: { leadUnitId: 'util_power' } });

    expect((await call('DELETE', `/api/staff/admin/routing-rules/${ruleId}`, admin.token)).status).toBe(204);
    expect((await call('DELETE', `/api/staff/admin/routing-rules/${ruleId}`, admin.token)).status).toBe(404);
  });

  it('refuses a rule that points nowhere, field by field', async () => {
    const res = await call('PUT', '/api/staff/admin/routing-rules', admin.token, { categoryCode: 'utilities', subcategoryCode: 'education', leadUnitId: 'nobody' });
    expect(res.status).toBe(400);
    expect(res.json.error.details).toEqual([
      { path: 'subcategoryCode', message: '二级分类不属于所选的一级分类' },
      { path: 'leadUnitId', message: '单位「nobody」不存在' },
    ]);
    const none = await call('PUT', '/api/staff/admin/routing-rules', admin.token, { categoryCode: 'utilities' });
    expect(none.json.error.details).toEqual([{ path: 'leadUnitId', message: '请选择主办单位，或选择由属地主办' }]);
  });
});

describe('settings and calendar', () => {
  it('changes a time limit with a record of before and after; a bad value gets a Chinese message at its field', async () => {
    const current = (await call('GET', '/api/staff/admin/settings', admin.token)).json;
    const bad = await call('PUT', '/api/staff/admin/settings/timeLimits', admin.token, { ...current.timeLimits, replyWorkingDays: { ...current.timeLimits.replyWorkingDays, complaint: 0 } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details).toEqual([{ path: 'replyWorkingDays.complaint', message: '至少为 1' }]);
    const good = await call('PUT', '/api/staff/admin/settings/timeLimits', admin.token, { ...current.timeLimits, replyWorkingDays: { ...current.timeLimits.replyWorkingDays, complaint: 4 } });
    expect(good.status, good.text).toBe(200);
    const [last] = await audit('setting', 'timeLimits');
    expect(last!.before.replyWorkingDays.complaint).toBe(5);
    expect(last!.after.replyWorkingDays.complaint).toBe(4);
    expect(last!.summary).toBe('修改办理时限');
  });

  it('marks a day off and on: the next 60 days show it, and a due time already set stays as it was', async () => {
    const ticketNo = await file();
    const accepted = await call('POST', `/api/staff/tickets/${ticketNo}/accept`, dispatcher.token, {});
    expect(accepted.status, accepted.text).toBe(200);
    const dispatched = await call('POST', `/api/staff/tickets/${ticketNo}/dispatch`, dispatcher.token, { leadUnitId: 'util_water' });
    expect(dispatched.status, dispatched.text).toBe(200);
    const dueBefore = (await call('GET', `/api/staff/tickets/${ticketNo}`, dispatcher.token)).json.dueAt;
    expect(dueBefore).toBeTruthy();

    const upcoming = (await call('GET', '/api/staff/admin/calendar', admin.token)).json as { from: string; days: { day: string; workingDay: boolean; source: string }[] };
    expect(upcoming.days).toHaveLength(60);
    const target = upcoming.days.find((d, i) => i > 0 && d.workingDay)!;
    const off = await call('PUT', `/api/staff/admin/calendar/${target.day}`, admin.token, { workingDay: false, note: '台风停工' });
    expect(off.status, off.text).toBe(200);
    const after = (await call('GET', `/api/staff/admin/calendar?from=${upcoming.from}&days=60`, admin.token)).json as typeof upcoming;
    expect(after.days.find((d) => d.day === target.day)).toMatchObject({ workingDay: false, source: 'override', name: '台风停工' });
    expect((await call('GET', `/api/staff/tickets/${ticketNo}`, dispatcher.token)).json.dueAt).toBe(dueBefore);
    const [record] = await audit('calendar', target.day);
    expect(record).toMatchObject({ action: 'set_day_off', before: { workingDay: true }, after: { workingDay: false, note: '台风停工' } });

    expect((await call('DELETE', `/api/staff/admin/calendar/${target.day}`, admin.token)).status).toBe(204);
    const restored = (await call('GET', `/api/staff/admin/calendar?from=${target.day}&days=1`, admin.token)).json as typeof upcoming;
    expect(restored.days[0]!.workingDay).toBe(true);
    expect((await audit('calendar', target.day)).map((r) => r.action)).toEqual(['clear', 'set_day_off']);

    const bad = await call('PUT', '/api/staff/admin/calendar/2027-02-30', admin.token, { workingDay: false, note: 'x' });
    expect(bad.status).toBe(400);
    const noNote = await call('PUT', `/api/staff/admin/calendar/${target.day}`, admin.token, { workingDay: false, note: ' ' });
    expect(noNote.json.error.details[0]).toMatchObject({ path: 'note' });
  });

  it('keeps each record in one transaction with its change', async () => {
    const rows = await h.database.db.select().from(adminAuditLog);
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.every((r) => r.actorId && r.actorName && r.summary)).toBe(true);
  });
});
