CREATE TABLE "ticket_publications" (
	"ticket_id" text PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"content" text NOT NULL,
	"reply" text NOT NULL,
	"reason" text,
	"published_at" timestamp with time zone NOT NULL,
	"published_by" text NOT NULL,
	"unpublished_at" timestamp with time zone,
	"unpublished_by" text,
	"unpublish_reason" text
);
--> statement-breakpoint
ALTER TABLE "ticket_publications" ADD CONSTRAINT "ticket_publications_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ticket_publications_published_idx" ON "ticket_publications" USING btree ("published_at");