CREATE TABLE "fraud_reports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"reference" text NOT NULL,
	"category" text NOT NULL,
	"status" text DEFAULT 'new' NOT NULL,
	"priority" text NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"email" text,
	"phone" text,
	"occurred_at" timestamp with time zone,
	"description" text NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"contact_preference" text,
	"otp_id" text,
	"account_id" uuid,
	"candidate_account_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"sender_number" text,
	"caller_number" text,
	"link_domain" text,
	"source" text NOT NULL,
	"client_ip" text,
	"assignee_id" uuid,
	"resolution" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "public_rate_windows" (
	"bucket" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "public_rate_windows_bucket_window_start_pk" PRIMARY KEY("bucket","window_start")
);
--> statement-breakpoint
CREATE TABLE "report_evidence" (
	"report_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"ref_id" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"summary" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "report_evidence_report_id_kind_ref_id_pk" PRIMARY KEY("report_id","kind","ref_id")
);
--> statement-breakpoint
CREATE TABLE "report_messages" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "report_messages_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"report_id" uuid NOT NULL,
	"visibility" text NOT NULL,
	"author_id" uuid,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "fraud_reports" ADD CONSTRAINT "fraud_reports_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fraud_reports" ADD CONSTRAINT "fraud_reports_assignee_id_staff_users_id_fk" FOREIGN KEY ("assignee_id") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_evidence" ADD CONSTRAINT "report_evidence_report_id_fraud_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."fraud_reports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_messages" ADD CONSTRAINT "report_messages_report_id_fraud_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."fraud_reports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_messages" ADD CONSTRAINT "report_messages_author_id_staff_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "fraud_reports_reference_key" ON "fraud_reports" USING btree ("reference");--> statement-breakpoint
CREATE INDEX "fraud_reports_queue_idx" ON "fraud_reports" USING btree ("status","priority","due_at");--> statement-breakpoint
CREATE INDEX "fraud_reports_account_idx" ON "fraud_reports" USING btree ("account_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "fraud_reports_email_idx" ON "fraud_reports" USING btree (lower("email"));--> statement-breakpoint
CREATE INDEX "fraud_reports_phone_idx" ON "fraud_reports" USING btree ("phone");--> statement-breakpoint
CREATE INDEX "fraud_reports_sender_idx" ON "fraud_reports" USING btree ("sender_number") WHERE "fraud_reports"."sender_number" is not null;--> statement-breakpoint
CREATE INDEX "fraud_reports_domain_idx" ON "fraud_reports" USING btree ("link_domain") WHERE "fraud_reports"."link_domain" is not null;--> statement-breakpoint
CREATE INDEX "public_rate_windows_start_idx" ON "public_rate_windows" USING btree ("window_start");--> statement-breakpoint
CREATE INDEX "report_messages_report_idx" ON "report_messages" USING btree ("report_id","created_at");