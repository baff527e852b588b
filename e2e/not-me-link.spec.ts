import { expect, test } from '@playwright/test';
import { createKeyInAdminPage, unique } from './helpers';

test('a customer taps the "not me" link of a message on a phone and files in one tap; the used link says so', async ({
  browser,
  request,
}) => {
  const admin = await createKeyInAdminPage(browser, ['reports:write']);
  await admin.context.close();
  const headers = { authorization: `Bearer ${admin.key}` };
  const account = `cus_e2e_notme_${unique()}`;
  const eventId = `${account}_login`;
  const posted = await request.post('/api/v1/events', {
    headers,
    data: {
      events: [
        {
          id: eventId,
          type: 'login.succeeded',
          occurredAt: new Date(Date.now() - 60_000).toISOString(),
          account: { id: account, email: `${account}@example.com` },
          method: 'password',
          context: { ip: '102.89.34.12', country: 'NG', deviceId: 'dev_e2e_new' },
        },
      ],
    },
  });
  expect(posted.status()).toBe(200);
  const asked = await request.post(`/api/v1/accounts/${account}/report-links`, {
    headers,
    data: { eventIds: [eventId] },
  });
  expect(asked.status()).toBe(201);
  const { url } = (await asked.json()) as { url: string };
  const path = `${new URL(url).pathname}${new URL(url).search}`;

  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await phone.newPage();
  await page.goto(path);
  await expect(page.getByRole('heading', { name: /^Wasn.t you\?$/ })).toBeVisible();
  // The page reveals nothing about the account.
  await expect(page.locator('body')).not.toContainText(account);
  const tap = page.getByRole('button', { name: 'This wasn’t me — report it' });
  const box = (await tap.boundingBox())!;
  expect(box.height).toBeGreaterThanOrEqual(44);
  await tap.tap();
  await expect(page.getByRole('heading', { name: 'Thank you. We have your report.' })).toBeVisible();
  await expect(page.getByTestId('report-reference')).toHaveText(/^VR-[0-9A-Z]{6}$/);

  // Opened again: used, said plainly, and the ordinary form is right there.
  await page.goto(path);
  await expect(page.getByRole('status')).toContainText('already used');
  await expect(page.getByRole('heading', { name: 'Tell us what happened' })).toBeVisible();
  await phone.close();
});
