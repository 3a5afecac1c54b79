import { type AnyPgColumn, boolean, integer, pgTable, text } from 'drizzle-orm/pg-core';

/**
 * Two levels: a first-level row has no parent and its code is one of
 * FIRST_LEVEL_CATEGORIES; a second-level row's code is `<parent>.<name>`.
 */
export const categories = pgTable('categories', {
  code: text('code').primaryKey(),
  parentCode: text('parent_code').references((): AnyPgColumn => categories.code),
  name: text('name').notNull(),
  sortOrder: integer('sort_order').notNull().default(0),
  active: boolean('active').notNull().default(true),
});
