ALTER TABLE "login_rollup_hourly" ADD COLUMN "shard" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "otp_rollup_hourly" ADD COLUMN "shard" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "login_rollup_hourly" DROP CONSTRAINT "login_rollup_hourly_hour_outcome_reason_country_pk";--> statement-breakpoint
ALTER TABLE "otp_rollup_hourly" DROP CONSTRAINT "otp_rollup_hourly_hour_channel_purpose_country_kind_reason_pk";--> statement-breakpoint
ALTER TABLE "login_rollup_hourly" ADD CONSTRAINT "login_rollup_hourly_hour_outcome_reason_country_shard_pk" PRIMARY KEY("hour","outcome","reason","country","shard");--> statement-breakpoint
ALTER TABLE "otp_rollup_hourly" ADD CONSTRAINT "otp_rollup_hourly_hour_channel_purpose_country_kind_reason_shard_pk" PRIMARY KEY("hour","channel","purpose","country","kind","reason","shard");
