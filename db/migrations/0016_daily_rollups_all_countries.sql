CREATE TABLE "login_rollup_daily_all" (
	"day" timestamp with time zone NOT NULL,
	"outcome" text NOT NULL,
	"reason" text NOT NULL,
	"shard" smallint DEFAULT 0 NOT NULL,
	"count" bigint NOT NULL,
	CONSTRAINT "login_rollup_daily_all_day_outcome_reason_shard_pk" PRIMARY KEY("day","outcome","reason","shard")
);
--> statement-breakpoint
CREATE TABLE "otp_rollup_daily_all" (
	"day" timestamp with time zone NOT NULL,
	"channel" text NOT NULL,
	"purpose" text NOT NULL,
	"kind" text NOT NULL,
	"reason" text NOT NULL,
	"shard" smallint DEFAULT 0 NOT NULL,
	"count" bigint NOT NULL,
	CONSTRAINT "otp_rollup_daily_all_day_channel_purpose_kind_reason_shard_pk" PRIMARY KEY("day","channel","purpose","kind","reason","shard")
);
--> statement-breakpoint
-- Backfill from the per-country daily rollups (one shard per key: the sum over shards is what counts).
INSERT INTO "otp_rollup_daily_all" ("day", "channel", "purpose", "kind", "reason", "shard", "count")
SELECT "day", "channel", "purpose", "kind", "reason", 0, sum("count") FROM "otp_rollup_daily" GROUP BY 1, 2, 3, 4, 5;--> statement-breakpoint
INSERT INTO "login_rollup_daily_all" ("day", "outcome", "reason", "shard", "count")
SELECT "day", "outcome", "reason", 0, sum("count") FROM "login_rollup_daily" GROUP BY 1, 2, 3;
