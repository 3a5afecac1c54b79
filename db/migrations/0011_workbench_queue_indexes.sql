-- Free-text search in Chinese has no word boundaries and most searches are two characters (路灯, 噪音),
-- which pg_trgm's trigrams cannot index (and PGlite does not load pg_trgm by default). So the
-- search index holds every two-character piece (bigram) of a ticket's text; a search asks for the
-- tickets holding all of its own pieces and then checks the words with ilike. IMMUTABLE: an index
-- expression may only use such functions. Same on PostgreSQL and PGlite.
CREATE OR REPLACE FUNCTION hotline_bigrams(input text) RETURNS text[]
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT coalesce(array_agg(DISTINCT substr(input, i, 2)), '{}'::text[]) FROM generate_series(1, char_length(input) - 1) AS i $$;--> statement-breakpoint
DROP INDEX "tickets_status_idx";--> statement-breakpoint
CREATE INDEX "tickets_status_created_idx" ON "tickets" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "tickets_status_due_idx" ON "tickets" USING btree ("status","due_at");--> statement-breakpoint
CREATE INDEX "tickets_lead_unit_created_idx" ON "tickets" USING btree ("lead_unit_id","created_at");--> statement-breakpoint
CREATE INDEX "tickets_co_units_idx" ON "tickets" USING gin ("co_unit_ids" jsonb_path_ops);--> statement-breakpoint
CREATE INDEX "tickets_subcategory_idx" ON "tickets" USING btree ("subcategory_code");--> statement-breakpoint
CREATE INDEX "tickets_type_created_idx" ON "tickets" USING btree ("type","created_at");--> statement-breakpoint
CREATE INDEX "tickets_channel_created_idx" ON "tickets" USING btree ("channel","created_at");--> statement-breakpoint
CREATE INDEX "tickets_citizen_phone_idx" ON "tickets" USING btree ("citizen_phone");--> statement-breakpoint
CREATE INDEX "tickets_search_bigrams_idx" ON "tickets" USING gin (hotline_bigrams(lower(title || ' ' || description || ' ' || coalesce(address, ''))));