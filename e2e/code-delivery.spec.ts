import { expect, test } from '@playwright/test';
import { storageState } from './helpers';

test('an analyst sees how long codes take to arrive and to be used, per channel and purpose', async ({ browser }) => {
  const analyst = await browser.newContext({ storageState: storageState('analyst') });
  const page = await analyst.newPage();
  await page.goto('/analytics?range=7d');
  await page.getByRole('link', { name: 'Where codes are slow →' }).click();
  // The analytics page loads its charts meanwhile; with the other worker's axe scan on two cores this took 11 s once.
  await page.waitForURL(/\/analytics\/delivery/, { timeout: 30_000 });
  await expect(page.getByRole('heading', { name: 'Where codes are slow' })).toBeVisible({ timeout: 30_000 });
  const table = page.getByRole('table', { name: 'Code delivery and use times' });
  // The demo's SMS login codes mostly arrive within seconds; one in ten lingers at the carrier.
  const sms = table.getByRole('row').filter({ hasText: 'SMS' }).filter({ hasText: /login/i }).first();
  await expect(sms).toContainText('≤ 10 s');
  await expect(sms).not.toContainText('0.0 %');
  // A percentile is a bucket's bound, and the page says so.
  await expect(page.getByText('a percentile shows the upper bound of its bucket')).toBeVisible();
  await analyst.close();
});
