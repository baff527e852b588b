DROP INDEX "account_events_time_idx";--> statement-breakpoint
DROP INDEX "login_events_time_idx";--> statement-breakpoint
DROP INDEX "otp_events_time_idx";