import fs from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { storageState } from './helpers';

const shots = '.test-output/screenshots';

async function openGrace(page: Page) {
  await page.goto('/accounts?q=cus_demo_simswap');
  await page.getByRole('link', { name: 'Grace Kim' }).click();
  await expect(page.getByRole('heading', { name: 'Grace Kim' })).toBeVisible();
}

test.describe('an account’s timeline and right-now strip', () => {
  test('an agent opening Grace Kim sees the phone change and 2FA turned off, in the strip and the timeline', async ({
    browser,
  }) => {
    const agent = await browser.newContext({
      storageState: storageState('agent'),
      viewport: { width: 1280, height: 900 },
    });
    const page = await agent.newPage();
    await openGrace(page);

    const strip = page.getByRole('region', { name: /Right now/ });
    await expect(strip.getByRole('link', { name: 'Contact change, then risk' })).toBeVisible();
    await expect(strip).toContainText('Phone changed');
    await expect(strip).toContainText('+13125550999');
    await expect(strip).toContainText('Reported: off');

    const timeline = page.getByRole('table', { name: 'Account timeline' });
    const phoneChange = timeline.getByRole('row').filter({ hasText: 'Phone changed' });
    await expect(phoneChange).toHaveCount(1);
    await expect(phoneChange).toContainText('+13125550999');
    await expect(phoneChange).toContainText('102.89.34.12');
    const evidenceLink = phoneChange.getByRole('link', { name: 'Evidence of Contact change, then risk' });
    await expect(evidenceLink).toBeVisible();
    // The links column is wide enough that a link reads as a phrase, not a word per line.
    const linkLines = await evidenceLink.evaluate(
      (el) => el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight),
    );
    expect(linkLines).toBeLessThanOrEqual(2.2);
    const twoFactorOff = timeline.getByRole('row').filter({ hasText: '2FA turned off' });
    await expect(twoFactorOff).toHaveCount(1);
    await expect(timeline.getByRole('row').filter({ hasText: 'Alert raised: Contact change, then risk' })).toHaveCount(
      1,
    );

    // Newest first: the 2FA change comes before (above) the phone change that preceded it.
    const rows = await timeline.locator('tbody tr').allInnerTexts();
    const at = (text: string) => rows.findIndex((r) => r.includes(text));
    expect(at('2FA turned off')).toBeGreaterThanOrEqual(0);
    expect(at('2FA turned off')).toBeLessThan(at('Phone changed'));

    // The payment code to the new phone (asked for from the swapper's address) is one row; it opens to its events.
    // Grace's everyday codes can be newer, with a delivery receipt (3 events): this one has none.
    const payment = timeline
      .getByRole('row')
      .filter({ hasText: 'for payment' })
      .filter({ hasText: '102.89.34.12' })
      .first();
    await expect(payment).toContainText('2 events');
    await payment.getByText('Code by SMS for payment').click();
    await expect(payment.getByRole('list', { name: 'Code events' })).toContainText('issued');
    await expect(payment.getByRole('list', { name: 'Code events' })).toContainText('verified');

    fs.mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: `${shots}/account-desktop.png`, fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `${shots}/account-phone.png`, fullPage: true });
    // On a phone nothing in the timeline runs past the screen's edge (a notice's long report link wraps), and the
    // account lookup has a row of its own, wide enough for its hint.
    const pastTheEdge = await timeline.evaluate((table) =>
      [...table.querySelectorAll('td, td *')]
        .filter(
          (el) =>
            el.getBoundingClientRect().right > document.documentElement.clientWidth + 1 ||
            // A block whose text runs past its own edge (text is not an element: its box does not grow).
            (getComputedStyle(el).display !== 'inline' && el.scrollWidth > el.clientWidth + 1),
        )
        .map((el) => (el.textContent ?? '').slice(0, 60)),
    );
    expect(pastTheEdge).toEqual([]);
    const lookup = await page.getByRole('searchbox', { name: 'Look up an account' }).boundingBox();
    expect(lookup!.width).toBeGreaterThan(300);
    await page.setViewportSize({ width: 1280, height: 900 });

    // Filters live in the URL: only account changes, and the link can be shared.
    await page.getByRole('checkbox', { name: 'Account change', exact: true }).check();
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page).toHaveURL(/kind=change/);
    const kinds = await timeline.locator('tbody tr td:nth-child(2)').allInnerTexts();
    expect(new Set(kinds)).toEqual(new Set(['Account change']));
    await expect(timeline).toContainText('2FA turned off');
    await agent.close();
  });

  test('an analyst sees the same timeline with contacts masked', async ({ browser }) => {
    const analyst = await browser.newContext({ storageState: storageState('analyst') });
    const page = await analyst.newPage();
    await openGrace(page);
    const phoneChange = page
      .getByRole('table', { name: 'Account timeline' })
      .getByRole('row')
      .filter({ hasText: 'Phone changed' });
    await expect(phoneChange).toContainText('+1 ••• ••• 0999');
    await expect(page.getByRole('region', { name: /Right now/ })).toContainText('+1 ••• ••• 0999');
    expect(await page.content()).not.toContain('+13125550999');
    // Analysts have no levers on the account.
    await expect(page.getByRole('button', { name: 'Lock account' })).toHaveCount(0);
    await analyst.close();
  });
});
