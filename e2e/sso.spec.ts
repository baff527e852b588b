import { expect, test, type Browser, type Page } from '@playwright/test';
import { createStaffMember, passSecondFactor, storageState, unique } from './helpers';

/**
 * Staff single sign-on against a real OpenID Connect provider (e2e/oidc-idp.ts, started by playwright.config.ts):
 * the browser goes to the IdP's own login page and back through next-auth's callback, as in production.
 */
interface IdpAnswer {
  email: string;
  groups: string;
  mfa: boolean;
  /** How long ago the IdP's own session signed in (its `auth_time`). */
  minutesAgo?: number;
}

async function answerIdp(page: Page, who: IdpAnswer) {
  await expect(page.getByRole('heading', { name: 'Example IdP' })).toBeVisible();
  expect(new URL(page.url()).port).toBe('3190');
  await page.getByLabel('Work e-mail').fill(who.email);
  await page.getByLabel('Groups').fill(who.groups);
  if (who.mfa) await page.getByLabel('Signed in with MFA').check();
  await page.getByLabel('Signed in minutes ago').fill(String(who.minutesAgo ?? 0));
  await page.getByRole('button', { name: 'Continue' }).click();
}

async function ssoSignIn(browser: Browser, who: IdpAnswer) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByRole('button', { name: 'Sign in with Example IdP' }).click();
  await answerIdp(page, who);
  return { context, page };
}

test.describe('staff single sign-on', () => {
  test('an IdP that did MFA signs a staff member straight in, with the role its groups grant now', async ({
    browser,
  }) => {
    const member = await createStaffMember(browser, 'analyst');
    const { context, page } = await ssoSignIn(browser, {
      email: member.email,
      groups: 'other,vigil-agents',
      mfa: true,
    });
    await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
    // The IdP's groups changed since the admin made them an analyst: the IdP's answer applies from this sign-in.
    await expect(page.getByRole('banner')).toContainText('agent');
    await member.page.goto('/admin/staff');
    await expect(member.page.getByRole('row', { name: new RegExp(`^E2E Person \\w+ ${member.email}`) })).toContainText(
      'agent',
    );
    await context.close();
    await member.context.close();
  });

  test('an IdP that did not do MFA leaves the second factor to Vigil', async ({ browser }) => {
    const member = await createStaffMember(browser, 'agent');
    const { context, page } = await ssoSignIn(browser, { email: member.email, groups: 'vigil-agents', mfa: false });
    await page.waitForURL(/\/login\/second-factor/);
    await expect(page.getByRole('heading', { name: 'Set up your second factor' })).toBeVisible();
    // Not a staff session yet: the console sends it back.
    await page.goto('/accounts');
    await page.waitForURL(/\/login\/second-factor/);
    await passSecondFactor(page, member.email);
    await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
    await context.close();
    await member.context.close();
  });

  test('someone Vigil does not know, or whose groups grant no role, is refused and told why', async ({ browser }) => {
    const stranger = await ssoSignIn(browser, {
      email: `stranger.${unique()}@example.com`,
      groups: 'vigil-admins',
      mfa: true,
    });
    await stranger.page.waitForURL(/\/login\?error=AccessDenied/);
    await expect(stranger.page.getByRole('alert').filter({ hasText: 'Vigil does not let you in' })).toBeVisible();
    await stranger.context.close();

    const member = await createStaffMember(browser, 'agent');
    const noRole = await ssoSignIn(browser, { email: member.email, groups: 'marketing', mfa: true });
    await noRole.page.waitForURL(/\/login\?error=AccessDenied/);
    await noRole.page.goto('/');
    await noRole.page.waitForURL(/\/login/);
    await noRole.context.close();

    // Both refusals are in the audit log with their reasons.
    const admin = await browser.newContext({ storageState: storageState('admin') });
    const audit = await admin.newPage();
    await audit.goto('/audit?action=staff.sign_in_failed');
    await expect(audit.getByRole('main')).toContainText('sso_unknown_email');
    await expect(audit.getByRole('main')).toContainText('sso_no_role');
    await admin.close();
    await member.context.close();
  });

  test('an old IdP sign-in does not pass a step-up: Vigil sends the admin back to the IdP to sign in again', async ({
    browser,
  }) => {
    const member = await createStaffMember(browser, 'admin');
    const { context, page } = await ssoSignIn(browser, {
      email: member.email,
      groups: 'vigil-admins',
      mfa: true,
      minutesAgo: 25 * 60, // older than the e2e server's VIGIL_STEP_UP_MAX_AGE (a day)
    });
    await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
    await page.goto('/admin/api-keys');
    const name = `sso step-up ${unique()}`;
    await page.getByLabel('Name').fill(name);
    await page.getByRole('button', { name: 'Create API key' }).click();
    await page.getByRole('button', { name: 'Verify again with Example IdP' }).click();
    // The IdP has a session, yet shows its sign-in page again (max_age=0, prompt=login).
    await answerIdp(page, { email: member.email, groups: 'vigil-admins', mfa: true });
    await page.waitForURL(/\/admin\/api-keys/);
    await page.getByLabel('Name').fill(name);
    await page.getByRole('button', { name: 'Create API key' }).click();
    await expect(page.getByRole('status')).toContainText(`API key “${name}” created`);
    await context.close();
    await member.context.close();
  });
});
