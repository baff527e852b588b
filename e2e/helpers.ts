import { randomBytes } from 'node:crypto';
import { expect, type Browser, type Page } from '@playwright/test';

export const demoPassword = 'vigil-demo';
export type Role = 'admin' | 'agent' | 'analyst';
export const roles: Role[] = ['admin', 'agent', 'analyst'];
export const storageState = (role: Role) => `.test-output/auth/${role}.json`;
export const unique = () => randomBytes(4).toString('hex');

export async function signIn(page: Page, email: string, password: string) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function signInAs(page: Page, role: Role) {
  await signIn(page, `${role}@demo.vigil`, demoPassword);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
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
