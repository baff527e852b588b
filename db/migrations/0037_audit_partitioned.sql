-- The audit log becomes partitioned by month of occurred_at, converted in place with its rows (as 0033 did for the
-- event tables), so that VIGIL_RETENTION_AUDIT_DAYS can drop whole months and never delete a row. Its key becomes
-- (occurred_at, id): a partitioned table's key must hold the partition column. It stays append-only: the row
-- trigger refusing UPDATE and DELETE is made on the partitioned table (PostgreSQL clones it onto every partition,
-- present and future), the TRUNCATE trigger too. Months are made ahead by audit_log_ensure_months, a SECURITY
-- DEFINER function owned by this (the migration) role: the application's role may call it, not change it, and owns
-- no audit partition, so it cannot drop one. audit_log_default takes a row no month was made for, so recording an
-- audit row never fails. An installation already converted is left alone.
DO $$
DECLARE
  defs text[];
  d text;
  pk_name text;
  max_id bigint;
  lo timestamp;
  m timestamp;
  this_month timestamp := date_trunc('month', now() at time zone 'UTC');
BEGIN
  IF EXISTS (SELECT 1 FROM pg_partitioned_table pt WHERE pt.partrelid = 'audit_log'::regclass) THEN
    RETURN;
  END IF;
  SELECT conname INTO pk_name FROM pg_constraint WHERE conrelid = 'audit_log'::regclass AND contype = 'p';
  defs := ARRAY(SELECT indexdef FROM pg_indexes
    WHERE schemaname = current_schema() AND tablename = 'audit_log' AND indexname IS DISTINCT FROM pk_name ORDER BY indexname);
  FOR d IN SELECT indexname FROM pg_indexes
    WHERE schemaname = current_schema() AND tablename = 'audit_log' AND indexname IS DISTINCT FROM pk_name LOOP
    EXECUTE format('DROP INDEX %I', d);
  END LOOP;
  IF pk_name IS NOT NULL THEN
    EXECUTE format('ALTER TABLE audit_log DROP CONSTRAINT %I', pk_name);
  END IF;
  SELECT coalesce(max(id), 0) INTO max_id FROM audit_log;
  ALTER TABLE audit_log ALTER COLUMN id DROP IDENTITY;
  DROP TRIGGER IF EXISTS audit_log_no_update_delete ON audit_log;
  DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log;
  ALTER TABLE audit_log RENAME TO audit_log_unpartitioned;
  CREATE TABLE audit_log (LIKE audit_log_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMMENTS)
    PARTITION BY RANGE (occurred_at);
  EXECUTE format('ALTER TABLE audit_log ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (START WITH %s)', max_id + 1);
  SELECT date_trunc('month', min(occurred_at) AT TIME ZONE 'UTC') INTO lo FROM audit_log_unpartitioned;
  m := least(coalesce(lo, this_month), this_month);
  WHILE m <= this_month + interval '2 months' LOOP
    EXECUTE format('CREATE TABLE %I PARTITION OF audit_log FOR VALUES FROM (%L) TO (%L)',
      'audit_log_p' || to_char(m, 'YYYY_MM'), m AT TIME ZONE 'UTC', (m + interval '1 month') AT TIME ZONE 'UTC');
    m := m + interval '1 month';
  END LOOP;
  CREATE TABLE audit_log_default PARTITION OF audit_log DEFAULT;
  INSERT INTO audit_log OVERRIDING SYSTEM VALUE SELECT * FROM audit_log_unpartitioned;
  DROP TABLE audit_log_unpartitioned;
  ALTER TABLE audit_log ADD CONSTRAINT audit_log_occurred_at_id_pk PRIMARY KEY (occurred_at, id);
  FOREACH d IN ARRAY defs LOOP
    EXECUTE d;
  END LOOP;
  CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
  CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
END $$;
--> statement-breakpoint
-- Makes the audit log's months from this one through `through`'s (at most a year ahead; those not made yet, and not
-- already holding rows in the default partition), one server at a time; returns the ones it made. It runs as its
-- owner, the migration role, so nothing it calls may be found where the application's role can create objects: its
-- search_path is pg_catalog alone (an operator the app planted in the schema could otherwise win over the built-in
-- one and run as the owner), and every table is named with the schema, written in when the function is made. A lock
-- it cannot get within 2 s fails the call (the next pass tries again) rather than queue every audit insert behind it.
DO $do$
BEGIN
  EXECUTE replace(replace($body$
CREATE OR REPLACE FUNCTION @S@.audit_log_ensure_months(through timestamptz) RETURNS text[]
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '2s' AS $fn$
DECLARE
  m timestamp := date_trunc('month', now() AT TIME ZONE 'UTC');
  last timestamp := date_trunc('month', least(through, now() + interval '1 year') AT TIME ZONE 'UTC');
  part text;
  g record;
  made text[] := '{}';
BEGIN
  PERFORM pg_advisory_xact_lock(7419020542);
  WHILE m <= last LOOP
    part := concat('audit_log_p', to_char(m, 'YYYY_MM'));
    IF NOT EXISTS (SELECT 1 FROM pg_class WHERE relname = part AND relnamespace = @N@::regnamespace)
       AND NOT EXISTS (SELECT 1 FROM @S@.audit_log_default
                       WHERE occurred_at >= m AT TIME ZONE 'UTC' AND occurred_at < (m + interval '1 month') AT TIME ZONE 'UTC') THEN
      EXECUTE format('CREATE TABLE @S@.%I PARTITION OF @S@.audit_log FOR VALUES FROM (%L) TO (%L)',
        part, m AT TIME ZONE 'UTC', (m + interval '1 month') AT TIME ZONE 'UTC');
      -- The row trigger is cloned onto the new month by PostgreSQL; the TRUNCATE trigger is not.
      EXECUTE format('CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON @S@.%I FOR EACH STATEMENT EXECUTE FUNCTION @S@.audit_log_refuse_change()', part);
      -- Default privileges may have granted the application more than reading and appending: take it back.
      FOR g IN SELECT DISTINCT grantee FROM information_schema.role_table_grants
               WHERE table_schema = @N@ AND table_name = part AND grantee <> current_user
                 AND privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE', 'TRIGGER', 'REFERENCES') LOOP
        EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES ON @S@.%I FROM %I', part, g.grantee);
      END LOOP;
      made := array_append(made, part);
    END IF;
    m := m + interval '1 month';
  END LOOP;
  RETURN made;
END $fn$
$body$, '@S@', quote_ident(current_schema())), '@N@', quote_literal(current_schema()));
END $do$;
--> statement-breakpoint
-- TRUNCATE of one month is refused like TRUNCATE of the whole log (statement triggers are not cloned).
DO $$
DECLARE
  p text;
BEGIN
  FOR p IN SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'audit_log'::regclass LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                   WHERE c.relname = p AND c.relnamespace = current_schema()::regnamespace AND t.tgname = 'audit_log_no_truncate') THEN
      EXECUTE format('CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change()', p);
    END IF;
  END LOOP;
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION audit_log_ensure_months(timestamptz) FROM PUBLIC;
