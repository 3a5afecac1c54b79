import { integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Stripe-style idempotency for ticket creation. `in_flight` rows belong to a
 * request still running; `done` rows replay their stored response.
 */
export const idempotencyKeys = pgTable('idempotency_keys', {
  key: text('key').primaryKey(),
  requestHash: text('request_hash').notNull(),
  state: text('state').$type<'in_flight' | 'done'>().notNull(),
  responseStatus: integer('response_status'),
  responseBody: jsonb('response_body'),
  lockedAt: timestamp('locked_at', { withTimezone: true }).notNull(),
  /**
   * The API process working on an `in_flight` key. When that process is gone
   * (no advisory lock on PostgreSQL; any earlier process on PGlite) the key is
   * abandoned and a retry is processed at once. Null on rows from before.
   */
  instanceId: text('instance_id'),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
});
