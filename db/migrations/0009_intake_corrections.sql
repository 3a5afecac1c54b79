CREATE TABLE "intake_corrections" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "intake_corrections_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"ticket_id" text NOT NULL,
	"field" text NOT NULL,
	"suggested" text,
	"chosen" text NOT NULL,
	"action" text NOT NULL,
	"corrected_by" text,
	"corrected_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "intake_corrections" ADD CONSTRAINT "intake_corrections_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intake_corrections" ADD CONSTRAINT "intake_corrections_corrected_by_staff_accounts_id_fk" FOREIGN KEY ("corrected_by") REFERENCES "public"."staff_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "intake_corrections_ticket_idx" ON "intake_corrections" USING btree ("ticket_id");--> statement-breakpoint
CREATE INDEX "intake_corrections_time_idx" ON "intake_corrections" USING btree ("corrected_at");