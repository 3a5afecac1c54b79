import { integer, pgTable, text } from 'drizzle-orm/pg-core';

export const districts = pgTable('districts', {
  code: text('code').primaryKey(),
  name: text('name').notNull().unique(),
  sortOrder: integer('sort_order').notNull().default(0),
});
