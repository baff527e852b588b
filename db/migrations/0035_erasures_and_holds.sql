CREATE TABLE "account_erasures" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"status" text NOT NULL,
	"platform_key" text,
	"via" text NOT NULL,
	"requested_by" uuid,
	"approved_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"erased_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "account_holds" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"set_by" uuid,
	"set_at" timestamp with time zone DEFAULT now() NOT NULL,
	"released_by" uuid,
	"released_at" timestamp with time zone
);
--> statement-breakpoint
CREATE UNIQUE INDEX "account_erasures_platform_key" ON "account_erasures" USING btree ("platform_key");--> statement-breakpoint
CREATE UNIQUE INDEX "account_erasures_one_pending" ON "account_erasures" USING btree ("account_id") WHERE "account_erasures"."status" = 'requested';--> statement-breakpoint
CREATE UNIQUE INDEX "account_holds_one_active" ON "account_holds" USING btree ("account_id") WHERE "account_holds"."released_at" is null;