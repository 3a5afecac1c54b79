CREATE TABLE "metric_daily_rollups" (
	"day" date NOT NULL,
	"metric" text NOT NULL,
	"dimension" text NOT NULL,
	"key" text,
	"numerator" integer NOT NULL,
	"denominator" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "metric_rollup_state" (
	"id" text PRIMARY KEY NOT NULL,
	"watermark" bigint DEFAULT 0 NOT NULL,
	"built_at" timestamp with time zone,
	"build_ms" integer,
	"refreshed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "metric_ticket_memo" (
	"ticket_id" text PRIMARY KEY NOT NULL,
	"created_day" date NOT NULL,
	"due_day" date,
	"replied_day" date,
	"rated_day" date,
	"answered_day" date,
	"lead_unit_id" text,
	"category_code" text,
	"district_code" text,
	"channel" text,
	"flags" integer NOT NULL,
	"dispatches" integer NOT NULL,
	"returned" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "metric_ticket_memo" ADD CONSTRAINT "metric_ticket_memo_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "metric_daily_rollups_read_idx" ON "metric_daily_rollups" USING btree ("dimension","day");--> statement-breakpoint
CREATE INDEX "metric_daily_rollups_day_idx" ON "metric_daily_rollups" USING btree ("day","metric");--> statement-breakpoint
CREATE INDEX "metric_ticket_memo_created_idx" ON "metric_ticket_memo" USING btree ("created_day");--> statement-breakpoint
CREATE INDEX "metric_ticket_memo_due_idx" ON "metric_ticket_memo" USING btree ("due_day");--> statement-breakpoint
CREATE INDEX "metric_ticket_memo_replied_idx" ON "metric_ticket_memo" USING btree ("replied_day");--> statement-breakpoint
CREATE INDEX "metric_ticket_memo_rated_idx" ON "metric_ticket_memo" USING btree ("rated_day");--> statement-breakpoint
CREATE INDEX "metric_ticket_memo_answered_idx" ON "metric_ticket_memo" USING btree ("answered_day");