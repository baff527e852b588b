import { test as setup } from '@playwright/test';
import { roles, signInAs, storageState } from './helpers';

// One signed-in browser state per role (the first sign-in enrols the demo user's authenticator app), reused by
// the specs that do not sign out.
for (const role of roles) {
  setup(`sign in as ${role}`, async ({ page }) => {
    await signInAs(page, role);
    await page.context().storageState({ path: storageState(role) });
  });
}
