import { expect, test } from '@playwright/test';
import { storageState } from './helpers';

test.describe('agent finds an account and reads its history', () => {
  test.use({ storageState: storageState('agent') });

  test('search by part of an e-mail, open the account, read the login history', async ({ page }) => {
    await page.goto('/accounts');
    await page.getByRole('searchbox', { name: 'Search accounts' }).fill('OKAFOR@exam');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(page).toHaveURL(/q=OKAFOR%40exam/);
    const row = page.getByRole('row', { name: /Nadia Okafor/ });
    await expect(row).toContainText('nadia.okafor@example.com');
    await row.getByRole('link', { name: 'Nadia Okafor' }).click();
    await expect(page.getByRole('heading', { name: 'Nadia Okafor' })).toBeVisible();
    await expect(page.getByRole('tab', { name: 'Login history', selected: true })).toBeVisible();
    await expect(page.getByRole('table', { name: 'Login history' }).getByRole('row')).not.toHaveCount(0);
    await page.getByRole('tab', { name: 'One-time codes' }).click();
    // The planted OTP bombing: codes issued from an unknown IP.
    await expect(page.getByRole('table', { name: 'One-time codes' })).toContainText('45.155.205.3');
  });

  test('the top-bar lookup finds by phone digits', async ({ page }) => {
    await page.goto('/');
    await page.getByRole('searchbox', { name: 'Look up an account' }).fill('+44 7700 900222');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('row', { name: /Oliver Bennett/ })).toBeVisible();
  });

  test('filter the history and page through it', async ({ page }) => {
    await page.goto('/accounts?q=cus_demo_traveller');
    await page.getByRole('link', { name: 'Oliver Bennett' }).click();
    await expect(page.getByRole('heading', { name: 'Oliver Bennett' })).toBeVisible();
    const table = page.getByRole('table', { name: 'Login history' });
    await expect(table).toContainText('new country');

    const firstPage = await table.locator('tbody tr').allInnerTexts();
    await page.getByRole('link', { name: 'Older' }).click();
    await expect(page).toHaveURL(/after=/);
    const secondPage = await table.locator('tbody tr').allInnerTexts();
    expect(secondPage.length).toBeGreaterThan(0);
    expect(secondPage).not.toEqual(firstPage);
    await page.getByRole('link', { name: 'Newer' }).click();
    await expect(page).not.toHaveURL(/after=/);
    expect(await table.locator('tbody tr').allInnerTexts()).toEqual(firstPage);

    // A cursor that leads past the oldest event (an old or edited link) still offers the way back.
    const accountUrl = new URL(page.url());
    await page.goto(`${accountUrl.pathname}?after=${Buffer.from('1971-01-01T00:00:00.000Z|1').toString('base64url')}`);
    await expect(page.getByText('No login events match')).toBeVisible();
    await page.getByRole('link', { name: 'Newest' }).click();
    await expect(page).not.toHaveURL(/after=/);
    await expect(table.locator('tbody tr')).toHaveText(firstPage, { useInnerText: true });

    await page.getByLabel('Outcome').selectOption('succeeded');
    await page.getByLabel('From (UTC)').fill(new Date(Date.now() - 86_400_000).toISOString().slice(0, 10));
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page).toHaveURL(/outcome=succeeded/);
    const outcomes = await table.locator('tbody tr td:nth-child(2)').allInnerTexts();
    expect(outcomes.length).toBeGreaterThan(0);
    expect(new Set(outcomes)).toEqual(new Set(['succeeded']));
  });

  test('malformed parameters are handled, unknown ids are a 404', async ({ page }) => {
    await page.goto('/accounts?q=cus_demo_traveller');
    await page.getByRole('link', { name: 'Oliver Bennett' }).click();
    await expect(page.getByRole('heading', { name: 'Oliver Bennett' })).toBeVisible();
    const url = new URL(page.url());
    const res = await page.goto(`${url.pathname}?outcome=maybe&from=yesterday&after=%%%&tab=<script>`);
    expect(res?.status()).toBe(200);
    await expect(page.getByRole('status').filter({ hasText: 'Ignored invalid filters: outcome, from' })).toBeVisible();

    const missing = await page.goto('/accounts/00000000-0000-4000-8000-000000000000');
    expect(missing?.status()).toBe(404);
    await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
    const malformed = await page.goto("/accounts/1'%20or%20'1'='1");
    expect(malformed?.status()).toBe(404);
    const weird = await page.goto('/accounts?q=%25_%27%22;--&after=zzz');
    expect(weird?.status()).toBe(200);
  });
});

test.describe('analyst', () => {
  test.use({ storageState: storageState('analyst') });

  test('sees customers’ contacts masked, in the list and on the account page', async ({ page }) => {
    await page.goto('/accounts?q=okafor');
    const row = page.getByRole('row', { name: /Nadia Okafor/ });
    await expect(row).toContainText('n***@e***.com');
    await expect(row).toContainText('+44 ••• ••• 0181');
    await expect(row).not.toContainText('nadia.okafor@example.com');
    await row.getByRole('link', { name: 'Nadia Okafor' }).click();
    await expect(page.getByText('Contact details are masked for your role.')).toBeVisible();
    expect(await page.content()).not.toContain('nadia.okafor@example.com');
  });
});
