import { calendarOverrides, routingRules, settings as settingsTable, units } from '@hotline/db';
import { asc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { addDays, isLocalDay } from '../calendar/local-time.ts';
import { officialYears } from '../calendar/working-calendar.ts';
import type { DomainContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { requireRole, requireStaff } from '../tickets/internal.ts';
import { CalendarSettings, MailboxSettings, type SettingKey, TimeLimitSettings, WorkflowSettings } from './settings.ts';

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
  requireRole(ctx.actor, ['admin'], '维护工作日历');
  const now = ctx.now();
  await ctx.db
    .insert(calendarOverrides)
    .values({ day, workingDay: input.workingDay, note: input.note, updatedAt: now })
    .onConflictDoUpdate({ target: calendarOverrides.day, set: { workingDay: input.workingDay, note: input.note, updatedAt: now } });
  return { day, ...input };
}

export async function deleteCalendarOverride(ctx: DomainContext, day: string) {
  requireRole(ctx.actor, ['admin'], '维护工作日历');
  const deleted = await ctx.db.delete(calendarOverrides).where(eq(calendarOverrides.day, day)).returning();
  if (deleted.length === 0) throw notFound(`${day} 没有自定义设置`);
}

export const SETTING_SCHEMAS = {
  timeLimits: TimeLimitSettings,
  workflow: WorkflowSettings,
  calendar: CalendarSettings,
  mailbox: MailboxSettings,
} as const satisfies Record<SettingKey, z.ZodType>;

export async function putSetting(ctx: DomainContext, key: SettingKey, value: unknown) {
  const staff = requireRole(ctx.actor, ['admin'], '修改规则');
  const parsed = SETTING_SCHEMAS[key].parse(value);
  await ctx.db
    .insert(settingsTable)
    .values({ key, value: parsed, updatedAt: ctx.now(), updatedBy: staff.id })
    .onConflictDoUpdate({ target: settingsTable.key, set: { value: parsed, updatedAt: ctx.now(), updatedBy: staff.id } });
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
