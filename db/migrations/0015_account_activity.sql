CREATE TABLE "account_activity" (
	"account_id" uuid PRIMARY KEY NOT NULL,
	"last_event_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
INSERT INTO "account_activity" ("account_id", "last_event_at") SELECT "id", "last_event_at" FROM "accounts";--> statement-breakpoint
DROP INDEX "accounts_last_event_idx";--> statement-breakpoint
ALTER TABLE "account_activity" ADD CONSTRAINT "account_activity_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "account_activity_last_event_idx" ON "account_activity" USING btree ("last_event_at" DESC NULLS FIRST,"account_id" DESC NULLS FIRST);--> statement-breakpoint
ALTER TABLE "accounts" DROP COLUMN "last_event_at";--> statement-breakpoint
-- Room on each page for the reported-state updates that every event brings (email_observed_at and the
-- like, none of them indexed), so they stay HOT: no write to the search indexes. It applies to pages
-- written from now on; an existing large table gets it everywhere after a VACUUM FULL in a quiet hour.
ALTER TABLE "accounts" SET (fillfactor = 80);
