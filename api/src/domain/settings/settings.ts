import { z } from 'zod';
import { REQUEST_TYPES } from '@hotline/db';

const positiveInt = z.number({ error: '请填写数字' }).int('请填写整数').min(1, '至少为 1');

/** Time limits (办理时限). Defaults follow DESIGN.md; every value is configurable. */
export const TimeLimitSettings = z.object({
  replyWorkingDays: z
    .object(Object.fromEntries(REQUEST_TYPES.map((type) => [type, positiveInt])) as Record<(typeof REQUEST_TYPES)[number], typeof positiveInt>)
    .default({ complaint: 5, report: 5, help: 5, consultation: 2, suggestion: 10, praise: 10 }),
  /** Per category (first or second level), optionally per type; the most specific wins over the type default. */
  categoryReplyWorkingDays: z
    .array(z.object({ category: z.string().min(1), type: z.enum(REQUEST_TYPES).optional(), workingDays: positiveInt }))
    .default([]),
  urgentReplyWorkingDays: positiveInt.default(2),
  urgentContactMinutes: positiveInt.default(30),
  urgentOnSiteMinutes: positiveInt.default(60),
  signWorkingHours: z.number({ error: '请填写数字' }).positive('须大于 0').max(24, '不超过 24 小时').default(2),
  acceptMinutesLifeOrProperty: positiveInt.default(15),
  acceptMinutesUtilityOutage: positiveInt.default(30),
  acceptWorkingDays: positiveInt.default(1),
  mailboxAckHours: positiveInt.default(24),
  /** Second-level categories that count as water, power, gas or heating outages. */
  utilityOutageCategories: z
    .array(z.string())
    .default(['utilities.water_outage', 'utilities.power_outage', 'utilities.gas_outage', 'utilities.heating_outage']),
  dueSoonHours: positiveInt.default(24),
});
export type TimeLimitSettings = z.infer<typeof TimeLimitSettings>;

export const WorkflowSettings = z.object({
  /** A unit may return a ticket within this many working days after dispatch. */
  returnWindowWorkingDays: positiveInt.default(1),
  /** After this many returns only a supervisor may approve another. */
  returnLimit: positiveInt.default(2),
  /** How many times an unsatisfied citizen may reopen a ticket. */
  reopenLimit: z.number({ error: '请填写数字' }).int('请填写整数').min(0, '不能小于 0').default(1),
  /** Days after a reply during which an unsatisfied rating reopens the ticket. */
  reopenWindowDays: positiveInt.default(7),
  /** An unrated reply closes by itself after this many days. */
  autoCloseDays: positiveInt.default(7),
  /**
   * 100% 回访: a reply closes with a rating (the citizen's own or taken by
   * phone), or as 联系不上 after this many failed callback attempts…
   */
  callbackAttempts: positiveInt.default(3),
  /** …made on at least this many different days (Beijing time). */
  callbackAttemptDays: positiveInt.default(2),
});
export type WorkflowSettings = z.infer<typeof WorkflowSettings>;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, '时间格式应为 HH:mm');

export const CalendarSettings = z.object({
  /** Office hours on working days (Beijing time), for limits counted in working hours. */
  workingHours: z
    .array(z.object({ start: hhmm, end: hhmm }).refine((p) => p.start < p.end, '结束时间须晚于开始时间'))
    .min(1)
    .default([
      { start: '09:00', end: '12:00' },
      { start: '13:30', end: '17:30' },
    ]),
});
export type CalendarSettings = z.infer<typeof CalendarSettings>;

/** 市长信箱: whom citizens may address a letter to. */
export const MailboxSettings = z.object({
  addressees: z
    .array(
      z.preprocess(
        // Settings stored before addressees had a scope: the demo's 区长 keeps its meaning.
        (a) => (a && typeof a === 'object' && !('scope' in a) && (a as { code?: unknown }).code === 'district_head' ? { ...a, scope: 'district' } : a),
        z.object({
          code: z.string().regex(/^[a-z][a-z0-9_]{1,31}$/),
          label: z.string().min(1).max(20),
          /** `district`: a district's leader (区长): the letter names the district and goes to its government. */
          scope: z.enum(['city', 'district']).default('city'),
        }),
      ),
    )
    .min(1)
    .default([
      { code: 'mayor', label: '市长', scope: 'city' },
      { code: 'secretary', label: '市委书记', scope: 'city' },
      { code: 'district_head', label: '区长', scope: 'district' },
    ]),
});
export type MailboxSettings = z.infer<typeof MailboxSettings>;

const weight = z.number({ error: '请填写数字' }).int('请填写整数').min(0, '不能小于 0').max(100, '不超过 100');

/**
 * 单位考核: how a unit's monthly score is made. The score is the weighted mean
 * of the unit's rates (each 0-100%), over the rates that counted anything that
 * month, so a unit is not marked down for having had no ratings; offices weigh
 * differently, so every weight is a setting. Units that received fewer tickets
 * than `minimumTickets` are shown but not ranked: two tickets make no rate.
 */
export const ScorecardSettings = z
  .object({
    weights: z
      .object({
        onTimeCompletion: weight.default(30),
        contact: weight.default(10),
        processSatisfaction: weight.default(15),
        resultSatisfaction: weight.default(25),
        resolution: weight.default(20),
      })
      .default({ onTimeCompletion: 30, contact: 10, processSatisfaction: 15, resultSatisfaction: 25, resolution: 20 })
      .refine((w) => Object.values(w).some((v) => v > 0), '至少一项权重须大于 0'),
    minimumTickets: z.number({ error: '请填写数字' }).int('请填写整数').min(1, '至少为 1').max(10_000).default(10),
  });
export type ScorecardSettings = z.infer<typeof ScorecardSettings>;

export const Settings = z.object({
  timeLimits: TimeLimitSettings.default(TimeLimitSettings.parse({})),
  workflow: WorkflowSettings.default(WorkflowSettings.parse({})),
  calendar: CalendarSettings.default(CalendarSettings.parse({})),
  mailbox: MailboxSettings.default(MailboxSettings.parse({})),
  scorecard: ScorecardSettings.default(ScorecardSettings.parse({})),
});
export type Settings = z.infer<typeof Settings>;

export const SETTING_KEYS = ['timeLimits', 'workflow', 'calendar', 'mailbox', 'scorecard'] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

export const defaultSettings = (): Settings => Settings.parse({});
