import { integer, jsonb, pgTable, serial, text, unique } from 'drizzle-orm/pg-core';
import { categories } from './categories.ts';
import { districts } from './districts.ts';
import { units } from './units.ts';

/**
 * (category, second-level category, district) → lead unit and co-units.
 * Null subcategory or district means "any"; the most specific match wins.
 * `leadUnitId` null with `jurisdiction` set means "the street office (or
 * district government) where the matter happened" (属地).
 */
export const routingRules = pgTable(
  'routing_rules',
  {
    id: serial('id').primaryKey(),
    categoryCode: text('category_code')
      .notNull()
      .references(() => categories.code),
    subcategoryCode: text('subcategory_code').references(() => categories.code),
    districtCode: text('district_code').references(() => districts.code),
    leadUnitId: text('lead_unit_id').references(() => units.id),
    jurisdiction: text('jurisdiction').$type<'street' | 'district'>(),
    coUnitIds: jsonb('co_unit_ids').$type<string[]>().notNull().default([]),
    note: text('note'),
    priority: integer('priority').notNull().default(0),
  },
  (t) => [unique('routing_rules_match_unique').on(t.categoryCode, t.subcategoryCode, t.districtCode).nullsNotDistinct()],
);
