import { boolean, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { IntakeRuleKind } from '../enums.ts';

/**
 * Keyword rules of the intake chain that editors tune: a rule matches when
 * the normalised text contains one of `any` (if given), all of `all`, and
 * none of `none`.
 */
export const kbIntakeRules = pgTable('kb_intake_rules', {
  id: text('id').primaryKey(),
  kind: text('kind').$type<IntakeRuleKind>().notNull(),
  target: text('target').notNull(),
  any: jsonb('any').$type<string[]>().notNull().default([]),
  all: jsonb('all').$type<string[]>().notNull().default([]),
  none: jsonb('none').$type<string[]>().notNull().default([]),
  weight: integer('weight').notNull().default(1),
  note: text('note'),
  active: boolean('active').notNull().default(true),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  updatedBy: text('updated_by'),
});
