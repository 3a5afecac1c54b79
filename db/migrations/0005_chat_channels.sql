CREATE TABLE "chat_sessions" (
	"network" text NOT NULL,
	"chat_user_id" text NOT NULL,
	"state" jsonb,
	"expires_at" timestamp with time zone,
	"last_inbound_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "chat_sessions_network_chat_user_id_pk" PRIMARY KEY("network","chat_user_id")
);
--> statement-breakpoint
CREATE TABLE "chat_inbound" (
	"network" text NOT NULL,
	"message_key" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "chat_inbound_network_message_key_pk" PRIMARY KEY("network","message_key")
);
--> statement-breakpoint
CREATE TABLE "chat_notifications" (
	"event_id" bigint PRIMARY KEY NOT NULL,
	"network" text NOT NULL,
	"chat_user_id" text NOT NULL,
	"ticket_no" text NOT NULL,
	"outcome" text NOT NULL,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "chat_inbound_received_idx" ON "chat_inbound" USING btree ("received_at");