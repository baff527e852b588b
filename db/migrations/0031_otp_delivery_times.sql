CREATE TABLE "otp_codes" (
	"account_id" uuid NOT NULL,
	"otp_id" text NOT NULL,
	"channel" text NOT NULL,
	"purpose" text NOT NULL,
	"country" text DEFAULT '' NOT NULL,
	"issued_at" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"verified_at" timestamp with time zone,
	"delivery_counted" boolean DEFAULT false NOT NULL,
	"verify_counted" boolean DEFAULT false NOT NULL,
	CONSTRAINT "otp_codes_account_id_otp_id_pk" PRIMARY KEY("account_id","otp_id")
);
--> statement-breakpoint
CREATE TABLE "otp_latency_hourly" (
	"hour" timestamp with time zone NOT NULL,
	"channel" text NOT NULL,
	"purpose" text NOT NULL,
	"country" text NOT NULL,
	"measure" text NOT NULL,
	"bucket" text NOT NULL,
	"shard" smallint DEFAULT 0 NOT NULL,
	"count" bigint NOT NULL,
	CONSTRAINT "otp_latency_hourly_hour_channel_purpose_country_measure_bucket_shard_pk" PRIMARY KEY("hour","channel","purpose","country","measure","bucket","shard")
);
