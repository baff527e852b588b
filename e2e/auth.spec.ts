import { expect, test } from '@playwright/test';
import { demoPassword, roles, signIn, signInAs, storageState, unique } from './helpers';

test.describe('staff sign-in', () => {
  for (const role of roles) {
    test(`${role} signs in and sees the navigation of their role`, async ({ page }) => {
      await signInAs(page, role);
      await expect(page.getByRole('banner')).toContainText(role);
      const nav = page.getByRole('navigation', { name: 'Main' });
      await expect(nav.getByRole('link', { name: 'Accounts' })).toBeVisible();
      if (role === 'admin') await expect(nav.getByRole('link', { name: 'Admin' })).toBeVisible();
      else await expect(nav.getByRole('link', { name: 'Admin' })).toHaveCount(0);
    });
  }

  test('a password alone opens nothing: pages, staff APIs and actions wait for the second factor', async ({ page }) => {
    await signIn(page, 'analyst@demo.vigil', demoPassword);
    await expect(page).toHaveURL(/\/login\/second-factor/);
    await expect(page.getByRole('heading', { name: 'Confirm it is you' })).toBeVisible();
    for (const path of ['/', '/accounts', '/audit']) {
      await page.goto(path);
      await expect(page).toHaveURL(/\/login\/second-factor/);
    }
    const api = await page.request.get(
      '/api/v1/metrics/otp?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z&granularity=day',
    );
    expect(api.status()).toBe(401);
    await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  });

  test('a wrong password gets one generic message and no session', async ({ page }) => {
    await signIn(page, 'analyst@demo.vigil', 'not-the-password');
    const error = page.getByRole('alert').filter({ hasText: 'Invalid email or password' });
    await expect(error).toBeVisible();
    await expect(page).toHaveURL(/\/login/);
    await signIn(page, `nobody.${unique()}@demo.vigil`, demoPassword);
    await expect(error).toBeVisible();
    await page.goto('/accounts');
    await expect(page).toHaveURL(/\/login/);
  });

  for (const path of ['/', '/accounts', '/accounts/00000000-0000-4000-8000-000000000000', '/admin/staff']) {
    test(`a signed-out visitor of ${path} is sent to sign-in`, async ({ page }) => {
      await page.goto(path);
      await expect(page).toHaveURL(/\/login/);
      await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();
    });
  }

  test('header tricks that skip the proxy still get nothing: lib/ checks the session itself', async ({ request }) => {
    // A junk session cookie gets past the proxy (it only looks for the cookie); the page must still refuse.
    for (const value of [
      'proxy',
      'middleware',
      'proxy:proxy:proxy:proxy:proxy',
      'src/middleware:src/middleware:src/middleware:src/middleware:src/middleware',
    ]) {
      const res = await request.get('/accounts?q=okafor', {
        headers: { 'x-middleware-subrequest': value, cookie: 'next-auth.session-token=forged' },
        maxRedirects: 0,
      });
      expect(res.status()).toBe(307);
      expect(res.headers()['location']).toContain('/login');
      expect(await res.text()).not.toContain('Okafor');
    }
  });

  test('a role without the permission gets the same 404 as a missing page', async ({ browser }) => {
    for (const role of ['agent', 'analyst'] as const) {
      const context = await browser.newContext({ storageState: storageState(role) });
      const page = await context.newPage();
      for (const path of ['/admin/staff', '/admin/api-keys']) {
        const res = await page.goto(path);
        expect(res?.status()).toBe(404);
        await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
      }
      await context.close();
    }
  });

  test('a tampered session cookie is refused', async ({ browser }) => {
    const context = await browser.newContext({ storageState: storageState('agent') });
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'next-auth.session-token')!;
    await context.addCookies([{ ...session, value: `${session.value.slice(0, -4)}AAAA` }]);
    const page = await context.newPage();
    await page.goto('/accounts');
    await expect(page).toHaveURL(/\/login/);
    await context.close();
  });

  test('after sign-out a copied cookie no longer works', async ({ browser }) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInAs(page, 'agent');
    const copied = await context.cookies();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/login/);
    const thief = await browser.newContext();
    await thief.addCookies(copied);
    const stolen = await thief.newPage();
    await stolen.goto('/accounts');
    await expect(stolen).toHaveURL(/\/login/);
    await thief.close();
    await context.close();
  });

  test('session cookies are HttpOnly and SameSite=Lax', async ({ browser }) => {
    const context = await browser.newContext({ storageState: storageState('analyst') });
    const session = (await context.cookies()).find((c) => c.name === 'next-auth.session-token');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    await context.close();
  });

  test('pages carry the security headers', async ({ request }) => {
    const res = await request.get('/login');
    const headers = res.headers();
    expect(headers['content-security-policy']).toContain("object-src 'none'");
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['content-security-policy']).toContain("base-uri 'none'");
    expect(headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(headers['x-powered-by']).toBeUndefined();
  });

  test('health answers with the database state', async ({ request }) => {
    const res = await request.get('/api/health');
    expect(res.status()).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', database: { status: 'up' } });
  });
});
