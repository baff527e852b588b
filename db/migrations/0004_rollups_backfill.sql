-- Rollups arrived after the raw event tables: count what is already stored, so figures start out true.
INSERT INTO otp_rollup_hourly (hour, channel, purpose, country, kind, reason, count)
SELECT date_trunc('hour', occurred_at, 'UTC'), channel, purpose, coalesce(country, ''), kind,
       CASE WHEN kind = 'failed' THEN coalesce(failure_reason, '') ELSE '' END, count(*)
FROM otp_events
GROUP BY 1, 2, 3, 4, 5, 6
ON CONFLICT (hour, channel, purpose, country, kind, reason) DO UPDATE SET count = excluded.count;
--> statement-breakpoint
INSERT INTO login_rollup_hourly (hour, outcome, reason, country, count)
SELECT date_trunc('hour', occurred_at, 'UTC'), outcome, coalesce(failure_reason, ''), coalesce(country, ''), count(*)
FROM login_events
GROUP BY 1, 2, 3, 4
ON CONFLICT (hour, outcome, reason, country) DO UPDATE SET count = excluded.count;
