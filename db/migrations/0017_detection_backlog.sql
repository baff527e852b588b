CREATE TABLE "detection_backlog" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "detection_backlog_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"work" jsonb NOT NULL,
	"lease_until" timestamp with time zone NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "detection_backlog_lease_idx" ON "detection_backlog" USING btree ("lease_until");--> statement-breakpoint
-- A row lives for a second or two and is read back once at most: compressing its work (tens of kB) would
-- cost every batch more CPU than it saves.
ALTER TABLE "detection_backlog" ALTER COLUMN "work" SET STORAGE EXTERNAL;
