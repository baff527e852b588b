import { expect, test } from '@playwright/test';
import { storageState } from './helpers';

test.use({ storageState: storageState('analyst') });

test('an analyst previews a lower threshold on stored history before saving: progress, then what would change', async ({
  page,
}) => {
  await page.goto('/alerts/rules');
  const guessing = page.getByRole('region', { name: /OTP guessing/ });
  const failures = guessing.getByLabel('Failures');
  const saved = await failures.inputValue();

  // Out of range: the server names the field, nothing starts.
  await failures.fill('1');
  await guessing.getByRole('button', { name: 'Preview on history' }).click();
  await expect(guessing.getByText(/Invalid input: minFailures/)).toBeVisible();

  await failures.fill('2');
  await guessing.getByLabel('Days of history for the otp_guessing preview').selectOption('30');
  await guessing.getByRole('button', { name: 'Preview on history' }).click();
  const result = guessing.getByRole('status', { name: 'Preview result' });
  // The background loop takes the job within a second; the demo's month of events reads in a few.
  await expect(result).toBeVisible({ timeout: 30_000 });
  await expect(result).toContainText(/would have raised|would not have raised|the same/);
  await expect(result.getByText('Would raise')).toBeVisible();
  await expect(result).toContainText('Nothing is saved until you save the rules');
  await guessing.screenshot({ path: '.test-output/backtest-desktop.png' });

  // Nothing was saved: the stored threshold is still the one the page opened with.
  await page.reload();
  await expect(page.getByRole('region', { name: /OTP guessing/ }).getByLabel('Failures')).toHaveValue(saved);
});

test('the preview on a phone-sized screen', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/alerts/rules');
  const stuffing = page.getByRole('region', { name: /Credential stuffing/ });
  await stuffing.getByLabel('Distinct accounts').fill('5');
  await stuffing.getByRole('button', { name: 'Preview on history' }).click();
  await expect(stuffing.getByRole('status', { name: 'Preview result' })).toBeVisible({ timeout: 30_000 });
  await stuffing.scrollIntoViewIfNeeded();
  await page.screenshot({ path: '.test-output/backtest-phone.png' });
  const box = await stuffing.boundingBox();
  expect(box!.width).toBeLessThanOrEqual(390);
});
