import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type Browser, type APIRequestContext } from '@playwright/test';
import { createKeyInAdminPage, openAccount, storageState, unique } from './helpers';

/** A fresh customer with 2FA by SMS, posted through the API like the platform does. */
async function freshAccount(browser: Browser, request: APIRequestContext) {
  const admin = await createKeyInAdminPage(browser, ['accounts:read']);
  const accountId = `cus_e2e_act_${unique()}`;
  const now = Date.now();
  const events = [
    {
      id: `${accountId}_1`,
      type: 'account.2fa_changed',
      occurredAt: new Date(now - 120_000).toISOString(),
      account: { id: accountId, email: `${accountId}@example.com` },
      enabled: true,
      method: 'sms',
    },
    {
      id: `${accountId}_2`,
      type: 'login.succeeded',
      occurredAt: new Date(now - 60_000).toISOString(),
      account: { id: accountId },
      method: 'otp',
      context: { deviceId: 'dev_e2e', country: 'GB' },
    },
  ];
  expect(
    (
      await request.post('/api/v1/events', { headers: { authorization: `Bearer ${admin.key}` }, data: { events } })
    ).status(),
  ).toBe(200);
  return { accountId, key: admin.key, close: () => admin.context.close() };
}

test.describe('agent actions on an account', () => {
  test('an agent locks an account with a reason; the platform sees it at once; the trail and the audit log say who, when and why', async ({
    browser,
    request,
  }) => {
    const account = await freshAccount(browser, request);
    const security = () =>
      request.get(`/api/v1/accounts/${account.accountId}/security`, {
        headers: { authorization: `Bearer ${account.key}` },
      });
    expect(await (await security()).json()).toMatchObject({
      status: 'active',
      version: 1,
      reported: { twoFactor: { enabled: true, method: 'sms' } },
    });

    const agent = await browser.newContext({ storageState: storageState('agent') });
    const page = await agent.newPage();
    await openAccount(page, account.accountId);
    await page.getByRole('button', { name: 'Lock account' }).click();
    const dialog = page.getByRole('dialog', { name: 'Lock this account?' });
    await expect(dialog).toBeVisible();
    await dialog.getByLabel('Reason').selectOption('suspected_takeover');
    await dialog.getByLabel('Note (what you checked, who asked)').fill('Customer reports codes they never asked for');
    // A double click submits once: the second press finds the dialog closed or the same key.
    await dialog.getByRole('button', { name: 'Lock account' }).dblclick();
    await expect(page.getByRole('status')).toContainText('Account locked; all sessions ended.');
    await expect(page.getByRole('button', { name: 'Unlock account' })).toBeVisible();
    const trail = page
      .getByRole('table', { name: 'Account timeline' })
      .getByRole('row')
      .filter({ hasText: 'Staff action' });
    await expect(trail.filter({ hasText: /lock by agent@demo\.vigil/ })).toHaveCount(1);
    await expect(trail).toContainText('Suspected account takeover: Customer reports codes they never asked for');
    await expect(page.getByText('We have temporarily locked your account')).toBeVisible();

    expect(await (await security()).json()).toMatchObject({ status: 'locked', version: 2 });
    await agent.close();

    const admin = await browser.newContext({ storageState: storageState('admin') });
    const auditPage = await admin.newPage();
    await auditPage.goto('/audit?action=account.lock&actor=agent@demo.vigil');
    const row = auditPage
      .getByRole('table', { name: 'Audit entries' })
      .getByRole('row')
      .filter({ hasText: 'Customer reports codes they never asked for' });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText('status: "active" → "locked"');
    const download = auditPage.waitForEvent('download');
    await auditPage.getByRole('link', { name: 'Download CSV' }).click();
    const csv = await (await (await download).createReadStream()).toArray();
    expect(Buffer.concat(csv).toString('utf8')).toContain('Customer reports codes they never asked for');
    await admin.close();
    await account.close();
  });

  test('an agent requests 2FA off; the same agent cannot approve; an admin approves and the state changes', async ({
    browser,
    request,
  }) => {
    const account = await freshAccount(browser, request);
    const agent = await browser.newContext({ storageState: storageState('agent') });
    const page = await agent.newPage();
    await openAccount(page, account.accountId);
    const accountUrl = page.url();
    await page.getByRole('button', { name: 'Request 2FA off' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Reason').selectOption('customer_request_verified');
    await dialog
      .getByLabel('Note (what you checked, who asked)')
      .fill('Lost phone; identity checked with order history');
    await dialog.getByRole('button', { name: 'Request 2FA off' }).click();
    await expect(page.getByRole('status')).toContainText('An admin other than you must approve');
    await expect(page.getByText('2FA off requested by you')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Approve 2FA off' })).toHaveCount(0);
    await agent.close();

    const admin = await browser.newContext({ storageState: storageState('admin') });
    const adminPage = await admin.newPage();
    await adminPage.goto(accountUrl);
    await expect(adminPage.getByText('2FA off requested by Sam Agent')).toBeVisible();
    await adminPage.getByRole('button', { name: 'Approve 2FA off' }).click();
    const approve = adminPage.getByRole('dialog');
    await approve.getByLabel('Reason').selectOption('customer_request_verified');
    await approve.getByLabel('Note (what you checked, who asked)').fill('Checked the agent’s notes');
    await approve.getByRole('button', { name: 'Approve 2FA off' }).click();
    await expect(adminPage.getByRole('status')).toContainText(
      '2FA off approved. The customer set it up themselves, so the platform is asked to remove it',
    );
    // The customer enrolled 2FA themselves: the platform is told to remove it until it reports it gone.
    const state = (await (
      await request.get(`/api/v1/accounts/${account.accountId}/security`, {
        headers: { authorization: `Bearer ${account.key}` },
      })
    ).json()) as { twoFactor: unknown };
    expect(state.twoFactor).toEqual({ required: false, method: null, disableRequired: true });
    await expect(adminPage.getByText('waiting for the platform to remove the customer’s own 2FA')).toBeVisible();
    await expect(adminPage.getByRole('button', { name: 'Request 2FA off' })).toHaveCount(0);
    await expect(adminPage.getByRole('table', { name: 'Account timeline' })).toContainText(
      'approve 2fa off by admin@demo.vigil',
    );
    await admin.close();
    await account.close();
  });

  test('analysts see the account but no levers; the security API needs accounts:read and knows only seen accounts', async ({
    browser,
    request,
  }) => {
    const account = await freshAccount(browser, request);
    const analyst = await browser.newContext({ storageState: storageState('analyst') });
    const page = await analyst.newPage();
    await openAccount(page, account.accountId);
    await expect(page.getByText('Your role reads this account; agents and admins act on it.')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Lock account' })).toHaveCount(0);
    await analyst.close();
    expect(
      (
        await request.get('/api/v1/accounts/cus_never_seen_anywhere/security', {
          headers: { authorization: `Bearer ${account.key}` },
        })
      ).status(),
    ).toBe(404);
    expect((await request.get(`/api/v1/accounts/${account.accountId}/security`)).status()).toBe(401);
    await account.close();
  });

  test('the lock server action, replayed without the UI by an analyst or signed out, is refused and changes nothing', async ({
    browser,
    request,
    playwright,
  }) => {
    const account = await freshAccount(browser, request);
    const agent = await browser.newContext({ storageState: storageState('agent') });
    const page = await agent.newPage();
    await openAccount(page, account.accountId);
    // Capture the agent's real server-action request, and stop it before it reaches the server.
    let captured: { url: string; headers: Record<string, string>; body: Buffer } | null = null;
    await page.route('**/accounts/**', async (route) => {
      const r = route.request();
      if (r.method() === 'POST' && r.headers()['next-action']) {
        captured = { url: r.url(), headers: r.headers(), body: r.postDataBuffer()! };
        await route.abort();
      } else await route.continue();
    });
    await page.getByRole('button', { name: 'Lock account' }).click();
    const dialog = page.getByRole('dialog', { name: 'Lock this account?' });
    await dialog.getByLabel('Reason').selectOption('fraud_report');
    await dialog.getByLabel('Note (what you checked, who asked)').fill('replay test');
    await dialog.getByRole('button', { name: 'Lock account' }).click();
    await expect.poll(() => captured).not.toBeNull();
    const { url, headers, body } = captured!;
    const replay = {
      'next-action': headers['next-action']!,
      'content-type': headers['content-type']!,
      accept: 'text/x-component',
      'next-router-state-tree': headers['next-router-state-tree'] ?? '',
    };

    const analyst = await browser.newContext({ storageState: storageState('analyst') });
    const refused = await analyst.request.post(url, { headers: replay, data: body });
    expect(await refused.text()).toContain('You do not have permission to do this.');
    const anonymous = await playwright.request.newContext({ baseURL: test.info().project.use.baseURL });
    // Signed out, the proxy sends it to sign-in (or the action answers that the session ended): never a change.
    const signedOut = await anonymous.post(url, { headers: replay, data: body, maxRedirects: 0 });
    expect([303, 307, 200]).toContain(signedOut.status());
    expect(await signedOut.text()).not.toContain('Account locked');
    const state = (await (
      await request.get(`/api/v1/accounts/${account.accountId}/security`, {
        headers: { authorization: `Bearer ${account.key}` },
      })
    ).json()) as { status: string; version: number };
    expect(state).toMatchObject({ status: 'active', version: 1 });
    await anonymous.dispose();
    await analyst.close();
    await agent.close();
    await account.close();
  });

  test('an admin sets up the webhook; a lock reaches the platform at once, signed; the delivery log shows it', async ({
    browser,
    request,
  }) => {
    const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
    const receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/vigil`;
    const admin = await browser.newContext({ storageState: storageState('admin') });
    const page = await admin.newPage();
    try {
      await page.goto('/admin/webhooks');
      await page.getByLabel('Endpoint URL').fill(url);
      await page.getByRole('checkbox', { name: /Send account.security_changed/ }).check();
      await page.getByRole('button', { name: 'Save webhook' }).click();
      const secret = (await page.getByTestId('one-time-secret').first().textContent())!;
      expect(secret.length).toBeGreaterThan(20);

      const account = await freshAccount(browser, request);
      await openAccount(page, account.accountId);
      await page.getByRole('button', { name: 'Lock account' }).click();
      const dialog = page.getByRole('dialog', { name: 'Lock this account?' });
      await dialog.getByLabel('Reason').selectOption('fraud_report');
      await dialog.getByLabel('Note (what you checked, who asked)').fill('webhook test');
      await dialog.getByRole('button', { name: 'Lock account' }).click();
      await expect(page.getByRole('status')).toContainText('Account locked');

      await expect
        .poll(() => received.find((r) => r.body.includes(account.accountId)), { timeout: 15_000 })
        .toBeDefined();
      const hit = received.find((r) => r.body.includes(account.accountId))!;
      const payload = JSON.parse(hit.body) as { type: string; action: string; state: { status: string } };
      expect(payload).toMatchObject({
        type: 'account.security_changed',
        action: 'account.lock',
        state: { status: 'locked' },
      });
      const [t, v1] = String(hit.headers['vigil-signature'])
        .split(',')
        .map((part) => part.split('=')[1]!);
      expect(v1).toBe(createHmac('sha256', secret).update(`${t}.${hit.body}`).digest('hex'));

      // The receiver sees the body before the worker commits the attempt's row: look until it is there.
      await expect(async () => {
        await page.goto('/admin/webhooks');
        await expect(page.getByRole('table', { name: 'Webhook delivery attempts' })).toContainText(account.accountId, {
          timeout: 1_000,
        });
      }).toPass({ timeout: 20_000 });
      await expect(
        page
          .getByRole('table', { name: 'Webhook delivery attempts' })
          .getByRole('row')
          .filter({ hasText: account.accountId })
          .first(),
      ).toContainText('HTTP 204');
      await account.close();
    } finally {
      await page.goto('/admin/webhooks');
      await page.getByRole('checkbox', { name: /Send account.security_changed/ }).uncheck();
      await page.getByRole('button', { name: 'Save webhook' }).click();
      await expect(page.getByRole('status').first()).toBeVisible();
      await admin.close();
      receiver.close();
    }
  });
});
