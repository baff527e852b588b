import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { expect, type Browser, type Page } from '@playwright/test';
import * as OTPAuth from 'otpauth';

export const demoPassword = 'vigil-demo';
export type Role = 'admin' | 'agent' | 'analyst';
export const roles: Role[] = ['admin', 'agent', 'analyst'];
export const storageState = (role: Role) => `.test-output/auth/${role}.json`;
export const unique = () => randomBytes(4).toString('hex');

export async function signIn(page: Page, email: string, password: string) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

export async function signInAs(page: Page, role: Role) {
  const email = `${role}@demo.vigil`;
  await signIn(page, email, demoPassword);
  await passSecondFactor(page, email);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
}

/** Each staff member's authenticator-app setup key, kept by the test that enrolled them (files: workers share). */
const setupKeyFile = (email: string) => `.test-output/auth/totp-${email}.txt`;
const codeFor = (setupKey: string) =>
  new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(setupKey), period: 30 }).generate();

/**
 * The second step of a sign-in, as the staff member does it: at first sign-in, enrol an authenticator app (the
 * setup key read off the page, as an app that cannot scan would); later, a code from it. A code is accepted once:
 * if another sign-in of the same person used this 30-second step, wait for the next one, as a person would.
 */
export async function passSecondFactor(page: Page, email: string): Promise<{ recoveryCodes?: string[] }> {
  await page.waitForURL(/\/login\/second-factor/);
  const setUp = page.getByRole('button', { name: 'Set up an authenticator app' });
  const code = page.getByLabel('Authentication code');
  await expect(setUp.or(code)).toBeVisible();
  if (await setUp.isVisible()) {
    await setUp.click();
    const setupKey = (await page.getByTestId('totp-setup-key').textContent())!.trim();
    fs.writeFileSync(setupKeyFile(email), setupKey);
    await page.getByLabel('Enter the 6-digit code the app shows').fill(codeFor(setupKey));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await expect(page.getByTestId('recovery-codes').getByRole('listitem').first()).toBeVisible();
    const recoveryCodes = (await page.getByTestId('recovery-codes').getByRole('listitem').allTextContents()).map((c) =>
      c.trim(),
    );
    await page.getByRole('link', { name: 'Continue to Vigil' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
    return { recoveryCodes };
  }
  const setupKey = fs.readFileSync(setupKeyFile(email), 'utf8');
  for (let attempt = 0; attempt < 3; attempt++) {
    await code.fill(codeFor(setupKey));
    await page.getByRole('button', { name: 'Verify' }).click();
    const refused = page.getByRole('alert');
    await expect(refused.or(page.getByRole('heading', { name: 'Confirm it is you' })).first()).toBeVisible();
    try {
      await page.waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: 5_000 });
      return {};
    } catch {
      // Refused: this step's code was already used. Wait for the next step.
      await page.waitForTimeout(30_000 - (Date.now() % 30_000) + 500);
    }
  }
  throw new Error(`second factor refused three times for ${email}`);
}

/** An API key created the way an admin does it, on the admin page; shown once. Extra scopes are ticked. */
export async function createKeyInAdminPage(browser: Browser, extraScopes: string[] = []) {
  const context = await browser.newContext({ storageState: storageState('admin') });
  const page = await context.newPage();
  const name = `e2e key ${unique()}`;
  await page.goto('/admin/api-keys');
  await page.getByLabel('Name').fill(name);
  for (const scope of extraScopes) await page.getByRole('checkbox', { name: new RegExp(`^${scope}`) }).check();
  await page.getByRole('button', { name: 'Create API key' }).click();
  await expect(page.getByRole('status')).toContainText(
    `API key “${name}” created with ${[...extraScopes, 'events:write'].sort().join(', ')}`,
  );
  const key = (await page.getByTestId('one-time-secret').textContent())!;
  expect(key).toMatch(/^vgl_live_[\w-]{43}$/);
  // Shown once: a reload shows the prefix only.
  await page.reload();
  await expect(page.getByRole('row', { name: new RegExp(name) })).toContainText(`${key.slice(0, 13)}…`);
  expect(await page.content()).not.toContain(key);
  return { context, page, name, key };
}

/** Finds an account by its platform id the way staff do (the search box) and opens its page. */
export async function openAccount(page: Page, platformId: string) {
  await page.goto(`/accounts?q=${platformId}`);
  await page.getByRole('link', { name: platformId }).click();
  await page.waitForURL(/\/accounts\/[0-9a-f-]{36}/);
}

/** A staff member created by an admin on the staff page; the one-time enrolment link is shown once. */
export async function createStaffMember(browser: Browser, role: string) {
  const context = await browser.newContext({ storageState: storageState('admin') });
  const page = await context.newPage();
  const email = `e2e.${unique()}@demo.vigil`;
  await page.goto('/admin/staff');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Name').fill('E2E Person');
  await page.getByLabel('Role', { exact: true }).selectOption(role);
  await page.getByRole('button', { name: 'Create staff member' }).click();
  await expect(page.getByRole('status')).toContainText(`${email} is added as ${role}`);
  const link = (await page.getByTestId('one-time-secret').textContent())!;
  expect(link).toMatch(/\/enrol\/[\w-]{43}$/);
  return { context, page, email, link, password: `e2e passphrase ${unique()}` };
}
