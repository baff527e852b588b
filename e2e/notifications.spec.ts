import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { createKeyInAdminPage, storageState, unique } from './helpers';

test('an OTP burst posted through the ingest API reaches a Slack-style channel with a link to its alert', async ({
  browser,
  request,
}) => {
  test.setTimeout(120_000);
  const received: string[] = [];
  const slack = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      received.push(body);
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => slack.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(slack.address() as AddressInfo).port}/services/T000/B000/e2e`;

  const admin = await browser.newContext({ storageState: storageState('admin') });
  const page = await admin.newPage();
  try {
    await page.goto('/admin/notifications');
    await page.getByLabel('Type').selectOption('slack');
    await page.getByLabel('Incoming-webhook URL').fill(url);
    await page.getByRole('checkbox', { name: /alert\.opened/ }).check();
    await page.getByRole('button', { name: 'Add channel' }).click();
    await expect(page.getByRole('status')).toContainText('Channel added');

    // A refused target keeps what was typed and says what is wrong.
    await page.getByLabel('Incoming-webhook URL').fill('http://10.1.2.3/hook');
    await page.getByRole('button', { name: 'Add channel' }).click();
    await expect(page.locator('#channel-target-error')).toContainText('https://');
    await expect(page.getByLabel('Incoming-webhook URL')).toHaveValue('http://10.1.2.3/hook');

    const key = await createKeyInAdminPage(browser);
    const account = `cus_e2e_notify_${unique()}`;
    const t0 = Date.now() - 8 * 60_000;
    const events = Array.from({ length: 12 }, (_, i) => ({
      id: `${account}_${i}`,
      type: 'otp.issued',
      occurredAt: new Date(t0 + i * 20_000).toISOString(),
      account: { id: account },
      otpId: `otp_${account}_${i}`,
      channel: 'sms',
      purpose: 'login',
      context: { ip: '198.51.100.77', country: 'NL' },
    }));
    const posted = await request.post('/api/v1/events', {
      headers: { authorization: `Bearer ${key.key}` },
      data: { events },
    });
    expect(posted.status()).toBe(200);

    // Within a minute (the bound), the channel has a message about this account.
    await expect.poll(() => received.find((b) => b.includes(account)), { timeout: 60_000 }).toBeDefined();
    const message = JSON.parse(received.find((b) => b.includes(account))!) as {
      text: string;
      blocks: { text?: { text: string }; elements?: { url: string }[] }[];
    };
    expect(message.blocks[0]!.text!.text).toContain('12 codes issued');
    const link = message.blocks[1]!.elements![0]!.url;
    expect(link).toMatch(/\/alerts\/[0-9a-f-]{36}$/);

    // The link opens the alert in Vigil.
    await page.goto(new URL(link).pathname);
    await expect(page.getByRole('main')).toContainText(account);

    // The channel's page shows the delivery.
    await page.goto('/admin/notifications');
    await expect(page.getByRole('table', { name: `Deliveries to ${url}` })).toContainText('HTTP 200');
    await key.context.close();
  } finally {
    await page.goto('/admin/notifications');
    await page.getByRole('button', { name: `Remove ${url}` }).click();
    await page.getByRole('button', { name: 'Yes, remove' }).click();
    // The channel's card goes with it.
    await expect(page.getByRole('button', { name: `Remove ${url}` })).toHaveCount(0);
    await admin.close();
    slack.close();
  }
});
