import { describe, expect, it } from 'vitest';
import { makeStaff, systemActor, uniqueSuffix } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/db/testing/test-database';
import { serviceContext } from '@/lib/context';
import type { IngestEvent } from '@/lib/ingest/event-schema';
import { ingestBatch } from '@/lib/ingest/ingest-batch';
import { BucketFilter, listLoginEventsInBucket, listOtpEventsInBucket, LoginBucketFilter } from './events-in-bucket';

const { db } = setupTestDatabase();
const at = (minute: number) => new Date(Date.UTC(2026, 4, 5, 10, minute)).toISOString();

describe('the events behind a chart bucket', () => {
  it('lists exactly the events the bar counted, with their accounts', async () => {
    const id = `cus_bucket_${uniqueSuffix()}`;
    const otp = (n: number, minute: number, extra: Record<string, unknown>) =>
      ({
        id: `${id}_${n}`,
        type: 'otp.issued',
        occurredAt: at(minute),
        account: { id },
        otpId: `o${n}`,
        channel: 'sms',
        purpose: 'login',
        ...extra,
      }) as IngestEvent;
    await ingestBatch(db(), [
      otp(1, 0, {}),
      otp(2, 59, { context: { country: 'GB' } }),
      otp(3, 30, { channel: 'email' }),
      otp(4, 60, {}), // the next hour
      { id: `${id}_5`, type: 'login.failed', reason: 'bad_password', occurredAt: at(10), account: { id } },
    ]);
    const hour = BucketFilter.parse({ from: at(0), to: at(60), kind: 'issued', channel: 'sms' });
    const { items } = await listOtpEventsInBucket(serviceContext(db(), systemActor), hour);
    expect(items.map((e) => e.occurredAt.toISOString())).toEqual([at(59), at(0)]);
    expect(items[0]).toMatchObject({ externalId: id, channel: 'sms', kind: 'issued' });
    expect(
      (
        await listOtpEventsInBucket(
          serviceContext(db(), systemActor),
          BucketFilter.parse({ from: at(0), to: at(60), country: 'unknown' }),
        )
      ).items,
    ).toHaveLength(2);
    const logins = await listLoginEventsInBucket(
      serviceContext(db(), systemActor),
      LoginBucketFilter.parse({ from: at(0), to: at(60), outcome: 'failed', reason: 'bad_password' }),
    );
    expect(logins.items.map((e) => e.externalId)).toEqual([id]);
  });

  it('accepts only a short window, and only roles that may read analytics', async () => {
    expect(BucketFilter.safeParse({ from: at(0), to: new Date(Date.UTC(2026, 4, 9)).toISOString() }).success).toBe(
      false,
    );
    expect(BucketFilter.safeParse({ from: at(60), to: at(0) }).success).toBe(false);
    const { actor } = await makeStaff(db(), 'analyst');
    await expect(
      listOtpEventsInBucket(serviceContext(db(), actor), BucketFilter.parse({ from: at(0), to: at(60) })),
    ).resolves.toBeDefined();
    await expect(
      listOtpEventsInBucket(
        serviceContext(db(), {
          kind: 'api',
          id: null,
          apiKeyId: 'k',
          email: 'api:x',
          role: 'api',
          scopes: ['events:write'],
        }),
        BucketFilter.parse({ from: at(0), to: at(60) }),
      ),
    ).rejects.toMatchObject({ code: 'forbidden' });
  });
});
