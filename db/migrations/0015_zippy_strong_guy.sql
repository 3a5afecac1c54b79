CREATE TABLE "kb_regression_questions" (
	"id" serial PRIMARY KEY NOT NULL,
	"question" text NOT NULL,
	"expected_entry_id" text NOT NULL,
	"source" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "kb_regression_questions_pair" UNIQUE("question","expected_entry_id")
);
--> statement-breakpoint
CREATE TABLE "kb_regression_runs" (
	"id" serial PRIMARY KEY NOT NULL,
	"trigger" text NOT NULL,
	"started_by" text,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone NOT NULL,
	"total" integer NOT NULL,
	"top1" integer NOT NULL,
	"top3" integer NOT NULL,
	"confident" integer NOT NULL,
	"results" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "kb_search_log" (
	"id" serial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"kind" text NOT NULL,
	"channel" text NOT NULL,
	"question" text NOT NULL,
	"entry_id" text,
	"category_code" text,
	"confident" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
ALTER TABLE "kb_unanswered" ADD COLUMN "dismiss_reason" text;--> statement-breakpoint
CREATE INDEX "kb_regression_runs_started_idx" ON "kb_regression_runs" USING btree ("started_at");--> statement-breakpoint
CREATE INDEX "kb_search_log_at_idx" ON "kb_search_log" USING btree ("at");