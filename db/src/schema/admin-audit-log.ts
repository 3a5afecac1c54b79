import { bigint, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { staffAccounts } from './staff-accounts.ts';

/** What an administrator can change. */
export const ADMIN_AUDIT_SUBJECTS = ['unit', 'account', 'routing_rule', 'setting', 'calendar'] as const;
export type AdminAuditSubject = (typeof ADMIN_AUDIT_SUBJECTS)[number];

/**
 * 管理操作记录: who changed which unit, account, routing rule, setting or
 * calendar day, when, and the values before and after. Written in the same
 * transaction as the change, so a change without a record cannot happen.
 * Passwords never appear here (a reset is recorded as the act only).
 */
export const adminAuditLog = pgTable(
  'admin_audit_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    actorId: text('actor_id').references(() => staffAccounts.id),
    /** The actor's name at the time, kept if the account is later renamed. */
    actorName: text('actor_name').notNull(),
    subject: text('subject').$type<AdminAuditSubject>().notNull(),
    /** The unit id, account id, rule id, setting key or day. */
    subjectId: text('subject_id').notNull(),
    /** create, update, disable, enable, reset_password, delete … */
    action: text('action').notNull(),
    /** One line a person reads: 「停用账号 zhangsan」. */
    summary: text('summary').notNull(),
    before: jsonb('before'),
    after: jsonb('after'),
  },
  (t) => [index('admin_audit_log_subject_idx').on(t.subject, t.at), index('admin_audit_log_at_idx').on(t.at)],
);
