import { index, integer, pgTable, text, unique } from 'drizzle-orm/pg-core';
import { districts } from './districts.ts';

export const streets = pgTable(
  'streets',
  {
    code: text('code').primaryKey(),
    districtCode: text('district_code')
      .notNull()
      .references(() => districts.code),
    name: text('name').notNull(),
    sortOrder: integer('sort_order').notNull().default(0),
  },
  (t) => [unique('streets_district_name_unique').on(t.districtCode, t.name), index('streets_district_idx').on(t.districtCode)],
);
