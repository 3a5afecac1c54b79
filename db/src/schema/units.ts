import { boolean, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { UnitKind } from '../enums.ts';
import { districts } from './districts.ts';
import { streets } from './streets.ts';

/** 承办单位: a bureau, a utility, a district government or a street office. */
export const units = pgTable('units', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  kind: text('kind').$type<UnitKind>().notNull(),
  districtCode: text('district_code').references(() => districts.code),
  streetCode: text('street_code').references(() => streets.code),
  active: boolean('active').notNull().default(true),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
