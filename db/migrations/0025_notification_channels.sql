CREATE TABLE "notification_channels" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"type" text NOT NULL,
	"target" text NOT NULL,
	"min_severity" text DEFAULT 'low' NOT NULL,
	"topics" text[],
	"masked" boolean DEFAULT false NOT NULL,
	"secret" text,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_delivered_at" timestamp with time zone,
	"failing_since" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "notification_throttle" (
	"channel_id" uuid NOT NULL,
	"subject" text NOT NULL,
	"last_sent_at" timestamp with time zone NOT NULL,
	"held" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "notification_throttle_channel_id_subject_pk" PRIMARY KEY("channel_id","subject")
);
--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD COLUMN "channel_id" uuid;--> statement-breakpoint
ALTER TABLE "notification_throttle" ADD CONSTRAINT "notification_throttle_channel_id_notification_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."notification_channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "notification_throttle_time_idx" ON "notification_throttle" USING btree ("last_sent_at");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_channel_idx" ON "webhook_deliveries" USING btree ("channel_id","attempted_at" DESC NULLS LAST);