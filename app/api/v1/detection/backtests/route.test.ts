import { beforeAll, describe, expect, it } from 'vitest';
import { setupTestDatabase } from '@/db/testing/test-database';
import { setDatabaseForTests } from '@/lib/database';
import { makeApiKey } from '@/lib/testing/ingest-fixtures';
import { POST as cancel } from './[id]/cancel/route';
import { GET } from './[id]/route';
import { POST } from './route';

const { db } = setupTestDatabase();
beforeAll(() => setDatabaseForTests(db()));

const id = '00000000-0000-4000-8000-000000000000';
const call = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
  new Request(`http://localhost/api/v1/detection/backtests${path}`, {
    method,
    headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });

// Staff sessions (202, progress, the result, cancel) are covered over real HTTP in e2e/backtest.spec.ts.
describe('/api/v1/detection/backtests', () => {
  it('is for staff sessions: no credentials is 401, an API key is 403 whatever its scopes', async () => {
    const body = { rule: 'otp_guessing', settings: {} };
    expect((await POST(call('POST', '', {}, body), { params: Promise.resolve({}) })).status).toBe(401);
    const { key } = await makeApiKey(db(), ['alerts:read', 'metrics:read']);
    const bearer = { authorization: `Bearer ${key}` };
    const refused = await POST(call('POST', '', bearer, body), { params: Promise.resolve({}) });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ message: 'API keys cannot run backtests.' });
    expect((await GET(call('GET', `/${id}`, bearer), { params: Promise.resolve({ id }) })).status).toBe(403);
    expect((await cancel(call('POST', `/${id}/cancel`, bearer), { params: Promise.resolve({ id }) })).status).toBe(403);
  });
});
