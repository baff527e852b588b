import { beforeAll, describe, expect, it } from 'vitest';
import { uniqueSuffix } from '@/lib/testing/fixtures';
import { makeApiKey } from '@/lib/testing/ingest-fixtures';
import { setupTestDatabase } from '@/db/testing/test-database';
import { setDatabaseForTests } from '@/lib/database';
import type { IngestEvent } from '@/lib/ingest/event-schema';
import { ingestBatch } from '@/lib/ingest/ingest-batch';
import { GET } from './route';

const { db } = setupTestDatabase();
const range = { from: '2026-02-03T09:00:00Z', to: '2026-02-03T13:00:00Z', granularity: 'hour' };
const url = `http://localhost/api/v1/metrics/otp?${new URLSearchParams(range).toString()}`;
const noParams = { params: Promise.resolve({}) };
const withKey = (key: string, target = url) => new Request(target, { headers: { authorization: `Bearer ${key}` } });

beforeAll(async () => {
  setDatabaseForTests(db());
  const issued = (n: number): IngestEvent => ({
    id: `r_${uniqueSuffix()}_${n}`,
    type: 'otp.issued',
    occurredAt: `2026-02-03T1${n}:00:00Z`,
    account: { id: 'cus_route' },
    otpId: `o${n}`,
    channel: 'sms',
    purpose: 'login',
    context: { country: 'GB' },
  });
  await ingestBatch(db(), [issued(0), issued(1)]);
});

describe('GET /api/v1/metrics/otp', () => {
  it('API keys only with metrics:read; a key in the URL is refused; bad parameters are named', async () => {
    const reader = await makeApiKey(db(), ['metrics:read']);
    const writer = await makeApiKey(db(), ['events:write']);
    const ok = await GET(withKey(reader.key), noParams);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { totals: { issued: number } }).totals.issued).toBe(2);
    const refused = await GET(withKey(writer.key), noParams);
    expect(refused.status).toBe(403);
    const refusal = (await refused.json()) as { error: string; message: string };
    expect(refusal.error).toBe('forbidden');
    expect(refusal.message).toContain('metrics:read');
    expect((await GET(new Request(`${url}&note=${reader.key}`), noParams)).status).toBe(401);
    const yearZero = await GET(
      withKey(reader.key, url.replace(/from=[^&]+/, 'from=0000-01-01T00%3A00%3A00Z')),
      noParams,
    );
    expect(yearZero.status).toBe(400);
    const badParam = await GET(withKey(reader.key, url.replace('granularity=hour', 'granularity=week')), noParams);
    expect(badParam.status).toBe(400);
    expect(await badParam.json()).toMatchObject({ error: 'invalid_parameter', parameter: 'granularity' });
  });

  it('signed out and without a key: 401', async () => {
    expect((await GET(new Request(url), noParams)).status).toBe(401);
  });
});
