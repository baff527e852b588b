-- Account search is partial and case-insensitive ("%part%"); trigram indexes keep it fast at millions of accounts.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS accounts_email_trgm_idx ON accounts USING gin (lower(email) gin_trgm_ops);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS accounts_phone_trgm_idx ON accounts USING gin (phone gin_trgm_ops);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS accounts_external_id_trgm_idx ON accounts USING gin (lower(external_id) gin_trgm_ops);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS accounts_display_name_trgm_idx ON accounts USING gin (lower(display_name) gin_trgm_ops);
