import { expect, test, type Page } from '@playwright/test';
import * as OTPAuth from 'otpauth';
import { createStaffMember, passSecondFactor, signIn } from './helpers';

/** The new member opens their one-time link and sets their own password; the second-factor step follows. */
async function enrolThroughLink(page: Page, member: { link: string; password: string }) {
  await page.goto(member.link);
  await page.getByLabel('New password (at least 12 characters)').fill(member.password);
  await page.getByLabel('The same password again').fill(member.password);
  await page.getByRole('button', { name: 'Set password and continue' }).click();
  await page.waitForURL(/\/login\/second-factor/);
}

test.describe('admin manages staff', () => {
  test('an admin creates a staff member, who sets their own password through a one-time link that then stops working', async ({
    browser,
  }) => {
    const admin = await createStaffMember(browser, 'analyst');
    await expect(admin.page.getByRole('row', { name: new RegExp(admin.email) })).toContainText('analyst');
    const context = await browser.newContext();
    const page = await context.newPage();
    await enrolThroughLink(page, admin);
    await passSecondFactor(page, admin.email);
    await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
    await expect(page.getByRole('banner')).toContainText('analyst');
    await page.goto(admin.link);
    await expect(page.getByRole('alert').filter({ hasText: 'This link was already used' })).toBeVisible();
    await context.close();
    await admin.context.close();
  });

  test('the first sign-in enrols an authenticator app; each recovery code signs in once', async ({ browser }) => {
    const admin = await createStaffMember(browser, 'agent');
    const first = await browser.newContext();
    const page = await first.newPage();
    await enrolThroughLink(page, admin);
    await expect(page.getByRole('heading', { name: 'Set up your second factor' })).toBeVisible();
    const { recoveryCodes } = await passSecondFactor(page, admin.email);
    expect(recoveryCodes).toHaveLength(10);
    await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
    await first.close();

    for (const attempt of ['works', 'used up'] as const) {
      const context = await browser.newContext();
      const later = await context.newPage();
      await signIn(later, admin.email, admin.password);
      await expect(later.getByRole('heading', { name: 'Confirm it is you' })).toBeVisible();
      await later.getByLabel('Authentication code').fill(recoveryCodes![0]!);
      await later.getByRole('button', { name: 'Verify' }).click();
      if (attempt === 'works') await expect(later.getByRole('heading', { name: 'Overview' })).toBeVisible();
      else await expect(later.getByRole('alert').filter({ hasText: 'not valid or was already used' })).toBeVisible();
      await context.close();
    }
    await admin.context.close();
  });

  test('a passkey as the second factor: enrolled at first sign-in, then used to sign in again', async ({ browser }) => {
    const admin = await createStaffMember(browser, 'analyst');
    const context = await browser.newContext();
    const page = await context.newPage();
    // Chromium's virtual authenticator (DevTools protocol): a platform passkey that verifies its user.
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    await enrolThroughLink(page, admin);
    await page.getByRole('button', { name: /^Use a passkey/ }).click();
    await expect(page.getByText('Your passkey is set up.')).toBeVisible();
    await expect(page.getByTestId('recovery-codes').getByRole('listitem')).toHaveCount(10);
    await page.getByRole('link', { name: 'Continue to Vigil' }).click();
    await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/login/);
    await signIn(page, admin.email, admin.password);
    await expect(page.getByRole('heading', { name: 'Confirm it is you' })).toBeVisible();
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
    await page.goto('/security');
    await expect(page.getByText('Passkey', { exact: true })).toBeVisible();
    await expect(page.getByRole('table', { name: 'My sessions' })).toContainText('this session');

    // Someone guesses the password until the account is locked: the passkey still signs its owner in, no password.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/login/);
    for (let i = 0; i < 5; i++) {
      await signIn(page, admin.email, 'a wrong guess');
      await expect(page.getByRole('alert').filter({ hasText: 'Invalid email or password' })).toBeVisible();
    }
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();

    // My security: add an authenticator app beside the passkey, then remove it again (never the last factor).
    await page.goto('/security');
    await page.getByText('Add an authenticator app').click();
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    const setupKey = (await page.getByTestId('totp-setup-key').textContent())!.trim();
    await page
      .getByLabel('Enter the 6-digit code the app shows')
      .fill(new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(setupKey) }).generate());
    await page.getByRole('button', { name: 'Confirm' }).click();
    await expect(page.getByText('Your authenticator app is set up.')).toBeVisible();
    await page.getByRole('link', { name: 'Done' }).click();
    await page.getByRole('button', { name: 'Remove Authenticator app' }).click();
    await expect(page.getByRole('button', { name: /^Remove / })).toHaveCount(0);
    await expect(page.getByText('Passkey', { exact: true })).toBeVisible();
    await context.close();
    await admin.context.close();
  });

  test('a disabled staff member is refused on their very next request', async ({ browser }) => {
    const admin = await createStaffMember(browser, 'agent');
    const victimContext = await browser.newContext();
    const victim = await victimContext.newPage();
    await enrolThroughLink(victim, admin);
    await passSecondFactor(victim, admin.email);
    await expect(victim.getByRole('heading', { name: 'Overview' })).toBeVisible();

    const row = admin.page.getByRole('row', { name: new RegExp(admin.email) });
    await row.getByRole('button', { name: 'Disable' }).click();
    await row.getByRole('button', { name: 'Yes, disable' }).click();
    await expect(row).toContainText('disabled');

    await victim.goto('/accounts');
    await expect(victim).toHaveURL(/\/login/);
    await victimContext.close();
    await admin.context.close();
  });

  test('a lowered role applies on the next request', async ({ browser }) => {
    const admin = await createStaffMember(browser, 'admin');
    const memberContext = await browser.newContext();
    const member = await memberContext.newPage();
    await enrolThroughLink(member, admin);
    await passSecondFactor(member, admin.email);
    await expect(member.getByRole('heading', { name: 'Overview' })).toBeVisible();
    await member.goto('/admin/staff');
    await expect(member.getByRole('heading', { name: 'Staff', exact: true })).toBeVisible();

    const row = admin.page.getByRole('row', { name: new RegExp(admin.email) });
    await row.getByLabel(`Role of ${admin.email}`).selectOption('analyst');
    await row.getByRole('button', { name: 'Change role' }).click();
    await expect(row.getByRole('status')).toContainText('is now analyst');

    await member.goto('/admin/staff');
    await expect(member.getByRole('heading', { name: 'Not found' })).toBeVisible();
    await memberContext.close();
    await admin.context.close();
  });
});
