import { expect, test } from '@playwright/test';
import { storageState } from './helpers';

test.describe('Admin → Data retention', () => {
  test.use({ storageState: storageState('admin') });

  test('shows each class’s window and the monthly partitions; a preview lists what would go and changes nothing', async ({
    page,
  }) => {
    await page.goto('/admin/retention');
    await expect(page.getByRole('heading', { name: 'Data retention' })).toBeVisible();
    const card = (title: string) => page.locator('section', { has: page.getByRole('heading', { name: title }) });
    const kept = card('What is kept');
    const events = kept.getByRole('row', { name: /Raw login, code and account events/ });
    await expect(events).toContainText('180 days');
    await expect(events).toContainText('VIGIL_RETENTION_EVENTS_DAYS');
    await expect(kept.getByRole('row', { name: /Audit log/ })).toContainText('forever');
    // Code pairings have their own window (7 days by default), shown with its variable.
    const codes = kept.getByRole('row', { name: /Code pairings/ });
    await expect(codes).toContainText('7 days');
    await expect(codes).toContainText('VIGIL_RETENTION_CODES_DAYS');
    // The demo's current month has its partitions, and next month's is made ahead.
    const partitions = card('Raw event partitions');
    const month = new Date().toISOString().slice(0, 7);
    await expect(partitions.getByRole('row', { name: new RegExp(month) })).toContainText('kept');
    await expect(partitions.getByText('made ahead').first()).toBeVisible();

    await page.getByRole('button', { name: 'Preview' }).click();
    const outcome = page.getByRole('list', { name: 'Retention outcome' });
    await expect(outcome).toContainText('Dry run: nothing was changed.');
    await expect(outcome).toContainText('no event partition is past the raw-event window');
    await page.screenshot({ path: '.test-output/retention-desktop.png', fullPage: true });
  });

  test('on a phone-sized screen', async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto('/admin/retention');
    await expect(page.getByRole('heading', { name: 'Data retention' })).toBeVisible();
    await page.screenshot({ path: '.test-output/retention-phone.png', fullPage: true });
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    // What is kept fits the card: each window's dates sit under it, with nothing to scroll sideways to.
    const kept = page.locator('section', { has: page.getByRole('heading', { name: 'What is kept' }) });
    await expect(kept.getByRole('columnheader', { name: 'Oldest row' })).toBeHidden();
    const events = kept.getByRole('row', { name: /Raw login, code and account events/ });
    await expect(events.getByText(/^from \d{4}-\d{2}-\d{2}/)).toBeVisible();
    await expect(events.getByText(/oldest (\d{4}-\d{2}-\d{2}|nothing yet)/)).toBeVisible();
    const overflow = await kept
      .locator('table')
      .evaluate((table) => table.parentElement!.scrollWidth - table.parentElement!.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });
});

test.describe('who may see it', () => {
  test.use({ storageState: storageState('agent') });
  test('an agent gets not found', async ({ page }) => {
    const response = await page.goto('/admin/retention');
    expect(response?.status()).toBe(404);
  });
});
