import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { insertAccount, makeStaff, uniqueSuffix } from '@/lib/testing/fixtures';
import { makeApiKey } from '@/lib/testing/ingest-fixtures';
import { setupTestDatabase } from '@/db/testing/test-database';
import { forcePasswordReset } from '@/lib/accounts/force-password-reset';
import { lockAccount } from '@/lib/accounts/lock-account';
import { requireTwoFactor } from '@/lib/accounts/require-two-factor';
import type { StaffActor } from '@/lib/auth/actor';
import { serviceContext } from '@/lib/context';
import { setDatabaseForTests } from '@/lib/database';
import { GET } from './route';

const { db } = setupTestDatabase();
let agent: StaffActor;
beforeAll(async () => {
  agent = (await makeStaff(db(), 'agent')).actor;
  setDatabaseForTests(db());
});
const as = (actor: StaffActor) => serviceContext(db(), actor);
const makeAccount = (overrides: Partial<Parameters<typeof insertAccount>[1]> = {}) =>
  insertAccount(db(), {
    externalId: `cus_${uniqueSuffix()}`,
    email: 'someone@example.com',
    firstEventAt: new Date(),
    ...overrides,
  });
const input = (account: { id: string; version: number }, extra: Record<string, unknown> = {}) => ({
  accountId: account.id,
  version: account.version,
  idempotencyKey: randomUUID(),
  reasonCode: 'suspected_takeover',
  note: 'Customer called: codes they did not ask for',
  ...extra,
});

describe('GET /api/v1/accounts/{id}/security', () => {
  it('reflects each action at once; unknown accounts are 404; keys need accounts:read', async () => {
    const { key } = await makeApiKey(db(), ['accounts:read']);
    const writer = await makeApiKey(db(), ['events:write']);
    const read = (externalId: string, k = key) =>
      GET(
        new Request(`http://localhost/api/v1/accounts/${externalId}/security`, {
          headers: { authorization: `Bearer ${k}` },
        }),
        { params: Promise.resolve({ id: externalId }) },
      );
    const a = await makeAccount({
      reportedTwoFactorEnabled: true,
      reportedTwoFactorMethod: 'sms',
      phone: '+447700900123',
    });
    expect(await (await read(a.externalId)).json()).toEqual({
      status: 'active',
      passwordResetRequired: false,
      twoFactor: { required: false, method: null, disableRequired: false },
      sessionsValidAfter: null,
      version: 1,
      reported: { twoFactor: { enabled: true, method: 'sms' }, email: 'someone@example.com', phone: '+447700900123' },
    });
    const locked = await lockAccount(as(agent), input(a));
    const reset = await forcePasswordReset(as(agent), input({ id: a.id, version: locked.state.version }));
    await requireTwoFactor(as(agent), input({ id: a.id, version: reset.state.version }, { method: 'totp' }));
    expect(await (await read(a.externalId)).json()).toMatchObject({
      status: 'locked',
      passwordResetRequired: true,
      twoFactor: { required: true, method: 'totp' },
      version: 4,
    });
    expect((await read('cus_never_seen')).status).toBe(404);
    expect((await read(a.externalId, writer.key)).status).toBe(403);
  });

  it('401 without a key or with a key outside the Authorization header; a staff session is not enough', async () => {
    const { key } = await makeApiKey(db(), ['accounts:read']);
    const url = 'http://localhost/api/v1/accounts/cus_x/security';
    const params = { params: Promise.resolve({ id: 'cus_x' }) };
    const none = await GET(new Request(url), params);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect((await GET(new Request(`${url}?api_key=${key}`), params)).status).toBe(401);
    expect((await GET(new Request(url, { headers: { 'x-api-key': key } }), params)).status).toBe(401);
    const unknown = await GET(new Request(url, { headers: { authorization: 'Bearer vgl_live_nope' } }), params);
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  });
});
