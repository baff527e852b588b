-- Daily rollups start out as the sum of the hourly ones already kept.
INSERT INTO otp_rollup_daily (day, channel, purpose, country, kind, reason, shard, count)
SELECT date_trunc('day', hour, 'UTC'), channel, purpose, country, kind, reason, 0, sum(count)
FROM otp_rollup_hourly GROUP BY 1, 2, 3, 4, 5, 6;
--> statement-breakpoint
INSERT INTO login_rollup_daily (day, outcome, reason, country, shard, count)
SELECT date_trunc('day', hour, 'UTC'), outcome, reason, country, 0, sum(count)
FROM login_rollup_hourly GROUP BY 1, 2, 3, 4;
