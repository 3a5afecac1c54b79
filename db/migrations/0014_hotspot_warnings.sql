CREATE TABLE "hotspot_pushes" (
	"warning_id" text NOT NULL,
	"recipient" text NOT NULL,
	"outcome" text NOT NULL,
	"error" text,
	"attempts" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "hotspot_pushes_warning_id_recipient_pk" PRIMARY KEY("warning_id","recipient")
);
--> statement-breakpoint
CREATE TABLE "hotspot_warning_tickets" (
	"warning_id" text NOT NULL,
	"ticket_id" text NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "hotspot_warning_tickets_warning_id_ticket_id_pk" PRIMARY KEY("warning_id","ticket_id")
);
--> statement-breakpoint
CREATE TABLE "hotspot_warnings" (
	"id" text PRIMARY KEY NOT NULL,
	"burst_key" text NOT NULL,
	"kind" text NOT NULL,
	"level" text NOT NULL,
	"category_code" text,
	"subcategory_code" text,
	"district_code" text,
	"street_code" text,
	"cluster_id" text,
	"title" text NOT NULL,
	"terms" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"window_hours" integer NOT NULL,
	"count" integer NOT NULL,
	"expected" real NOT NULL,
	"p_value" double precision,
	"reason" text NOT NULL,
	"first_fired_at" timestamp with time zone NOT NULL,
	"last_fired_at" timestamp with time zone NOT NULL,
	"runs" integer DEFAULT 1 NOT NULL,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_by" text,
	"assigned_unit_id" text,
	"assigned_at" timestamp with time zone,
	"assigned_by" text,
	"closed_at" timestamp with time zone,
	"closed_by" text,
	"close_note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "hotspot_pushes" ADD CONSTRAINT "hotspot_pushes_warning_id_hotspot_warnings_id_fk" FOREIGN KEY ("warning_id") REFERENCES "public"."hotspot_warnings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hotspot_warning_tickets" ADD CONSTRAINT "hotspot_warning_tickets_warning_id_hotspot_warnings_id_fk" FOREIGN KEY ("warning_id") REFERENCES "public"."hotspot_warnings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hotspot_warning_tickets" ADD CONSTRAINT "hotspot_warning_tickets_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "hotspot_warning_tickets_ticket_idx" ON "hotspot_warning_tickets" USING btree ("ticket_id");--> statement-breakpoint
CREATE INDEX "hotspot_warnings_status_idx" ON "hotspot_warnings" USING btree ("status","last_fired_at");--> statement-breakpoint
CREATE INDEX "hotspot_warnings_burst_idx" ON "hotspot_warnings" USING btree ("burst_key","last_fired_at");