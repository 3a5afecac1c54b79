CREATE TABLE "kb_entries" (
	"id" text PRIMARY KEY NOT NULL,
	"question" text NOT NULL,
	"alternates" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"answer" text NOT NULL,
	"category_code" text NOT NULL,
	"subcategory_code" text,
	"unit_id" text,
	"keywords" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"effective_from" date,
	"expires_on" date,
	"status" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"live" jsonb,
	"live_version" integer,
	"submitted_by" text,
	"submitted_at" timestamp with time zone,
	"reviewed_by" text,
	"reviewed_at" timestamp with time zone,
	"helpful_count" integer DEFAULT 0 NOT NULL,
	"not_helpful_count" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text
);
--> statement-breakpoint
CREATE TABLE "kb_entry_versions" (
	"entry_id" text NOT NULL,
	"version" integer NOT NULL,
	"content" jsonb NOT NULL,
	"status" text NOT NULL,
	"action" text NOT NULL,
	"note" text,
	"saved_by" text,
	"saved_at" timestamp with time zone NOT NULL,
	CONSTRAINT "kb_entry_versions_entry_id_version_pk" PRIMARY KEY("entry_id","version")
);
--> statement-breakpoint
CREATE TABLE "kb_intake_rules" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"target" text NOT NULL,
	"any" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"all" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"none" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"weight" integer DEFAULT 1 NOT NULL,
	"note" text,
	"active" boolean DEFAULT true NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text
);
--> statement-breakpoint
CREATE TABLE "kb_unanswered" (
	"id" serial PRIMARY KEY NOT NULL,
	"normalized_text" text NOT NULL,
	"sample_text" text NOT NULL,
	"reason" text NOT NULL,
	"entry_id" text,
	"count" integer DEFAULT 1 NOT NULL,
	"channels" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"resolved_entry_id" text,
	"resolved_by" text,
	"resolved_at" timestamp with time zone,
	"first_asked_at" timestamp with time zone NOT NULL,
	"last_asked_at" timestamp with time zone NOT NULL,
	CONSTRAINT "kb_unanswered_normalized_text_unique" UNIQUE("normalized_text")
);
--> statement-breakpoint
CREATE TABLE "kb_stop_words" (
	"word" text PRIMARY KEY NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "kb_synonym_groups" (
	"id" serial PRIMARY KEY NOT NULL,
	"terms" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text
);
--> statement-breakpoint
ALTER TABLE "kb_entry_versions" ADD CONSTRAINT "kb_entry_versions_entry_id_kb_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."kb_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "kb_entries_status_idx" ON "kb_entries" USING btree ("status");--> statement-breakpoint
CREATE INDEX "kb_entries_category_idx" ON "kb_entries" USING btree ("category_code");--> statement-breakpoint
CREATE INDEX "kb_unanswered_status_idx" ON "kb_unanswered" USING btree ("status","last_asked_at");