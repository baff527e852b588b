import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { storageState } from './helpers';

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('sign-in page has no serious accessibility violations', async ({ page }) => {
  await page.goto('/login');
  expect(await seriousViolations(page)).toEqual([]);
});

test.describe('staff pages', () => {
  test.use({ storageState: storageState('admin') });

  test('have no serious accessibility violations', async ({ page }) => {
    // Seven full-page axe scans, each several seconds on two shared cores while the other worker runs its specs:
    // more than the default 60 s in a full run (it ran out on the 6th page once), as for the analytics scan.
    test.setTimeout(180_000);
    await page.goto('/accounts?q=okafor');
    await page.getByRole('link', { name: 'Nadia Okafor' }).click();
    await expect(page.getByRole('heading', { name: 'Nadia Okafor' })).toBeVisible();
    const account = new URL(page.url()).pathname;
    for (const path of [
      '/',
      '/accounts',
      '/accounts?q=no-such-customer',
      account,
      `${account}?kind=code&kind=change`,
      '/admin/staff',
      '/accounts/00000000-0000-4000-8000-000000000000',
    ]) {
      await page.goto(path);
      expect(await seriousViolations(page), path).toEqual([]);
    }
  });
});
