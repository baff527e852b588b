-- The raw event tables' partitions become parts of a month (db/partitions.ts): the 1st to the 7th, the 8th to the 14th,
-- the 15th to the 21st, the 22nd to the month's end. Whole-month partitions that hold rows stay and cover their months
-- until retention drops them; the empty ones of this month and later go, and the server makes parts in their place
-- (ahead, and on demand before it stores an event). The parent is locked first, as an insert locks it.
DO $$
DECLARE
  r record;
  empty boolean;
BEGIN
  FOR r IN
    SELECT c.relname AS name, p.relname AS parent
      FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
     WHERE p.relnamespace = current_schema()::regnamespace
       AND p.relname IN ('login_events', 'otp_events', 'account_events')
       AND c.relname ~ '_p[0-9]{4}_[0-9]{2}$'
       AND to_date(right(c.relname, 7), 'YYYY_MM') >= date_trunc('month', now() AT TIME ZONE 'UTC')::date
  LOOP
    EXECUTE format('LOCK TABLE %I IN ACCESS EXCLUSIVE MODE', r.parent);
    EXECUTE format('SELECT NOT EXISTS (SELECT 1 FROM %I)', r.name) INTO empty;
    IF empty THEN
      EXECUTE format('DROP TABLE %I', r.name);
    END IF;
  END LOOP;
END $$;
