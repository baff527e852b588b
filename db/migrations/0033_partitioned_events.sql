-- The raw event tables become partitioned by month of occurred_at (db/partitions.ts), converted in place with their
-- data: each table's indexes and primary key are read from the catalog, the table is renamed, a partitioned one
-- with the same columns takes its name, a partition is made for every month from the oldest event to next month,
-- the rows are copied (ids kept; the identity goes on from the highest), and the indexes are built on the new table.
-- An installation already converted is left alone. docs/data-lifecycle.md gives the time this takes per million rows.
DO $$
DECLARE
  t text;
  old text;
  defs text[];
  d text;
  pk_name text;
  pk_def text;
  max_id bigint;
  lo timestamp;
  hi timestamp;
  m timestamp;
  this_month timestamp := date_trunc('month', now() at time zone 'UTC');
BEGIN
  FOREACH t IN ARRAY ARRAY['login_events', 'otp_events', 'account_events'] LOOP
    IF EXISTS (SELECT 1 FROM pg_partitioned_table pt WHERE pt.partrelid = format('%I', t)::regclass) THEN
      CONTINUE;
    END IF;
    old := t || '_unpartitioned';
    SELECT conname, pg_get_constraintdef(oid) INTO pk_name, pk_def
      FROM pg_constraint WHERE conrelid = format('%I', t)::regclass AND contype = 'p';
    defs := ARRAY(SELECT indexdef FROM pg_indexes
      WHERE schemaname = current_schema() AND tablename = t AND indexname IS DISTINCT FROM pk_name ORDER BY indexname);
    FOR d IN SELECT indexname FROM pg_indexes
      WHERE schemaname = current_schema() AND tablename = t AND indexname IS DISTINCT FROM pk_name LOOP
      EXECUTE format('DROP INDEX %I', d);
    END LOOP;
    IF pk_name IS NOT NULL THEN
      EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', t, pk_name);
    END IF;
    EXECUTE format('SELECT coalesce(max(id), 0) FROM %I', t) INTO max_id;
    EXECUTE format('ALTER TABLE %I ALTER COLUMN id DROP IDENTITY', t);
    EXECUTE format('ALTER TABLE %I RENAME TO %I', t, old);
    EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMMENTS) PARTITION BY RANGE (occurred_at)', t, old);
    EXECUTE format('ALTER TABLE %I ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (START WITH %s)', t, max_id + 1);
    EXECUTE format('SELECT date_trunc(''month'', min(occurred_at) AT TIME ZONE ''UTC''), date_trunc(''month'', max(occurred_at) AT TIME ZONE ''UTC'') FROM %I', old)
      INTO lo, hi;
    lo := least(coalesce(lo, this_month), this_month);
    hi := greatest(coalesce(hi, this_month), this_month + interval '1 month');
    m := lo;
    WHILE m <= hi LOOP
      EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
        t || '_p' || to_char(m, 'YYYY_MM'), t, m AT TIME ZONE 'UTC', (m + interval '1 month') AT TIME ZONE 'UTC');
      m := m + interval '1 month';
    END LOOP;
    EXECUTE format('INSERT INTO %I OVERRIDING SYSTEM VALUE SELECT * FROM %I', t, old);
    EXECUTE format('DROP TABLE %I', old);
    IF pk_name IS NOT NULL THEN
      EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I %s', t, pk_name, pk_def);
    END IF;
    FOREACH d IN ARRAY defs LOOP
      EXECUTE d;
    END LOOP;
  END LOOP;
END $$;
