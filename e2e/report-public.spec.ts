import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { unique } from './helpers';

// Customers: no staff session, a phone-sized screen, and a time zone far from UTC (so a local time that the
// browser did not convert would be rejected as "in the future").
test.use({
  storageState: { cookies: [], origins: [] },
  viewport: { width: 390, height: 844 },
  timezoneId: 'Pacific/Auckland',
});

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Two hours ago on the browser's own clock, as a datetime-local field holds it. */
const twoHoursAgoLocal = (page: Page) =>
  page.evaluate(() => {
    const t = new Date(Date.now() - 2 * 3_600_000);
    const p = (n: number) => String(n).padStart(2, '0');
    return `${t.getFullYear()}-${p(t.getMonth() + 1)}-${p(t.getDate())}T${p(t.getHours())}:${p(t.getMinutes())}`;
  });

const notFound = 'We could not find a report with these details.';

test('a customer reports a code they did not ask for, gets a reference and follows it on the status page', async ({
  page,
}) => {
  const email = `worried-${unique()}@example.com`;
  await page.goto('/report');
  await expect(page.getByRole('heading', { name: 'Tell us what happened' })).toBeVisible();
  // Step 1 first: the rest of the form appears once the customer has said what happened.
  await expect(page.getByLabel('Email address', { exact: true })).toBeHidden();
  await page.getByRole('radio', { name: 'I received a verification code I did not ask for' }).check();
  await expect(page.getByTestId('advice-unrequested_code')).toContainText('Do not share this code with anyone');
  await expect(page.getByTestId('advice-phishing')).toBeHidden();

  await page.getByLabel('Email address', { exact: true }).fill(email);
  await page
    .getByLabel('What did you see or hear?')
    .fill('A text with a login code arrived at night. I was asleep and did not try to sign in. <b>not bold</b>');
  await page.getByLabel('When did it happen? (optional)').fill(await twoHoursAgoLocal(page));
  await page.getByRole('radio', { name: 'By email' }).check();
  await page.getByRole('button', { name: 'Send report' }).click();

  await expect(page.getByRole('heading', { name: 'Thank you. We have your report.' })).toBeFocused();
  const reference = (await page.getByTestId('report-reference').textContent())?.trim() ?? '';
  expect(reference).toMatch(/^VR-[0-9A-HJKMNP-TV-Z]{6}$/);
  await expect(page.getByRole('heading', { name: 'What happens next' })).toBeVisible();
  expect(await seriousViolations(page), 'report filed').toEqual([]);

  await page.getByRole('link', { name: 'Check the status of your report' }).click();
  await expect(page.getByRole('heading', { name: 'Check on your report' })).toBeVisible();
  // As a customer might type it: lower case, with a space.
  await page.getByRole('textbox', { name: 'Reference' }).fill(reference.toLowerCase().replace('-', ' '));
  await page.getByRole('textbox', { name: 'Email address or phone number' }).fill(email);
  await page.getByRole('button', { name: 'Show the status' }).click();
  await expect(page.getByTestId('report-status')).toHaveText('Received');
  await expect(page.getByText(reference, { exact: true })).toBeVisible();
  await expect(page.getByText('No messages yet.')).toBeVisible();
  expect(page.url()).toMatch(/\/report\/status$/); // reference and contact never go into the URL
  expect(await seriousViolations(page), 'status shown').toEqual([]);

  // A wrong contact and a wrong reference get the very same answer, so neither can be probed.
  await page.getByRole('textbox', { name: 'Reference' }).fill(reference);
  await page
    .getByRole('textbox', { name: 'Email address or phone number' })
    .fill(`someone-else-${unique()}@example.com`);
  await page.getByRole('button', { name: 'Show the status' }).click();
  const refusal = page.getByRole('main').getByRole('alert');
  await expect(refusal).toContainText(notFound);
  const wrongContact = await refusal.textContent();
  await expect(page.getByTestId('report-status')).toBeHidden();
  await expect(page.getByRole('textbox', { name: 'Reference' })).toHaveValue(reference); // what was typed stays
  await page.getByRole('textbox', { name: 'Reference' }).fill('VR-000000');
  await page.getByRole('textbox', { name: 'Email address or phone number' }).fill(email);
  await page.getByRole('button', { name: 'Show the status' }).click();
  await expect(refusal).toContainText(notFound);
  expect(await refusal.textContent()).toBe(wrongContact);
  expect(await seriousViolations(page), 'status not found').toEqual([]);
});

