CREATE TABLE "report_links" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"token_hash" text NOT NULL,
	"account_id" uuid NOT NULL,
	"event_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"category" text NOT NULL,
	"source" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"report_id" uuid
);
--> statement-breakpoint
ALTER TABLE "report_links" ADD CONSTRAINT "report_links_report_id_fraud_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."fraud_reports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "report_links_token_idx" ON "report_links" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "report_links_account_idx" ON "report_links" USING btree ("account_id");