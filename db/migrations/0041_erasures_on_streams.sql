ALTER TABLE "account_erasures" ADD COLUMN "tx" "xid8" DEFAULT pg_current_xact_id() NOT NULL;--> statement-breakpoint
CREATE INDEX "account_erasures_tx_idx" ON "account_erasures" USING btree ("tx","id");--> statement-breakpoint
-- Every change of an erasure moves it forward in the streams: a console request approved later is read at its approval.
CREATE OR REPLACE FUNCTION account_erasures_touch_tx() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.tx := pg_current_xact_id();
  RETURN NEW;
END;
$$;--> statement-breakpoint
CREATE TRIGGER account_erasures_touch_tx BEFORE UPDATE ON "account_erasures" FOR EACH ROW EXECUTE FUNCTION account_erasures_touch_tx();