test('validation errors stand next to their fields and nothing typed is lost; phishing asks for the sender and the link', async ({
  page,
}) => {
  await page.goto('/report');
  const senderNumber = page.getByLabel('The phone number it came from');
  const link = page.getByLabel('The link in the message');
  await page.getByRole('radio', { name: 'I received a suspicious text or email' }).check();
  await expect(senderNumber).toBeVisible();
  await expect(page.getByLabel('The email address it came from')).toBeVisible();
  await expect(link).toBeVisible();
  await expect(page.getByTestId('advice-phishing')).toContainText('Do not open the link');
  await page.getByRole('radio', { name: 'Something else' }).check();
  await expect(senderNumber).toBeHidden();
  await expect(page.getByLabel('The order number (if you have it)')).toBeHidden();
  await page.getByRole('radio', { name: 'There is an order or payment on my account I did not make' }).check();
  await expect(page.getByLabel('The order number (if you have it)')).toBeVisible();
  await page.getByRole('radio', { name: 'I received a suspicious text or email' }).check();

  const phone = page.getByLabel('Phone number', { exact: true });
  const description = page.getByLabel('What did you see or hear?');
  await phone.fill('12345');
  await senderNumber.fill('+44 7700 900999');
  await link.fill('http://parcel-fee.example/pay?id=1');
  await page.getByRole('button', { name: 'Send report' }).click();

  await expect(page.getByRole('main').getByRole('alert')).toContainText('Some answers need another look');
  await expect(page.getByRole('main').getByRole('alert')).toBeFocused();
  await expect(phone).toHaveAttribute('aria-invalid', 'true');
  await expect(phone).toHaveAccessibleDescription(/country code, like \+44 7700 900123\./);
  await expect(description).toHaveAttribute('aria-invalid', 'true');
  await expect(description).toHaveAccessibleDescription(/Tell us in a few words what happened\./);
  await expect(page.getByLabel('Email address', { exact: true })).not.toHaveAttribute('aria-invalid', 'true');
  // Everything typed is still there, and the same category is still chosen with its questions.
  await expect(page.getByRole('radio', { name: 'I received a suspicious text or email' })).toBeChecked();
  await expect(phone).toHaveValue('12345');
  await expect(senderNumber).toHaveValue('+44 7700 900999');
  await expect(link).toHaveValue('http://parcel-fee.example/pay?id=1');
  expect(await seriousViolations(page), 'form with errors').toEqual([]);

  await phone.fill(`+44 7700 9${String(Math.floor(Math.random() * 100_000)).padStart(5, '0')}`);
  await description.fill('A text said my parcel was held and asked me to pay a fee at the link.');
  await page.getByRole('button', { name: 'Send report' }).click();
  await expect(page.getByTestId('report-reference')).toHaveText(/^VR-[0-9A-Z]{6}$/);
});

test('the "Didn’t ask for this code?" link opens on the first choice and carries the code’s id, nothing else', async ({
  page,
}) => {
  const otpId = `otp_e2e_${unique()}`;
  await page.goto(`/report?otp=${otpId}`);
  await expect(page.getByRole('radio', { name: 'I received a verification code I did not ask for' })).toBeChecked();
  await expect(page.getByText('You followed the “Didn’t ask for this code?” link.')).toBeVisible();
  await expect(page.getByTestId('advice-unrequested_code')).toBeVisible();
  await expect(page.locator('input[name="otpId"]')).toHaveValue(otpId);
  await expect(page.getByLabel('Email address', { exact: true })).toHaveValue('');
  await expect(page.getByLabel('Phone number', { exact: true })).toHaveValue('');
});

test('the public pages have no serious accessibility violations, in light and dark', async ({ page }) => {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await page.goto('/report');
    expect(await seriousViolations(page), `/report ${colorScheme}`).toEqual([]);
    await page.getByRole('radio', { name: 'I received a suspicious text or email' }).check();
    expect(await seriousViolations(page), `/report phishing ${colorScheme}`).toEqual([]);
    await page.goto('/report/status');
    expect(await seriousViolations(page), `/report/status ${colorScheme}`).toEqual([]);
  }
  // The honeypot is in the form but out of sight and out of the tab order.
  await page.goto('/report?otp=otp_a11y');
  const honeypot = page.locator('input[name="website"]');
  await expect(honeypot).toHaveAttribute('tabindex', '-1');
  await expect(honeypot).toHaveAttribute('autocomplete', 'off');
  expect(await honeypot.evaluate((el) => el.closest('[aria-hidden="true"]') !== null)).toBe(true);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the form is a plain form: the chosen category’s questions appear, errors come back next to the fields, nothing typed is lost', async ({
    page,
  }) => {
    await page.goto('/report');
    const phishing = page.getByRole('radio', { name: 'I received a suspicious text or email' });
    const email = page.getByLabel('Email address', { exact: true });
    const link = page.getByLabel('The link in the message');
    await expect(link).toBeHidden();
    await phishing.check();
    await expect(link).toBeVisible();
    await email.fill('not-an-address');
    await link.fill('http://parcel-fee.example/pay');
    await page.getByRole('button', { name: 'Send report' }).click();

    await expect(page.getByRole('main').getByRole('alert')).toContainText('Some answers need another look');
    await expect(email).toHaveAttribute('aria-invalid', 'true');
    await expect(email).toHaveAccessibleDescription('Enter an email address like name@example.com.');
    await expect(page.getByLabel('What did you see or hear?')).toHaveAccessibleDescription(
      /Tell us in a few words what happened\./,
    );
    await expect(phishing).toBeChecked();
    await expect(email).toHaveValue('not-an-address');
    await expect(link).toHaveValue('http://parcel-fee.example/pay');
  });
});
