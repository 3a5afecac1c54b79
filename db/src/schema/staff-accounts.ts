import { boolean, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { StaffRole } from '../enums.ts';
import { units } from './units.ts';

export const staffAccounts = pgTable('staff_accounts', {
  id: text('id').primaryKey(),
  username: text('username').notNull().unique(),
  displayName: text('display_name').notNull(),
  role: text('role').$type<StaffRole>().notNull(),
  /** Required for unit handlers: they see and act on this unit's tickets only. */
  unitId: text('unit_id').references(() => units.id),
  passwordHash: text('password_hash').notNull(),
  active: boolean('active').notNull().default(true),
  /** Demo accounts exist only on the embedded default or with DEMO=1. */
  demo: boolean('demo').notNull().default(false),
  failedLogins: integer('failed_logins').notNull().default(0),
  lockedUntil: timestamp('locked_until', { withTimezone: true }),
  lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
