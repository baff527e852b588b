import { beforeAll, describe, expect, it } from 'vitest';
import { setupTestDatabase } from '@/db/testing/test-database';
import { setDatabaseForTests } from '@/lib/database';
import { ingestBatch } from '@/lib/ingest/ingest-batch';
import { loginEvent, uniqueSuffix } from '@/lib/testing/fixtures';
import { makeApiKey } from '@/lib/testing/ingest-fixtures';
import { POST } from './route';

const { db } = setupTestDatabase();
beforeAll(() => setDatabaseForTests(db()));

const post = (externalId: string, key: string, body: unknown) =>
  POST(
    new Request(`http://localhost/api/v1/accounts/${externalId}/report-links`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
    { params: Promise.resolve({ id: externalId }) },
  );

describe('POST /api/v1/accounts/{id}/report-links', () => {
  it('answers 201 { url, expiresAt } to a reports:write key; 400 names eventIds; 404 for an unknown account; 403 without the scope', async () => {
    const { key } = await makeApiKey(db(), ['reports:write']);
    const reader = await makeApiKey(db(), ['accounts:read']);
    const externalId = `cus_${uniqueSuffix()}`;
    const event = loginEvent(externalId, new Date());
    await ingestBatch(db(), [event]);

    const created = await post(externalId, key, { eventIds: [event.id] });
    expect(created.status).toBe(201);
    const body = (await created.json()) as { url: string; expiresAt: string };
    expect(new URL(body.url).pathname).toBe('/report');
    expect(new URL(body.url).searchParams.get('link')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.now());

    const refused = await post(externalId, key, { eventIds: ['evt_not_this_accounts'] });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ fieldErrors: { eventIds: [expect.any(String)] } });
    expect((await post(externalId, key, {})).status).toBe(400);
    expect((await post(`cus_never_${uniqueSuffix()}`, key, { eventIds: ['x'] })).status).toBe(404);
    expect((await post(externalId, reader.key, { eventIds: [event.id] })).status).toBe(403);
  });
});
