import { expect, test } from '@playwright/test';
import { storageState } from './helpers';

test.describe('agent finds an account and reads its history', () => {
  test.use({ storageState: storageState('agent') });

  test('search by part of an e-mail, open the account, read its timeline', async ({ page }) => {
    await page.goto('/accounts');
    await page.getByRole('searchbox', { name: 'Search accounts' }).fill('OKAFOR@exam');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(page).toHaveURL(/q=OKAFOR%40exam/);
    const row = page.getByRole('row', { name: /Nadia Okafor/ });
    await expect(row).toContainText('nadia.okafor@example.com');
    await row.getByRole('link', { name: 'Nadia Okafor' }).click();
    await expect(page.getByRole('heading', { name: 'Nadia Okafor' })).toBeVisible();
    const timeline = page.getByRole('table', { name: 'Account timeline' });
    await expect(timeline.getByRole('row')).not.toHaveCount(0);
    await page.getByRole('checkbox', { name: 'Code', exact: true }).check();
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page).toHaveURL(/kind=code/);
    // The planted OTP bombing: codes issued from an unknown IP.
    await expect(timeline).toContainText('45.155.205.3');
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
    const table = page.getByRole('table', { name: 'Account timeline' });
    await expect(table).toContainText('new country');
    // Rows by identity (kind and id): their relative times move while the test runs.
    const rows = () => table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-row')));

    const firstPage = await rows();
    await page.getByRole('link', { name: 'Older' }).click();
    await expect(page).toHaveURL(/after=/);
    await expect.poll(rows).not.toEqual(firstPage);
    const secondPage = await rows();
    expect(secondPage.length).toBeGreaterThan(0);
    expect(secondPage.filter((r) => firstPage.includes(r))).toEqual([]);
    await page.getByRole('link', { name: 'Newer' }).click();
    await expect(page).toHaveURL(/before=/);
    await expect.poll(rows).toEqual(firstPage);

    // A cursor that leads past the oldest event (an old or edited link) still offers the way back.
    const accountUrl = new URL(page.url());
    const pastTheEnd = Buffer.from('1971-01-01T00:00:00.000000Z|login|1').toString('base64url');
    await page.goto(`${accountUrl.pathname}?after=${pastTheEnd}`);
    await expect(page.getByText('Nothing past this point')).toBeVisible();
    await page.getByRole('link', { name: 'Newest' }).click();
    await expect(page).not.toHaveURL(/after=/);
    await expect.poll(rows).toEqual(firstPage);

    await page.getByRole('checkbox', { name: 'Sign-in', exact: true }).check();
    await page.getByLabel('From (UTC)').fill(new Date(Date.now() - 86_400_000).toISOString().slice(0, 10));
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page).toHaveURL(/kind=login/);
    const kinds = await table.locator('tbody tr td:nth-child(2)').allInnerTexts();
    expect(kinds.length).toBeGreaterThan(0);
    expect(new Set(kinds)).toEqual(new Set(['Sign-in']));
  });

  test('malformed parameters are handled, unknown ids are a 404', async ({ page }) => {
    await page.goto('/accounts?q=cus_demo_traveller');
    await page.getByRole('link', { name: 'Oliver Bennett' }).click();
    await expect(page.getByRole('heading', { name: 'Oliver Bennett' })).toBeVisible();
    const url = new URL(page.url());
    const res = await page.goto(`${url.pathname}?kind=maybe&from=yesterday&after=%%%&tab=<script>`);
    expect(res?.status()).toBe(200);
    await expect(page.getByRole('status').filter({ hasText: 'Ignored invalid filters: kind, from' })).toBeVisible();

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
