CREATE TABLE "follower_notifications" (
	"event_id" bigint NOT NULL,
	"follower_id" text NOT NULL,
	"outcome" text NOT NULL,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "follower_notifications_event_id_follower_id_pk" PRIMARY KEY("event_id","follower_id")
);
--> statement-breakpoint
CREATE TABLE "ticket_duplicate_links" (
	"ticket_id" text NOT NULL,
	"duplicate_of_id" text NOT NULL,
	"cluster_id" text NOT NULL,
	"score" real NOT NULL,
	"place" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ticket_duplicate_links_ticket_id_duplicate_of_id_pk" PRIMARY KEY("ticket_id","duplicate_of_id")
);
--> statement-breakpoint
CREATE TABLE "ticket_followers" (
	"id" text PRIMARY KEY NOT NULL,
	"ticket_id" text NOT NULL,
	"follower_key" text NOT NULL,
	"channel" text NOT NULL,
	"channel_user_id" text,
	"phone" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "ticket_duplicate_links" ADD CONSTRAINT "ticket_duplicate_links_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_duplicate_links" ADD CONSTRAINT "ticket_duplicate_links_duplicate_of_id_tickets_id_fk" FOREIGN KEY ("duplicate_of_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_followers" ADD CONSTRAINT "ticket_followers_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ticket_duplicate_links_of_idx" ON "ticket_duplicate_links" USING btree ("duplicate_of_id");--> statement-breakpoint
CREATE INDEX "ticket_duplicate_links_cluster_idx" ON "ticket_duplicate_links" USING btree ("cluster_id");--> statement-breakpoint
CREATE UNIQUE INDEX "ticket_followers_ticket_key_idx" ON "ticket_followers" USING btree ("ticket_id","follower_key");--> statement-breakpoint
CREATE INDEX "tickets_street_created_idx" ON "tickets" USING btree ("street_code","created_at");