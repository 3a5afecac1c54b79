ALTER TABLE "contact_access_log" ALTER COLUMN "ticket_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "contact_access_log" ADD COLUMN "searched" text;