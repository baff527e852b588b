ALTER TABLE "audit_log" ADD COLUMN "tx" "xid8" DEFAULT pg_current_xact_id() NOT NULL;--> statement-breakpoint
ALTER TABLE "account_events" ADD COLUMN "tx" "xid8" DEFAULT pg_current_xact_id() NOT NULL;--> statement-breakpoint
ALTER TABLE "login_events" ADD COLUMN "tx" "xid8" DEFAULT pg_current_xact_id() NOT NULL;--> statement-breakpoint
ALTER TABLE "otp_events" ADD COLUMN "tx" "xid8" DEFAULT pg_current_xact_id() NOT NULL;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "tx" "xid8" DEFAULT pg_current_xact_id() NOT NULL;--> statement-breakpoint
CREATE INDEX "audit_log_tx_idx" ON "audit_log" USING btree ("tx","id");--> statement-breakpoint
CREATE INDEX "account_events_tx_idx" ON "account_events" USING btree ("tx","id");--> statement-breakpoint
CREATE INDEX "login_events_tx_idx" ON "login_events" USING btree ("tx","id");--> statement-breakpoint
CREATE INDEX "otp_events_tx_idx" ON "otp_events" USING btree ("tx","id");--> statement-breakpoint
CREATE INDEX "alerts_tx_idx" ON "alerts" USING btree ("tx","id");--> statement-breakpoint
-- Every change of an alert moves it forward in the alerts stream: a consumer sees its new state once more.
CREATE OR REPLACE FUNCTION alerts_touch_tx() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.tx := pg_current_xact_id();
  RETURN NEW;
END;
$$;--> statement-breakpoint
CREATE TRIGGER alerts_touch_tx BEFORE UPDATE ON "alerts" FOR EACH ROW EXECUTE FUNCTION alerts_touch_tx();
