CREATE TABLE "login_rollup_daily" (
	"day" timestamp with time zone NOT NULL,
	"outcome" text NOT NULL,
	"reason" text NOT NULL,
	"country" text NOT NULL,
	"shard" smallint DEFAULT 0 NOT NULL,
	"count" bigint NOT NULL,
	CONSTRAINT "login_rollup_daily_day_outcome_reason_country_shard_pk" PRIMARY KEY("day","outcome","reason","country","shard")
);
--> statement-breakpoint
CREATE TABLE "otp_rollup_daily" (
	"day" timestamp with time zone NOT NULL,
	"channel" text NOT NULL,
	"purpose" text NOT NULL,
	"country" text NOT NULL,
	"kind" text NOT NULL,
	"reason" text NOT NULL,
	"shard" smallint DEFAULT 0 NOT NULL,
	"count" bigint NOT NULL,
	CONSTRAINT "otp_rollup_daily_day_channel_purpose_country_kind_reason_shard_pk" PRIMARY KEY("day","channel","purpose","country","kind","reason","shard")
);
