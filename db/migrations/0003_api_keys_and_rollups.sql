CREATE TABLE "api_key_rate_windows" (
	"key_id" uuid NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "api_key_rate_windows_key_id_window_start_pk" PRIMARY KEY("key_id","window_start")
);
--> statement-breakpoint
CREATE TABLE "api_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"prefix" text NOT NULL,
	"key_hash" text NOT NULL,
	"scopes" text[] NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "login_rollup_hourly" (
	"hour" timestamp with time zone NOT NULL,
	"outcome" text NOT NULL,
	"reason" text NOT NULL,
	"country" text NOT NULL,
	"count" bigint NOT NULL,
	CONSTRAINT "login_rollup_hourly_hour_outcome_reason_country_pk" PRIMARY KEY("hour","outcome","reason","country")
);
--> statement-breakpoint
CREATE TABLE "otp_rollup_hourly" (
	"hour" timestamp with time zone NOT NULL,
	"channel" text NOT NULL,
	"purpose" text NOT NULL,
	"country" text NOT NULL,
	"kind" text NOT NULL,
	"reason" text NOT NULL,
	"count" bigint NOT NULL,
	CONSTRAINT "otp_rollup_hourly_hour_channel_purpose_country_kind_reason_pk" PRIMARY KEY("hour","channel","purpose","country","kind","reason")
);
--> statement-breakpoint
CREATE INDEX "api_key_rate_windows_start_idx" ON "api_key_rate_windows" USING btree ("window_start");--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_key_hash_key" ON "api_keys" USING btree ("key_hash");