import { describe, expect, it } from 'vitest';
import { setupTestDatabase } from '@/db/testing/test-database';
import { serviceContext } from '@/lib/context';
import type { IngestEvent } from '@/lib/ingest/event-schema';
import { ingestBatch } from '@/lib/ingest/ingest-batch';
import { makeStaff, uniqueSuffix } from '@/lib/testing/fixtures';
import { codesByPrefix, codesOfPrefix } from './codes-by-prefix';

const { db } = setupTestDatabase();

let n = 0;
const id = (p: string) => `${p}_${uniqueSuffix()}_${(n += 1)}`;
// A day of its own, so that no other test's codes fall in the range.
const day = Date.parse('2021-03-04T00:00:00Z');
const range = { from: '2021-03-04T00:00:00.000Z', to: '2021-03-05T00:00:00.000Z' };

/** `count` codes to distinct numbers under `prefix` from `accounts` accounts, `verified` of them used. */
function codes(prefix: string, count: number, verified: number, accounts: number): IngestEvent[] {
  const ids = Array.from({ length: accounts }, () => id('cus'));
  return Array.from({ length: count }, (_, i) => {
    const account = { id: ids[i % accounts]!, phone: `${prefix}${String(1_000_000 + i).slice(1)}1` };
    const otp = { otpId: id('otp'), channel: 'sms' as const, purpose: 'login' as const };
    const at = day + 3_600_000 + i * 60_000;
    const issued: IngestEvent = {
      id: id('evt'),
      type: 'otp.issued',
      occurredAt: new Date(at).toISOString(),
      account,
      ...otp,
    };
    return i < verified
      ? [
          issued,
          {
            id: id('evt'),
            type: 'otp.verified' as const,
            occurredAt: new Date(at + 30_000).toISOString(),
            account,
            ...otp,
          },
        ]
      : [issued];
  }).flat();
}

describe('codes by destination prefix', () => {
  it('groups by the rule’s prefix length, counts issued, verified, numbers and accounts, and flags a prefix far below', async () => {
    await ingestBatch(db(), [
      ...codes('+44770', 40, 36, 10),
      ...codes('+44771', 30, 24, 6),
      ...codes('+234905', 25, 1, 2),
    ]);
    const { actor } = await makeStaff(db(), 'analyst');
    const table = await codesByPrefix(serviceContext(db(), actor), range, 'conversion');
    expect(table.digits).toBe(3);
    expect(table.overallConversion).toBeCloseTo(61 / 95, 5);
    expect(table.rows.map((r) => r.prefix)).toEqual(['+234905', '+44771', '+44770']);
    expect(table.rows[0]).toMatchObject({
      countryCode: '234',
      issued: 25,
      verified: 1,
      numbers: 25,
      accounts: 2,
      farBelow: true,
    });
    expect(table.rows[2]).toMatchObject({
      issued: 40,
      verified: 36,
      conversion: 0.9,
      numbers: 40,
      accounts: 10,
      farBelow: false,
    });

    const byIssued = await codesByPrefix(serviceContext(db(), actor), range, 'issued');
    expect(byIssued.rows.map((r) => r.prefix)).toEqual(['+44770', '+44771', '+234905']);
  });

  it('drills down to the codes, newest first, numbers masked for a role that does not see contacts', async () => {
    const { actor: analyst } = await makeStaff(db(), 'analyst');
    const { actor: agent } = await makeStaff(db(), 'agent');
    const masked = await codesOfPrefix(serviceContext(db(), analyst), '+234905', range);
    expect(masked).toHaveLength(25);
    expect(masked[0]!.occurredAt.getTime()).toBeGreaterThan(masked[24]!.occurredAt.getTime());
    expect(masked.every((c) => c.number?.startsWith('+234 ••• •••'))).toBe(true);
    expect(masked.filter((c) => c.verified)).toHaveLength(1);
    const plain = await codesOfPrefix(serviceContext(db(), agent), '+234905', range);
    expect(plain.every((c) => c.number?.startsWith('+234905'))).toBe(true);
  });
});
