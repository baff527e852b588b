import { expect, test } from '@playwright/test';
import { createKeyInAdminPage, storageState, unique } from './helpers';

test.describe('event ingest over HTTP', () => {
  test('the platform posts a batch with a key from the admin page, replays it safely, and the account appears', async ({
    browser,
    request,
  }) => {
    const admin = await createKeyInAdminPage(browser);
    const accountId = `cus_e2e_${unique()}`;
    const email = `${accountId}@example.com`;
    const now = Date.now();
    const events = [
      {
        id: `${accountId}_1`,
        type: 'otp.issued',
        occurredAt: new Date(now - 120_000).toISOString(),
        account: { id: accountId, email },
        otpId: 'o1',
        channel: 'sms',
        purpose: 'delivery',
        context: { ip: '2001:db8::7', country: 'NL' },
      },
      {
        id: `${accountId}_2`,
        type: 'otp.verified',
        occurredAt: new Date(now - 60_000).toISOString(),
        account: { id: accountId },
        otpId: 'o1',
        channel: 'sms',
        purpose: 'delivery',
      },
      {
        id: `${accountId}_3`,
        type: 'login.succeeded',
        occurredAt: new Date(now - 30_000).toISOString(),
        account: { id: accountId },
        method: 'otp',
        context: { deviceId: 'dev_e2e', country: 'NL' },
      },
    ];
    const headers = { authorization: `Bearer ${admin.key}` };
    const first = await request.post('/api/v1/events', { headers, data: { events } });
    expect(first.status()).toBe(200);
    expect(await first.json()).toEqual({ accepted: 3, duplicates: 0, expired: 0 });
    const replay = await request.post('/api/v1/events', { headers, data: { events } });
    expect(await replay.json()).toEqual({ accepted: 0, duplicates: 3, expired: 0 });

    const agent = await browser.newContext({ storageState: storageState('agent') });
    const page = await agent.newPage();
    await page.goto(`/accounts?q=${accountId}`);
    await page.getByRole('link', { name: accountId }).click();
    await expect(page.getByText(email)).toBeVisible();
    const timeline = page.getByRole('table', { name: 'Account timeline' });
    await expect(timeline).toContainText('dev_e2e');
    await expect(timeline).toContainText('delivery hand-over');
    await agent.close();

    // Revoked in the admin page: refused on the very next request.
    const row = admin.page.getByRole('row', { name: new RegExp(admin.name) });
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByRole('button', { name: 'Yes, revoke' }).click();
    await expect(row).toContainText('revoked');
    const refused = await request.post('/api/v1/events', { headers, data: { events } });
    expect(refused.status()).toBe(401);
    await admin.context.close();
  });

  test('contract status codes over real HTTP', async ({ browser, request }) => {
    const admin = await createKeyInAdminPage(browser);
    const auth = { authorization: `Bearer ${admin.key}` };
    const event = {
      id: `e_${unique()}`,
      type: 'login.failed',
      reason: 'bad_password',
      occurredAt: new Date().toISOString(),
      account: { id: `cus_${unique()}` },
    };
    expect((await request.post('/api/v1/events', { data: { events: [event] } })).status()).toBe(401);
    expect((await request.post(`/api/v1/events?api_key=${admin.key}`, { data: { events: [event] } })).status()).toBe(
      401,
    );
    expect(
      (
        await request.post('/api/v1/events', {
          headers: { ...auth, 'content-type': 'text/plain' },
          data: Buffer.from(JSON.stringify({ events: [event] })),
        })
      ).status(),
    ).toBe(415);
    const tooMany = { events: Array.from({ length: 1001 }, (_, i) => ({ ...event, id: `${event.id}_${i}` })) };
    expect((await request.post('/api/v1/events', { headers: auth, data: tooMany })).status()).toBe(413);
    const malformed = await request.post('/api/v1/events', {
      headers: { ...auth, 'content-type': 'application/json' },
      data: Buffer.from('{"events": ['),
    });
    expect(malformed.status()).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: 'invalid_json' });
    const invalid = await request.post('/api/v1/events', {
      headers: auth,
      data: { events: [event, { ...event, id: `${event.id}_b`, context: { country: 'nl' } }] },
    });
    expect(invalid.status()).toBe(400);
    expect(await invalid.json()).toMatchObject({
      error: 'invalid_events',
      details: [{ index: 1, path: 'events.1.context.country' }],
    });
    expect(await (await request.post('/api/v1/events', { headers: auth, data: { events: [event] } })).json()).toEqual({
      accepted: 1,
      duplicates: 0,
      expired: 0,
    });
    await admin.context.close();
  });

  test('the OpenAPI document is public and describes the events endpoint', async ({ request }) => {
    const res = await request.get('/api/v1/openapi.json');
    expect(res.status()).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, { post: { responses: Record<string, unknown> } }>;
      components: { schemas: Record<string, unknown> };
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths['/api/v1/events']!.post.responses).sort()).toEqual([
      '200',
      '400',
      '401',
      '403',
      '413',
      '415',
      '429',
      '503',
    ]);
    expect(doc.paths['/api/v1/alerts']).toBeDefined();
    expect(doc.components.schemas).toHaveProperty('AlertPage');
    expect(JSON.stringify(doc.components.schemas.Event)).toContain('otp.delivery_failed');
  });
});
