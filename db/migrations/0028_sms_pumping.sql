CREATE TABLE "otp_prefix_rollup_hourly" (
	"hour" timestamp with time zone NOT NULL,
	"country_code" text NOT NULL,
	"prefix" text NOT NULL,
	"kind" text NOT NULL,
	"shard" smallint DEFAULT 0 NOT NULL,
	"count" bigint NOT NULL,
	CONSTRAINT "otp_prefix_rollup_hourly_hour_country_code_prefix_kind_shard_pk" PRIMARY KEY("hour","country_code","prefix","kind","shard")
);
--> statement-breakpoint
CREATE TABLE "otp_prefix_rollup_minute" (
	"minute" timestamp with time zone NOT NULL,
	"country_code" text NOT NULL,
	"prefix" text NOT NULL,
	"kind" text NOT NULL,
	"shard" smallint DEFAULT 0 NOT NULL,
	"count" bigint NOT NULL,
	CONSTRAINT "otp_prefix_rollup_minute_minute_country_code_prefix_kind_shard_pk" PRIMARY KEY("minute","country_code","prefix","kind","shard")
);
--> statement-breakpoint
ALTER TABLE "otp_events" ADD COLUMN "destination" text;--> statement-breakpoint
CREATE INDEX "otp_prefix_rollup_minute_country_idx" ON "otp_prefix_rollup_minute" USING btree ("country_code","minute");--> statement-breakpoint
CREATE INDEX "otp_events_destination_idx" ON "otp_events" USING btree ("destination" text_pattern_ops,"occurred_at") WHERE "otp_events"."destination" is not null;