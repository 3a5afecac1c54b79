import { calendarOverrides, routingRules, settings as settingsTable, units } from '@hotline/db';
import { asc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { addDays, isLocalDay, localDayOf, weekdayOf } from '../calendar/local-time.ts';
import { officialYears } from '../calendar/working-calendar.ts';
import type { DomainContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { recordAudit } from '../admin/audit.ts';
import { requireRole, requireStaff } from '../tickets/internal.ts';
import { CalendarSettings, MailboxSettings, ScorecardSettings, type SettingKey, TimeLimitSettings, WorkflowSettings } from './settings.ts';

export const CalendarOverrideInput = z.object({
  workingDay: z.boolean({ error: '请说明当天是否上班' }),
  note: z.string().trim().min(1, '请写明原因，如“2027 年春节调休上班”').max(100),
});

export const LocalDayParam = z.string().refine(isLocalDay, '日期格式应为 YYYY-MM-DD');

/** 工作日历 of a year: every day that is not a plain weekday or weekend, and where the rule comes from. */
export async function describeYear(ctx: DomainContext, year: number) {
  requireStaff(ctx.actor);
  const special = [];
  for (let day = `${year}-01-01`; day.startsWith(String(year)); day = addDays(day, 1)) {
    const info = ctx.rules.calendar.describe(day);
    if (info.source !== 'weekday') special.push(info);
  }
  const covered = officialYears().includes(year);
  return {
    year,
    officialScheduleIncluded: covered,
    note: covered
      ? '本年度放假调休安排来自国务院办公厅通知（chinese-days 数据包）'
      : '数据包尚未收录本年度放假安排：已按法定节日推算假日，调休上班日需在此录入',
    days: special,
  };
}

export async function putCalendarOverride(ctx: DomainContext, day: string, input: z.infer<typeof CalendarOverrideInput>) {
  const staff = requireRole(ctx.actor, ['admin'], '维护工作日历');
  const now = ctx.now();
  const before = ctx.rules.calendar.describe(day);
  await ctx.db.transaction(async (tx) => {
    await tx
      .insert(calendarOverrides)
      .values({ day, workingDay: input.workingDay, note: input.note, updatedAt: now })
      .onConflictDoUpdate({ target: calendarOverrides.day, set: { workingDay: input.workingDay, note: input.note, updatedAt: now } });
    await recordAudit(tx, staff, now, {
      subject: 'calendar',
      subjectId: day,
      action: input.workingDay ? 'set_working' : 'set_day_off',
      summary: `${day} 设为${input.workingDay ? '工作日' : '休息日'}：${input.note}`,
      before: { workingDay: before.workingDay, source: before.source, name: before.name },
      after: input,
    });
  });
  return { day, ...input };
}

export async function deleteCalendarOverride(ctx: DomainContext, day: string) {
  const staff = requireRole(ctx.actor, ['admin'], '维护工作日历');
  await ctx.db.transaction(async (tx) => {
    const [deleted] = await tx.delete(calendarOverrides).where(eq(calendarOverrides.day, day)).returning();
    if (!deleted) throw notFound(`${day} 没有自定义设置`);
    await recordAudit(tx, staff, ctx.now(), {
      subject: 'calendar',
      subjectId: day,
      action: 'clear',
      summary: `${day} 取消自定义设置，恢复国家日历`,
      before: { workingDay: deleted.workingDay, note: deleted.note },
    });
  });
}

export const SETTING_SCHEMAS = {
  timeLimits: TimeLimitSettings,
  workflow: WorkflowSettings,
  calendar: CalendarSettings,
  mailbox: MailboxSettings,
  scorecard: ScorecardSettings,
} as const satisfies Record<SettingKey, z.ZodType>;

const SETTING_NAMES: Record<SettingKey, string> = { timeLimits: '办理时限', workflow: '流程规则', calendar: '工作时间', mailbox: '市长信箱收信人', scorecard: '单位考核权重' };

export async function putSetting(ctx: DomainContext, key: SettingKey, value: unknown) {
  const staff = requireRole(ctx.actor, ['admin'], '修改规则');
  const parsed = SETTING_SCHEMAS[key].parse(value);
  const before = ctx.rules.settings[key];
  await ctx.db.transaction(async (tx) => {
    await tx
      .insert(settingsTable)
      .values({ key, value: parsed, updatedAt: ctx.now(), updatedBy: staff.id })
      .onConflictDoUpdate({ target: settingsTable.key, set: { value: parsed, updatedAt: ctx.now(), updatedBy: staff.id } });
    await recordAudit(tx, staff, ctx.now(), { subject: 'setting', subjectId: key, action: 'update', summary: `修改${SETTING_NAMES[key]}`, before, after: parsed });
  });
  return parsed;
}

export async function listUnits(ctx: DomainContext) {
  requireStaff(ctx.actor);
  return ctx.db.select().from(units).orderBy(asc(units.kind), asc(units.name));
}

export async function listRoutingRules(ctx: DomainContext) {
  requireRole(ctx.actor, ['dispatcher', 'supervisor', 'admin'], '查看派单规则');
  return ctx.db.select().from(routingRules).orderBy(asc(routingRules.categoryCode), sql`${routingRules.subcategoryCode} nulls first`, sql`${routingRules.districtCode} nulls first`);
}

export const UpcomingQuery = z.object({
  from: LocalDayParam.optional(),
  days: z.coerce.number().int('天数应为整数').min(1, '天数至少为 1').max(366, '一次最多 366 天').default(60),
});

/**
 * The next days of the working calendar (default 60 from today, Beijing
 * time), every day with whether it is worked and why: what an administrator
 * checks before and after marking a day off or on.
 */
export async function upcomingDays(ctx: DomainContext, query: z.infer<typeof UpcomingQuery>) {
  requireStaff(ctx.actor);
  const from = query.from ?? localDayOf(ctx.now());
  const overrides = new Map((await ctx.db.select().from(calendarOverrides)).map((o) => [o.day, o]));
  const days = [];
  for (let i = 0, day = from; i < query.days; i++, day = addDays(day, 1)) {
    const info = ctx.rules.calendar.describe(day);
    const override = overrides.get(day);
    days.push({ ...info, weekday: weekdayOf(day), overrideUpdatedAt: override?.updatedAt.toISOString() ?? null });
  }
  return { from, days };
}
