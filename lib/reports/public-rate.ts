import type { DbOrTx } from '@/db/client';
import { consumeRate } from '@/lib/rate-limit/consume-rate';

/** The public endpoints' hourly budget per bucket (a client IP, a contact), on the one rate limiter. */
export function consumePublicRate(db: DbOrTx, bucket: string, perHour: number, what: string): Promise<void> {
  return consumeRate(db, {
    bucket,
    limit: perHour,
    windowSeconds: 3600,
    refusal: `Too many ${what} in an hour. Try again later.`,
  });
}
