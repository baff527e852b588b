import { expect, test, type Browser } from '@playwright/test';
import { signIn, storageState, unique } from './helpers';

async function createStaffMember(browser: Browser, role: string) {
  const context = await browser.newContext({ storageState: storageState('admin') });
  const page = await context.newPage();
  const email = `e2e.${unique()}@demo.vigil`;
  await page.goto('/admin/staff');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Name').fill('E2E Person');
  await page.getByLabel('Role', { exact: true }).selectOption(role);
  await page.getByRole('button', { name: 'Create staff member' }).click();
  await expect(page.getByRole('status')).toContainText(`${email} can now sign in as ${role}`);
  const password = (await page.getByTestId('one-time-secret').textContent())!;
  return { context, page, email, password };
}

test.describe('admin manages staff', () => {
  test('an admin creates a staff member whose one-time password works', async ({ browser }) => {
    const admin = await createStaffMember(browser, 'analyst');
    await expect(admin.page.getByRole('row', { name: new RegExp(admin.email) })).toContainText('analyst');
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, admin.email, admin.password);
    await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
    await expect(page.getByRole('banner')).toContainText('analyst');
    await context.close();
    await admin.context.close();
  });

  test('a disabled staff member is refused on their very next request', async ({ browser }) => {
    const admin = await createStaffMember(browser, 'agent');
    const victimContext = await browser.newContext();
    const victim = await victimContext.newPage();
    await signIn(victim, admin.email, admin.password);
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
    await signIn(member, admin.email, admin.password);
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
