import { expect, test } from '@playwright/test';
import { createKeyInAdminPage, storageState, unique } from './helpers';

test.describe('fraud report triage', () => {
  test('a report of an unrequested code reaches the top of the queue with its account and codes; the agent secures the account, replies and resolves; the customer sees it', async ({
    browser,
    request,
  }) => {
    // The platform reports the codes; the customer then reports them.
    const admin = await createKeyInAdminPage(browser, ['accounts:read']);
    const accountId = `cus_e2e_rep_${unique()}`;
    const email = `${accountId}@example.com`;
    const now = Date.now();
    const events = [
      {
        id: `${accountId}_0`,
        type: 'login.succeeded',
        occurredAt: new Date(now - 30 * 86_400_000).toISOString(),
        account: { id: accountId, email },
        context: { deviceId: 'dev_home', country: 'GB' },
      },
      ...Array.from({ length: 2 }, (_, i) => ({
        id: `${accountId}_c${i}`,
        type: 'otp.issued',
        occurredAt: new Date(now - (40 - i) * 60_000).toISOString(),
        account: { id: accountId },
        otpId: `otp_${accountId}_${i}`,
        channel: 'sms',
        purpose: 'login',
        context: { ip: '45.155.205.77', country: 'NL' },
      })),
      {
        id: `${accountId}_f`,
        type: 'otp.failed',
        occurredAt: new Date(now - 38 * 60_000).toISOString(),
        account: { id: accountId },
        otpId: `otp_${accountId}_1`,
        channel: 'sms',
        purpose: 'login',
        reason: 'incorrect',
        context: { ip: '45.155.205.77' },
      },
    ];
    expect(
      (
        await request.post('/api/v1/events', { headers: { authorization: `Bearer ${admin.key}` }, data: { events } })
      ).status(),
    ).toBe(200);
    // The customer, signed out, on a phone.
    const customer = await browser.newContext({
      storageState: { cookies: [], origins: [] },
      viewport: { width: 390, height: 844 },
    });
    const form = await customer.newPage();
    await form.goto('/report');
    await form.getByRole('radio', { name: 'I received a verification code I did not ask for' }).check();
    await form.getByLabel('Email address', { exact: true }).fill(email.toUpperCase());
    await form
      .getByLabel('What did you see or hear?')
      .fill('Two codes arrived that I never asked for <b>please help</b>');
    await form.getByRole('button', { name: 'Send report' }).click();
    const reference = ((await form.getByTestId('report-reference').textContent()) ?? '').trim();
    expect(reference).toMatch(/^VR-/);

    const agent = await browser.newContext({ storageState: storageState('agent') });
    const page = await agent.newPage();
    await page.goto('/reports?priority=high');
    const row = page.getByTestId('report-row').filter({ hasText: reference });
    await expect(row).toBeVisible();
    await expect(row).toContainText(accountId);
    await row.getByRole('link', { name: reference }).click();
    await expect(page.getByText('Two codes arrived that I never asked for <b>please help</b>')).toBeVisible(); // shown as typed, inert
    const evidence = page.getByRole('table', { name: 'Report evidence' });
    await expect(
      evidence.getByRole('row').filter({ hasText: 'code issued · sms · login · from 45.155.205.77 (NL)' }),
    ).toHaveCount(2);

    await page.getByRole('button', { name: 'Claim' }).click();
    await expect(page.getByRole('status')).toContainText('Assigned to Sam Agent');
    await page.getByRole('button', { name: 'Secure account…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Note (what you checked)').fill('Customer confirms they did not request the codes');
    await dialog.getByRole('button', { name: 'Secure account' }).click();
    await expect(page.getByRole('status')).toContainText('Secure-account playbook');
    const security = (await (
      await request.get(`/api/v1/accounts/${accountId}/security`, { headers: { authorization: `Bearer ${admin.key}` } })
    ).json()) as { passwordResetRequired: boolean; sessionsValidAfter: string | null };
    expect(security.passwordResetRequired).toBe(true);
    expect(security.sessionsValidAfter).not.toBeNull();

    await page
      .getByRole('textbox', { name: 'Note or reply' })
      .fill('We have reset your password and signed you out everywhere. Never share a code.');
    await page.getByLabel('Reply to the customer').check();
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Reply sent' })).toBeVisible();
    await page.getByRole('button', { name: 'Resolve…' }).click();
    await page.getByLabel('Resolution').selectOption('account_secured');
    await page.getByRole('button', { name: 'Resolve report' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Report resolved.' })).toBeVisible();
    await expect(page.getByRole('list', { name: 'Report timeline' })).toContainText('playbook secure account');

    // The customer's status page shows the outcome and the reply.
    await form.goto('/report/status');
    await form.getByRole('textbox', { name: 'Reference' }).fill(reference);
    await form.getByRole('textbox', { name: 'Email address or phone number' }).fill(email);
    await form.getByRole('button', { name: 'Show the status' }).click();
    await expect(form.getByTestId('report-status')).toHaveText('Resolved');
    await expect(
      form.getByText('We have reset your password and signed you out everywhere. Never share a code.'),
    ).toBeVisible();
    await customer.close();
    await agent.close();
    await admin.context.close();
  });

  test('a report that matches no account is linked by the agent through an account search, then assigned to someone else', async ({
    browser,
    request,
  }) => {
    const admin = await createKeyInAdminPage(browser);
    const accountId = `cus_e2e_find_${unique()}`;
    const email = `${accountId}@example.com`;
    const event = {
      id: `${accountId}_0`,
      type: 'login.succeeded',
      occurredAt: new Date(Date.now() - 3_600_000).toISOString(),
      account: { id: accountId, email },
      context: { country: 'GB' },
    };
    expect(
      (
        await request.post('/api/v1/events', {
          headers: { authorization: `Bearer ${admin.key}` },
          data: { events: [event] },
        })
      ).status(),
    ).toBe(200);
    // The customer mistypes the address: no account matches it.
    const customer = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    const form = await customer.newPage();
    await form.goto('/report');
    await form.getByRole('radio', { name: 'I received a verification code I did not ask for' }).check();
    await form.getByLabel('Email address', { exact: true }).fill(`${accountId}@exmaple.com`);
    await form.getByLabel('What did you see or hear?').fill('A code came that I did not ask for');
    await form.getByRole('button', { name: 'Send report' }).click();
    const reference = ((await form.getByTestId('report-reference').textContent()) ?? '').trim();

    const agent = await browser.newContext({ storageState: storageState('agent') });
    const page = await agent.newPage();
    await page.goto('/reports?status=new');
    await page.getByTestId('report-row').filter({ hasText: reference }).getByRole('link', { name: reference }).click();
    await expect(page.getByText('No account matches the e-mail or phone given.')).toBeVisible();
    const search = page.getByRole('search', { name: 'Find the account' });
    await search.getByLabel('Find the account').fill('nothing-like-this-exists');
    await search.getByRole('button', { name: 'Search' }).click();
    await expect(page.getByText('No account matches “nothing-like-this-exists”.')).toBeVisible();
    // Part of the address the customer meant finds the account, with its contact for the agent to check.
    await search.getByLabel('Find the account').fill(accountId.slice(4).toUpperCase());
    await search.getByRole('button', { name: 'Search' }).click();
    const found = page.getByRole('list', { name: 'Accounts found' }).getByRole('listitem');
    await expect(found).toHaveCount(1);
    await expect(found).toContainText(email);
    await found.getByRole('button', { name: /^Link / }).click();
    // Linked: the account replaces the search, and the timeline records who linked it.
    await expect(page.getByRole('link', { name: accountId })).toHaveAttribute('href', /^\/accounts\/[0-9a-f-]{36}$/);
    await expect(page.getByRole('search', { name: 'Find the account' })).toHaveCount(0);
    await expect(page.getByRole('list', { name: 'Report timeline' })).toContainText('link account');

    // The agent hands the report to an admin (analysts are not on the list: they cannot work reports).
    const assign = page.getByRole('form', { name: 'Assign report' });
    await expect(assign.getByRole('option', { name: 'Alex Analyst' })).toHaveCount(0);
    await assign.getByLabel('Assign to').selectOption({ label: 'Ada Admin' });
    await assign.getByRole('button', { name: 'Assign' }).click();
    await expect(page.getByRole('status')).toContainText('Assigned to Ada Admin.');
    await expect(page.getByRole('definition').filter({ hasText: /^Ada Admin$/ })).toBeVisible();
    await expect(assign.getByLabel('Assign to')).toHaveValue(/^[0-9a-f-]{36}$/);

    // The account page now lists the report, with its status and who holds it.
    await page.getByRole('link', { name: accountId }).click();
    const filed = page
      .getByRole('table', { name: 'Account timeline' })
      .getByRole('row')
      .filter({ hasText: `Report ${reference} filed` });
    await expect(filed).toContainText('Ada Admin');
    await filed.getByRole('link', { name: 'Open report' }).click();
    await expect(page).toHaveURL(/\/reports\/[0-9a-f-]{36}$/);
    await customer.close();
    await agent.close();
    await admin.context.close();
  });

  test('the report workflow over HTTP, for staff sessions: a stale version or a skipped step is 409 with the report as it is now', async ({
    browser,
    request,
  }) => {
    // Filed by the platform's app (a reports:write key skips the per-IP limit the public form tests use up).
    const app = await createKeyInAdminPage(browser, ['reports:write']);
    const filed = await request.post('/api/v1/reports', {
      headers: { authorization: `Bearer ${app.key}` },
      data: {
        category: 'other',
        email: `e2e.patch.${unique()}@example.com`,
        description: 'Something odd happened on my account',
      },
    });
    expect(filed.status()).toBe(201);
    await app.context.close();
    const { reference } = (await filed.json()) as { reference: string };
    const agent = await browser.newContext({ storageState: storageState('agent') });
    const page = await agent.newPage();
    await page.goto('/reports?status=new');
    await page.getByTestId('report-row').filter({ hasText: reference }).getByRole('link', { name: reference }).click();
    await expect(page).toHaveURL(/\/reports\/[0-9a-f-]{36}$/);
    const id = new URL(page.url()).pathname.split('/').pop()!;
    const patch = (data: unknown, as = page.request, target = id) => as.patch(`/api/v1/reports/${target}`, { data });

    const triaged = await patch({ status: 'triaged', version: 1 });
    expect(triaged.status()).toBe(200);
    expect(await triaged.json()).toMatchObject({ changed: true, report: { status: 'triaged', version: 2 } });
    // Bad values are 400s naming the field as this API calls it.
    const badStatus = await patch({ status: 'closed', version: 2 });
    expect(badStatus.status()).toBe(400);
    expect(((await badStatus.json()) as { fieldErrors: Record<string, unknown> }).fieldErrors).toHaveProperty('status');
    const noVersion = await patch({ status: 'investigating' });
    expect(noVersion.status()).toBe(400);
    expect(((await noVersion.json()) as { fieldErrors: Record<string, unknown> }).fieldErrors).toHaveProperty(
      'version',
    );
    const stale = await patch({ status: 'investigating', version: 1 });
    expect(stale.status()).toBe(409);
    expect(await stale.json()).toMatchObject({ error: 'conflict', current: { status: 'triaged', version: 2 } });
    const skipped = await patch({ status: 'awaiting_customer', version: 2 });
    expect(skipped.status()).toBe(409);
    const noResolution = await patch({ status: 'resolved', version: 2 });
    expect(noResolution.status()).toBe(400);
    expect(await noResolution.json()).toMatchObject({
      error: 'invalid',
      fieldErrors: { resolution: [expect.stringContaining('required')] },
    });
    const assigned = await patch({ assigneeId: null, version: 2 });
    expect(await assigned.json()).toMatchObject({ changed: false });
    const resolved = await patch({
      status: 'resolved',
      resolution: 'no_action_needed',
      note: 'Checked with the customer',
      version: 2,
    });
    expect(await resolved.json()).toMatchObject({
      changed: true,
      report: { status: 'resolved', resolution: 'no_action_needed', version: 3 },
    });
    await page.reload();
    await expect(page.getByRole('list', { name: 'Report timeline' })).toContainText('Checked with the customer');

    // Guessed ids are the same 404 as missing ones; analysts read reports but do not work them; signed out is 401.
    expect(
      (await patch({ status: 'triaged', version: 1 }, page.request, '00000000-0000-4000-8000-000000000000')).status(),
    ).toBe(404);
    expect((await patch({ status: 'triaged', version: 1 }, page.request, 'nonsense')).status()).toBe(404);
    const analyst = await browser.newContext({ storageState: storageState('analyst') });
    expect((await patch({ status: 'triaged', version: 3 }, analyst.request)).status()).toBe(403);
    const anonymous = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    expect((await patch({ status: 'triaged', version: 3 }, anonymous.request)).status()).toBe(401);
    await Promise.all([agent.close(), analyst.close(), anonymous.close()]);
  });

  test('campaigns group the demo phishing wave; analysts read reports but get no levers', async ({ browser }) => {
    const analyst = await browser.newContext({ storageState: storageState('analyst') });
    const page = await analyst.newPage();
    await page.goto('/reports/campaigns');
    const wave = page
      .getByRole('table', { name: 'Campaigns' })
      .getByRole('row')
      .filter({ hasText: 'royal-parcel-redelivery.example' });
    await expect(wave).toContainText('8');
    await wave.getByRole('link').click();
    await expect(page.getByRole('table', { name: 'Reports in the campaign' }).getByRole('row')).toHaveCount(9);
    await page.getByRole('table', { name: 'Reports in the campaign' }).getByRole('link').first().click();
    await expect(page.getByText('Your role reads reports; agents and admins work them.')).toBeVisible();
    await analyst.close();
  });
});
