CREATE TABLE "kb_generation" (
	"id" integer PRIMARY KEY NOT NULL,
	"generation" bigint NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "job_runs" (
	"job" text PRIMARY KEY NOT NULL,
	"runs" bigint NOT NULL,
	"last_started_at" timestamp with time zone NOT NULL,
	"instance" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "chat_adapter_state" (
	"network" text NOT NULL,
	"chat_user_id" text NOT NULL,
	"offered_buttons" jsonb,
	"window_opened_at" timestamp with time zone,
	"window_sent" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "chat_adapter_state_network_chat_user_id_pk" PRIMARY KEY("network","chat_user_id")
);
--> statement-breakpoint
-- Backfill: the customer-service window of followers who wrote before this migration stays open.
INSERT INTO "chat_adapter_state" ("network", "chat_user_id", "window_opened_at", "window_sent", "updated_at")
SELECT "network", "chat_user_id", "last_inbound_at", 0, now() FROM "chat_sessions"
WHERE "network" = 'wechat-oa' AND "last_inbound_at" IS NOT NULL
ON CONFLICT DO NOTHING;
