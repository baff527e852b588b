import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { createKeyInAdminPage, storageState, unique } from './helpers';

test.describe('alert queue', () => {
  test('an incident posted through the API appears in the queue without a reload, is assigned and resolved', async ({
    browser,
    request,
  }) => {
    const admin = await createKeyInAdminPage(browser, ['alerts:read']);
    const agent = await browser.newContext({ storageState: storageState('agent') });
    const page = await agent.newPage();
    await page.goto('/alerts?rule=unrequested_otp_burst');
    await expect(page.getByRole('heading', { name: 'Alerts' })).toBeVisible();

    const accountId = `cus_e2e_bomb_${unique()}`;
    const now = Date.now();
    const events = Array.from({ length: 6 }, (_, i) => ({
      id: `${accountId}_${i}`,
      type: 'otp.issued',
      occurredAt: new Date(now - 300_000 + i * 30_000).toISOString(),
      account: { id: accountId },
      otpId: `otp_${accountId}_${i}`,
      channel: 'sms',
      purpose: 'login',
      context: { ip: '45.155.205.99', country: 'NL', deviceId: 'dev_e2e_bomber' },
    }));
    const headers = { authorization: `Bearer ${admin.key}` };
    expect((await request.post('/api/v1/events', { headers, data: { events } })).status()).toBe(200);

    // No reload: the page refreshes itself.
    const row = page.getByTestId('alert-row').filter({ hasText: accountId });
    await expect(row).toBeVisible({ timeout: 15_000 });
    await expect(row).toContainText('6 codes issued (SMS)');

    // The platform reads the same alert with its key.
    const api = await request.get(`/api/v1/alerts?accountId=${accountId}`, { headers });
    expect(api.status()).toBe(200);
    const body = (await api.json()) as {
      alerts: { rule: string; status: string; evidence: string[]; evidenceCount: number }[];
    };
    expect(body.alerts).toHaveLength(1);
    expect(body.alerts[0]).toMatchObject({ rule: 'unrequested_otp_burst', status: 'open', evidenceCount: 6 });
    expect(body.alerts[0]!.evidence).toEqual(events.map((e) => e.id));

    // Keyboard: j/k move between rows (the demo's own burst on Nadia Okafor sorts before this one).
    await row.focus();
    await page.keyboard.press('k');
    await expect(page.getByTestId('alert-row').filter({ hasText: 'Nadia Okafor' })).toBeFocused();
    await page.keyboard.press('j');
    await expect(row).toBeFocused();
    // Assign to me with "a".
    await page.keyboard.press('a');
    await expect(row).toContainText('Sam Agent');
    await page.keyboard.press('e');
    await expect(row).toContainText('acknowledged');

    await row.getByRole('link', { name: 'Unrequested OTP burst' }).click();
    await expect(page.getByRole('table', { name: 'Evidence events' }).getByRole('row')).toHaveCount(7);
    await page.getByRole('button', { name: 'Resolve…' }).click();
    await page.getByRole('button', { name: 'Resolve alert' }).click();
    // A reason is required: the browser keeps the form open until one is typed.
    await expect(page.getByLabel('What was done (required)')).toBeVisible();
    await page
      .getByLabel('What was done (required)')
      .fill('Customer confirmed they did not ask; password reset forced');
    await page.getByRole('button', { name: 'Resolve alert' }).click();
    await expect(page.getByRole('status')).toContainText('Alert resolved.');
    await expect(
      page.getByRole('heading', { name: 'Unrequested OTP burst' }).locator('..').getByText('resolved'),
    ).toBeVisible();
    await expect(page.getByText('Customer confirmed they did not ask').first()).toBeVisible();
    const after = (await (await request.get(`/api/v1/alerts?accountId=${accountId}`, { headers })).json()) as {
      alerts: { status: string }[];
    };
    expect(after.alerts[0]!.status).toBe('resolved');
    await agent.close();
    await admin.context.close();
  });

  test('bulk dismiss with one reason clears the selected alerts from the queue', async ({ browser, request }) => {
    const admin = await createKeyInAdminPage(browser);
    const tag = unique();
    const now = Date.now();
    const accounts = [`cus_e2e_brute_${tag}_a`, `cus_e2e_brute_${tag}_b`];
    const events = accounts.flatMap((accountId) =>
      Array.from({ length: 10 }, (_, i) => ({
        id: `${accountId}_${i}`,
        type: 'login.failed',
        reason: 'bad_password',
        occurredAt: new Date(now - 300_000 + i * 20_000).toISOString(),
        account: { id: accountId },
        context: { ip: '203.0.113.200' },
      })),
    );
    expect(
      (
        await request.post('/api/v1/events', { headers: { authorization: `Bearer ${admin.key}` }, data: { events } })
      ).status(),
    ).toBe(200);
    const agent = await browser.newContext({ storageState: storageState('agent') });
    const page = await agent.newPage();
    await page.goto('/alerts?rule=password_bruteforce');
    for (const accountId of accounts) {
      const row = page.getByTestId('alert-row').filter({ hasText: accountId });
      await expect(row).toBeVisible({ timeout: 15_000 });
      await row.getByRole('checkbox').check();
    }
    await expect(page.getByText('2 selected')).toBeVisible();
    await page.getByLabel('Reason for dismissing').fill('Load test from our QA team');
    await page.getByRole('button', { name: 'Dismiss', exact: true }).click();
    await expect(page.getByRole('status').filter({ hasText: '2 dismissed' })).toBeVisible();
    await expect(page.getByTestId('alert-row').filter({ hasText: tag })).toHaveCount(0);
    await agent.close();
    await admin.context.close();
  });

  test('a stale page gets a conflict, not a lost update', async ({ browser, request }) => {
    const admin = await createKeyInAdminPage(browser);
    const accountId = `cus_e2e_guess_${unique()}`;
    const now = Date.now();
    const events = Array.from({ length: 5 }, (_, i) => ({
      id: `${accountId}_${i}`,
      type: 'otp.failed',
      reason: 'incorrect',
      occurredAt: new Date(now - 200_000 + i * 20_000).toISOString(),
      account: { id: accountId },
      otpId: `otp_${accountId}_${Math.floor(i / 3)}`,
      channel: 'sms',
      purpose: 'login',
    }));
    expect(
      (
        await request.post('/api/v1/events', { headers: { authorization: `Bearer ${admin.key}` }, data: { events } })
      ).status(),
    ).toBe(200);
    const agent = await browser.newContext({ storageState: storageState('agent') });
    const page = await agent.newPage();
    await page.goto('/alerts?rule=otp_guessing');
    const row = page.getByTestId('alert-row').filter({ hasText: accountId });
    await expect(row).toBeVisible({ timeout: 15_000 });
    await row.getByRole('link', { name: 'OTP guessing' }).click();
    await page.waitForURL(/\/alerts\/[0-9a-f-]{36}$/);
    const alertId = page.url().split('/').pop()!;

    // Someone else acknowledges it first, over the staff API, with the version both saw.
    const other = await browser.newContext({ storageState: storageState('admin') });
    const patched = await other.request.patch(`/api/v1/alerts/${alertId}`, {
      data: { status: 'acknowledged', version: 1 },
    });
    expect(patched.status()).toBe(200);
    const stale = await other.request.patch(`/api/v1/alerts/${alertId}`, { data: { assigneeId: null, version: 1 } });
    expect(stale.status()).toBe(200); // already unassigned: nothing to do, says so
    const conflict = await other.request.patch(`/api/v1/alerts/${alertId}`, {
      data: { status: 'dismissed', reason: 'x', version: 1 },
    });
    expect(conflict.status()).toBe(409);
    expect(((await conflict.json()) as { current: { status: string; version: number } }).current).toMatchObject({
      status: 'acknowledged',
      version: 2,
    });
    const noReason = await other.request.patch(`/api/v1/alerts/${alertId}`, {
      data: { status: 'resolved', version: 2 },
    });
    expect(noReason.status()).toBe(400);
    expect(((await noReason.json()) as { fieldErrors: Record<string, string[]> }).fieldErrors).toHaveProperty('reason');
    // Guessed and malformed ids get the same 404 as a missing alert.
    for (const guess of ['00000000-0000-4000-8000-000000000000', 'nonsense']) {
      expect(
        (
          await other.request.patch(`/api/v1/alerts/${guess}`, { data: { status: 'acknowledged', version: 1 } })
        ).status(),
      ).toBe(404);
    }

    // This page still shows version 1: its dismiss is refused with the fresh state, nothing lost.
    await page.getByRole('button', { name: 'Dismiss…' }).click();
    await page.getByLabel('Why this is not a threat (required)').fill('QA traffic');
    await page.getByRole('button', { name: 'Dismiss alert' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'Someone changed this alert' })).toBeVisible();
    await other.close();
    await agent.close();
    await admin.context.close();
  });

  test('signed out, the alerts API is refused; analysts read the queue but cannot act', async ({
    browser,
    playwright,
  }) => {
    const anonymous = await playwright.request.newContext({ baseURL: test.info().project.use.baseURL });
    expect((await anonymous.get('/api/v1/alerts')).status()).toBe(401);
    await anonymous.dispose();
    const analyst = await browser.newContext({ storageState: storageState('analyst') });
    const page = await analyst.newPage();
    await page.goto('/alerts?status=all');
    await expect(page.getByTestId('alert-row').first()).toBeVisible();
    await expect(page.getByRole('checkbox')).toHaveCount(0);
    await page.getByTestId('alert-row').first().getByRole('link').first().click();
    await expect(page.getByText('Your role reads alerts; agents and admins work them.')).toBeVisible();
    const results = await new AxeBuilder({ page }).analyze();
    expect(
      results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id),
    ).toEqual([]);
    await analyst.close();
  });

  test('analysts tune detection rules; the change is saved and applies to the form', async ({ browser }) => {
    const analyst = await browser.newContext({ storageState: storageState('analyst') });
    const page = await analyst.newPage();
    await page.goto('/alerts/rules');
    const guessing = page.getByRole('region', { name: /OTP guessing/ });
    await guessing.getByLabel('Within').fill('12');
    await page.getByRole('button', { name: 'Save detection rules' }).click();
    await expect(page.getByRole('status')).toContainText('Saved 1 change');
    await page.reload();
    await expect(page.getByRole('region', { name: /OTP guessing/ }).getByLabel('Within')).toHaveValue('12');
    await page
      .getByRole('region', { name: /OTP guessing/ })
      .getByLabel('Within')
      .fill('10');
    await page.getByRole('button', { name: 'Save detection rules' }).click();
    await expect(page.getByRole('status')).toContainText('Saved 1 change');
    await analyst.close();
    const agent = await browser.newContext({ storageState: storageState('agent') });
    const agentPage = await agent.newPage();
    await agentPage.goto('/alerts/rules');
    await expect(agentPage.getByText('Analysts and admins change these; your role reads them.')).toBeVisible();
    await expect(agentPage.getByRole('button', { name: 'Save detection rules' })).toHaveCount(0);
    await agent.close();
  });
});
