import { expect, test } from '@playwright/test';
import { storageState } from './helpers';

test.use({ storageState: storageState('admin') });

/** A demo customer with no open alert or report (so not held), found from the accounts list. */
async function openUnheldAccount(page: import('@playwright/test').Page) {
  await page.goto('/accounts');
  const links = page.getByRole('table').getByRole('link');
  // The list streams in after its loading skeleton (accounts/(search)/loading.tsx): count it once it is there.
  await expect(links.first()).toBeVisible();
  const count = await links.count();
  for (let i = 0; i < Math.min(count, 25); i++) {
    await page.goto('/accounts');
    await page.getByRole('table').getByRole('link').nth(i).click();
    await page.waitForURL(/\/accounts\/[0-9a-f-]{36}/);
    const card = page.locator('section', { has: page.getByRole('heading', { name: 'Customer data' }) });
    await expect(card.getByText(/legal hold/).first()).toBeVisible(); // held or not, the card has said which
    if (await card.getByText('Not under legal hold').isVisible()) return card;
  }
  throw new Error('no demo account without a hold among the first 25');
}

test('an admin places a legal hold with a reason, releases it, downloads the export and asks for erasure', async ({
  page,
}) => {
  const card = await openUnheldAccount(page);
  // A hold needs a reason: refused without one, nothing changes.
  await card.getByRole('button', { name: 'Place on hold' }).click();
  await expect(card.getByRole('alert')).toContainText('reason');
  await card.getByLabel('Reason for a legal hold').fill('Police request 2026/118');
  await card.getByRole('button', { name: 'Place on hold' }).click();
  await expect(card.getByText('legal hold', { exact: true })).toBeVisible();
  await expect(card).toContainText('set by an admin: Police request 2026/118');
  // Held: erasure waits.
  await expect(card.getByRole('button', { name: 'Erase customer data…' })).toBeDisabled();
  await card.getByRole('button', { name: 'Release the hold' }).click();
  await expect(card.getByText('Not under legal hold')).toBeVisible();

  // The export: one JSON document of this customer.
  const download = page.waitForEvent('download');
  await card.getByRole('link', { name: /Download everything Vigil holds/ }).click();
  const file = await (await download).path();
  const { readFile } = await import('node:fs/promises');
  const doc = JSON.parse(await readFile(file, 'utf8')) as {
    account: { platformAccountId: string };
    loginEvents: unknown[];
  };
  expect(doc.account.platformAccountId).toMatch(/^cus_/);
  expect(Array.isArray(doc.loginEvents)).toBe(true);

  await card.getByRole('button', { name: 'Erase customer data…' }).click();
  await card.getByRole('button', { name: 'Request erasure' }).click();
  await expect(card.getByRole('status').filter({ hasText: 'waiting for a different admin' })).toBeVisible();
  await page.setViewportSize({ width: 390, height: 844 });
  await card.scrollIntoViewIfNeeded();
  await page.screenshot({ path: '.test-output/customer-data-phone.png' });
  await page.setViewportSize({ width: 1280, height: 900 });
  await card.screenshot({ path: '.test-output/customer-data-desktop.png' });
});
