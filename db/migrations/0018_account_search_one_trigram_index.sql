-- Account search matches part of the platform id, name, e-mail or phone. One trigram index over all four
-- (the expression searchText in lib/data/accounts.ts repeats exactly) instead of one per column: creating an
-- account wrote four GIN indexes, the largest part of what ingest spends on a new account. The search
-- re-checks each column, so a match across two fields' boundary is never returned.
CREATE INDEX IF NOT EXISTS accounts_search_trgm_idx ON accounts USING gin (
  (lower(coalesce(external_id, '') || ' ' || coalesce(display_name, '') || ' ' || coalesce(email, '') || ' ' || coalesce(phone, ''))) gin_trgm_ops
);
--> statement-breakpoint
DROP INDEX IF EXISTS accounts_email_trgm_idx;
--> statement-breakpoint
DROP INDEX IF EXISTS accounts_phone_trgm_idx;
--> statement-breakpoint
DROP INDEX IF EXISTS accounts_external_id_trgm_idx;
--> statement-breakpoint
DROP INDEX IF EXISTS accounts_display_name_trgm_idx;
