CREATE INDEX "login_rollup_daily_uncompacted_idx" ON "login_rollup_daily" USING btree ("day") WHERE "login_rollup_daily"."shard" <> 0;--> statement-breakpoint
CREATE INDEX "login_rollup_daily_all_uncompacted_idx" ON "login_rollup_daily_all" USING btree ("day") WHERE "login_rollup_daily_all"."shard" <> 0;--> statement-breakpoint
CREATE INDEX "login_rollup_hourly_uncompacted_idx" ON "login_rollup_hourly" USING btree ("hour") WHERE "login_rollup_hourly"."shard" <> 0;--> statement-breakpoint
CREATE INDEX "otp_latency_hourly_uncompacted_idx" ON "otp_latency_hourly" USING btree ("hour") WHERE "otp_latency_hourly"."shard" <> 0;--> statement-breakpoint
CREATE INDEX "otp_prefix_rollup_hourly_uncompacted_idx" ON "otp_prefix_rollup_hourly" USING btree ("hour") WHERE "otp_prefix_rollup_hourly"."shard" <> 0;--> statement-breakpoint
CREATE INDEX "otp_rollup_daily_uncompacted_idx" ON "otp_rollup_daily" USING btree ("day") WHERE "otp_rollup_daily"."shard" <> 0;--> statement-breakpoint
CREATE INDEX "otp_rollup_daily_all_uncompacted_idx" ON "otp_rollup_daily_all" USING btree ("day") WHERE "otp_rollup_daily_all"."shard" <> 0;--> statement-breakpoint
CREATE INDEX "otp_rollup_hourly_uncompacted_idx" ON "otp_rollup_hourly" USING btree ("hour") WHERE "otp_rollup_hourly"."shard" <> 0;