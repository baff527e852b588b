import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { storageState } from './helpers';

test('an admin adds a push destination for the alert stream; it receives the alerts as NDJSON and shows caught up', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const lines: Record<string, unknown>[] = [];
  const headers: http.IncomingHttpHeaders[] = [];
  const sink = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      headers.push(req.headers);
      for (const line of body.split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/services/collector/raw`;

  const admin = await browser.newContext({ storageState: storageState('admin') });
  const page = await admin.newPage();
  try {
    await page.goto('/admin/streams');
    // A refused endpoint keeps what was typed and names the field.
    await page.getByLabel('Endpoint URL (receives NDJSON)').fill('ftp://siem.example.com/in');
    await page.getByRole('button', { name: 'Add destination' }).click();
    await expect(page.locator('#dest-url-error')).toBeVisible();
    await expect(page.getByLabel('Endpoint URL (receives NDJSON)')).toHaveValue('ftp://siem.example.com/in');

    await page.getByLabel('Stream').selectOption('alerts');
    await page.getByLabel('Endpoint URL (receives NDJSON)').fill(url);
    await page.getByLabel(/Authorization header/).fill('Splunk e2e-token');
    await page.getByRole('button', { name: 'Add destination' }).click();
    await expect(page.getByRole('status')).toContainText('Destination added');

    // The demo's alerts arrive, the SMS-pumping one among them, with the header the endpoint wants.
    await expect.poll(() => lines.some((l) => l.rule === 'sms_pumping'), { timeout: 60_000 }).toBe(true);
    expect(lines.every((l) => l.stream === 'alerts')).toBe(true);
    expect(headers[0]!.authorization).toBe('Splunk e2e-token');
    expect(headers[0]!['content-type']).toBe('application/x-ndjson');

    await expect(async () => {
      await page.reload();
      await expect(page.getByText('caught up')).toBeVisible({ timeout: 2_000 });
    }).toPass({ timeout: 30_000 });
    await page.getByRole('button', { name: `Remove ${url}` }).click();
    await page.getByRole('button', { name: 'Yes, remove' }).click();
    // The card goes with it (and its message): the page has no destination left.
    await expect(page.getByText('No destinations yet')).toBeVisible();
  } finally {
    await admin.close();
    sink.closeAllConnections();
    sink.close();
  }
});
