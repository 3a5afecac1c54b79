import { sql } from 'drizzle-orm';
import { type AnyPgColumn, boolean, doublePrecision, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { Channel, RequestType, Satisfaction, TicketStatus, Urgency } from '../enums.ts';
import { categories } from './categories.ts';
import { districts } from './districts.ts';
import { streets } from './streets.ts';
import { units } from './units.ts';

const tz = { withTimezone: true } as const;

/**
 * 工单. `status` is written only by the ticket state machine
 * (api/src/domain/tickets/transition.ts), always together with an event row.
 */
export const tickets = pgTable(
  'tickets',
  {
    id: text('id').primaryKey(),
    /** Read aloud on the phone: YYYYMMDD + a daily sequence, e.g. 202611210042. */
    ticketNo: text('ticket_no').notNull().unique(),
    /** SHA-256 of the query code; the code itself is shown to the citizen once. */
    queryCodeHash: text('query_code_hash').notNull(),
    type: text('type').$type<RequestType>().notNull(),
    categoryCode: text('category_code').references(() => categories.code),
    subcategoryCode: text('subcategory_code').references(() => categories.code),
    title: text('title').notNull(),
    description: text('description').notNull(),
    districtCode: text('district_code').references(() => districts.code),
    streetCode: text('street_code').references(() => streets.code),
    address: text('address'),
    lat: doublePrecision('lat'),
    lng: doublePrecision('lng'),
    occurredAt: timestamp('occurred_at', tz),
    citizenName: text('citizen_name'),
    citizenPhone: text('citizen_phone'),
    anonymous: boolean('anonymous').notNull().default(false),
    confidential: boolean('confidential').notNull().default(false),
    publishConsent: boolean('publish_consent').notNull().default(false),
    channel: text('channel').$type<Channel>().notNull(),
    /** Mayor's mailbox letters: whom the letter is addressed to (a configured code, e.g. mayor). */
    addressee: text('addressee'),
    channelUserId: text('channel_user_id'),
    urgency: text('urgency').$type<Urgency>().notNull().default('normal'),
    status: text('status').$type<TicketStatus>().notNull(),
    version: integer('version').notNull().default(1),

    leadUnitId: text('lead_unit_id').references(() => units.id),
    coUnitIds: jsonb('co_unit_ids').$type<string[]>().notNull().default([]),

    /** Time limits (办理时限), all absolute instants computed on the working calendar. */
    acceptDueAt: timestamp('accept_due_at', tz),
    signDueAt: timestamp('sign_due_at', tz),
    contactDueAt: timestamp('contact_due_at', tz),
    onSiteDueAt: timestamp('on_site_due_at', tz),
    dueAt: timestamp('due_at', tz),

    acceptedAt: timestamp('accepted_at', tz),
    dispatchedAt: timestamp('dispatched_at', tz),
    signedAt: timestamp('signed_at', tz),
    contactedAt: timestamp('contacted_at', tz),
    repliedAt: timestamp('replied_at', tz),
    replyText: text('reply_text'),
    answeredAt: timestamp('answered_at', tz),
    closedAt: timestamp('closed_at', tz),
    rejectReason: text('reject_reason'),
    mergedIntoId: text('merged_into_id').references((): AnyPgColumn => tickets.id),
    /** "Filed again by the same citizen on the same matter": counts toward the repeat rate. */
    repeatOfId: text('repeat_of_id').references((): AnyPgColumn => tickets.id),

    returnCount: integer('return_count').notNull().default(0),
    returnRequestedAt: timestamp('return_requested_at', tz),
    returnReason: text('return_reason'),
    extensionRequestedAt: timestamp('extension_requested_at', tz),
    extensionRequestedDueAt: timestamp('extension_requested_due_at', tz),
    extensionReason: text('extension_reason'),
    extensionCount: integer('extension_count').notNull().default(0),
    urgeCount: integer('urge_count').notNull().default(0),
    supervised: boolean('supervised').notNull().default(false),
    reopenCount: integer('reopen_count').notNull().default(0),

    ratedAt: timestamp('rated_at', tz),
    ratedBy: text('rated_by').$type<'citizen' | 'callback'>(),
    processSatisfaction: text('process_satisfaction').$type<Satisfaction>(),
    resultSatisfaction: text('result_satisfaction').$type<Satisfaction>(),
    resolved: boolean('resolved'),
    ratingComment: text('rating_comment'),

    createdAt: timestamp('created_at', tz).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', tz).notNull().defaultNow(),
  },
  (t) => [
    // The workbench's queues at volume (npm run bench:workbench): a status's tickets oldest or newest first,
    // and its reply limits (预警, sort by time left).
    index('tickets_status_created_idx').on(t.status, t.createdAt),
    index('tickets_status_due_idx').on(t.status, t.dueAt),
    index('tickets_lead_unit_idx').on(t.leadUnitId, t.status),
    // A unit's own tickets, newest first (its 全部 list), and the ones it assists on (co_unit_ids @> …).
    index('tickets_lead_unit_created_idx').on(t.leadUnitId, t.createdAt),
    index('tickets_co_units_idx').using('gin', t.coUnitIds.op('jsonb_path_ops')),
    // 全部 filtered by a second-level category (category = X or subcategory = X), a type or a channel, newest first.
    index('tickets_subcategory_idx').on(t.subcategoryCode),
    index('tickets_type_created_idx').on(t.type, t.createdAt),
    index('tickets_channel_created_idx').on(t.channel, t.createdAt),
    // Search by the citizen's phone (exact).
    index('tickets_citizen_phone_idx').on(t.citizenPhone),
    // Free text in Chinese: every two-character piece of the title, description and address
    // (hotline_bigrams, defined in migration 0011); a search asks for all of its own pieces, then
    // checks the words with ilike. See TICKET_SEARCH_TEXT in api/src/domain/tickets/queue.ts.
    index('tickets_search_bigrams_idx').using('gin', sql`hotline_bigrams(lower(title || ' ' || description || ' ' || coalesce(address, '')))`),
    index('tickets_due_idx').on(t.dueAt),
    // No index on the running limit (migration 0016 made one, 0017 drops it): the planner then walked it
    // for the narrow queues sorted by time left (预警 19 → 1,100 ms, 办理中 78 → 570 ms at 200,000
    // tickets), past a year of closed tickets whose limits sort first.
    index('tickets_created_idx').on(t.createdAt),
    index('tickets_channel_user_idx').on(t.channel, t.channelUserId),
    index('tickets_category_idx').on(t.categoryCode),
    index('tickets_district_idx').on(t.districtCode),
    // The duplicate finder's candidates: a street's tickets of the last 30 days (api/src/domain/tickets/duplicates.ts).
    index('tickets_street_created_idx').on(t.streetCode, t.createdAt),
    // 待回访 sorted by filing time: its two statuses' tickets oldest first (the status index serves one status
    // at a time, so the planner walked a year of tickets by date: 130-260 ms at 200,000; 0.4 ms with this).
    index('tickets_callback_created_idx').on(t.createdAt).where(sql`status in ('replied', 'answered')`),
    // 待公开: the cases a publisher may decide on, latest first, counted in every supervisor's navigation
    // (api/src/domain/publication/publication.ts, PUBLICATION_CANDIDATE: keep the two predicates identical).
    // Without it each supervisor page read every ticket: 350-650 ms at 200,000.
    index('tickets_publication_candidates_idx')
      .on(sql`(coalesce(closed_at, replied_at, answered_at)) desc`, sql`id desc`)
      .where(
        sql`publish_consent and not confidential and type <> 'report' and reply_text is not null and (status = 'closed' or (channel = 'mailbox' and status in ('replied', 'answered')))`,
      ),
  ],
);
