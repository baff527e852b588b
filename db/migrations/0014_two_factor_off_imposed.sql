ALTER TABLE "two_factor_off_requests" ADD COLUMN "imposed_required" boolean;--> statement-breakpoint
ALTER TABLE "two_factor_off_requests" ADD COLUMN "imposed_method" text;