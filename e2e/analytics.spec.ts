import fs from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { storageState } from './helpers';

test.describe('analytics', () => {
  test.use({ storageState: storageState('analyst') });

  test('change range and filter, drill into a bucket, download CSV', async ({ page }) => {
    // Three loads of the charts page (first draw, 30d, a filter), each drawing eight charts: on a busy 2-core
    // machine with the other worker running, a first draw has taken most of a minute (the full run of this
    // session failed here at the 60 s test timeout, after the draw, waiting for the CSV button of the next load).
    test.setTimeout(150_000);
    await page.goto('/analytics');
    const issued = page.getByRole('region', { name: 'OTPs issued, by channel' });
    // The first draw waits for the chart data; on a busy 2-core CI machine (the other worker scanning the same page with axe) it once took over 10 s.
    await expect(issued.locator('.recharts-bar-rectangle path').filter({ visible: true }).first()).toBeVisible({
      timeout: 60_000,
    });
    await page.getByRole('link', { name: '30d' }).click();
    await expect(page).toHaveURL(/range=30d/);
    await expect(page.getByText('daily UTC buckets')).toBeVisible();

    await page.getByLabel('Channel', { exact: true }).selectOption('sms');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect(page).toHaveURL(/channel=sms/);
    await expect(page).toHaveURL(/range=30d/);
    // The filtered draw waits for six new metrics requests like the first one: same allowance (the full run of
    // stop 22 failed here at 10 s, while the accessibility scan of this page ran in the other worker).
    await expect(issued.getByText('SMS')).toBeVisible({ timeout: 60_000 });
    await expect(issued.getByText('E-mail')).toHaveCount(0);
    expect(await page.screenshot({ fullPage: true })).toBeTruthy();

    const download = page.waitForEvent('download');
    await issued.getByRole('button', { name: 'CSV' }).click();
    const file = await (await download).path();
    const csv = fs.readFileSync(file, 'utf8').split('\r\n');
    expect(csv[0]).toBe('start,sms');
    expect(csv.length).toBe(31);

    await issued.locator('.recharts-bar-rectangle path').filter({ visible: true }).last().click();
    await expect(page).toHaveURL(/\/analytics\/events\?/);
    await expect(page.getByRole('heading', { name: /OTP events — issued · SMS/ })).toBeVisible();
    const firstAccount = page.getByRole('table', { name: 'Events in bucket' }).getByRole('link').first();
    await firstAccount.click();
    await expect(page).toHaveURL(/\/accounts\/[0-9a-f-]{36}/);
  });

  test('the charts page has no serious accessibility violations', async ({ page }) => {
    // What is checked is the drawn page. axe walks thousands of chart elements, which on a busy 2-core CI
    // machine took most of a minute: the test gets room for the drawing and the scan.
    test.setTimeout(150_000);
    // One load, waited for: the charts fetch in the browser and react-query retries a slow answer itself.
    // (Reloading every 10 s, as this test did, restarted the drawing each time on a busy machine and never
    // let it finish: it failed that way twice in full runs with the drawn page in its final snapshot.)
    await page.goto('/analytics?range=7d');
    await expect(
      page
        .getByRole('region', { name: 'Logins' })
        .locator('.recharts-bar-rectangle path')
        .filter({ visible: true })
        .first(),
    ).toBeVisible({ timeout: 90_000 });
    const results = await new AxeBuilder({ page }).analyze();
    expect(
      results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id),
    ).toEqual([]);
  });

  test('a login bar drills down to the logins behind it', async ({ page }) => {
    await page.goto('/analytics?range=30d');
    const reasons = page.getByRole('region', { name: 'Why logins failed' });
    await reasons.locator('.recharts-bar-rectangle path').filter({ visible: true }).last().click();
    await expect(page).toHaveURL(/\/analytics\/logins\?.*outcome=failed/);
    const table = page.getByRole('table', { name: 'Logins in bucket' });
    await expect(table.getByRole('row').nth(1)).toContainText('failed');
  });

  test('the overview shows the same figures as the metrics API for the last 24 hours', async ({ page }) => {
    const hour = 3_600_000;
    const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)} %`);
    const card = async (name: RegExp) => (await page.getByRole('link', { name }).textContent()) ?? '';
    // The other worker's specs ingest events meanwhile (into the same 24 hours) and an hour may turn between the API's
    // reads and the page's: the two are compared when nothing came between them, read again otherwise.
    await expect(async () => {
      const to = new Date(Math.ceil((Date.now() + 1) / hour) * hour);
      const qs = new URLSearchParams({
        from: new Date(to.getTime() - 24 * hour).toISOString(),
        to: to.toISOString(),
        granularity: 'hour',
      });
      const otp = (await (await page.request.get(`/api/v1/metrics/otp?${qs.toString()}`)).json()) as {
        totals: { issued: number; conversionRate: number | null };
      };
      const logins = (await (await page.request.get(`/api/v1/metrics/logins?${qs.toString()}`)).json()) as {
        totals: { failureRate: number | null };
      };
      expect(otp.totals.issued).toBeGreaterThan(0);
      await page.goto('/');
      expect(await card(/OTPs issued/)).toContain(otp.totals.issued.toLocaleString('en-US'));
      expect(await card(/OTP conversion rate/)).toContain(pct(otp.totals.conversionRate));
      expect(await card(/Login failure rate/)).toContain(pct(logins.totals.failureRate));
    }).toPass({ timeout: 30_000 });
    // The demo's incidents are open alerts and its newest reports are untouched: the cards count them and
    // lead to the queues (other tests act on alerts and reports meanwhile, so no exact figure here).
    const figure = async (name: RegExp) =>
      Number(((await page.getByRole('link', { name }).locator('p').nth(1).textContent()) ?? '').replace(/,/g, ''));
    expect(await figure(/Open alerts/)).toBeGreaterThan(0);
    expect(await figure(/New fraud reports/)).toBeGreaterThan(0);
    await page.getByRole('link', { name: /Open alerts/ }).click();
    await expect(page).toHaveURL(/\/alerts\?status=open$/);
    await expect(page.getByRole('heading', { name: 'Alerts', exact: true })).toBeVisible();
  });

  test('a broken drill-down link explains itself', async ({ page }) => {
    await page.goto('/analytics/events?from=nonsense&to=2026-01-01');
    await expect(page.getByText('This link does not describe a chart bucket')).toBeVisible();
  });
});

test.describe('metrics API access', () => {
  const params = () => {
    const to = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000);
    return new URLSearchParams({
      from: new Date(to.getTime() - 24 * 3_600_000).toISOString(),
      to: to.toISOString(),
      granularity: 'hour',
    }).toString();
  };

  test('signed out is refused, each staff role is allowed, cross-site is refused', async ({ playwright, baseURL }) => {
    const anonymous = await playwright.request.newContext({ baseURL });
    expect((await anonymous.get(`/api/v1/metrics/otp?${params()}`)).status()).toBe(401);
    await anonymous.dispose();
    for (const role of ['agent', 'analyst', 'admin'] as const) {
      const staff = await playwright.request.newContext({ baseURL, storageState: storageState(role) });
      const res = await staff.get(`/api/v1/metrics/logins?${params()}`);
      expect(res.status()).toBe(200);
      expect(await res.json()).toMatchObject({ granularity: 'hour', series: [{ key: 'all' }] });
      expect(
        (await staff.get(`/api/v1/metrics/otp?${params()}`, { headers: { 'sec-fetch-site': 'cross-site' } })).status(),
      ).toBe(403);
      const bad = await staff.get(
        '/api/v1/metrics/otp?from=2026-01-01T00:30:00Z&to=2026-01-02T00:00:00Z&granularity=hour',
      );
      expect(bad.status()).toBe(400);
      expect(await bad.json()).toMatchObject({ parameter: 'from' });
      await staff.dispose();
    }
  });
});
