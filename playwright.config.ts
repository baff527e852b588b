import fs from 'node:fs';
import { defineConfig, devices } from '@playwright/test';
import { oidcClientId, oidcClientSecret, oidcIssuer, oidcPort } from './e2e/oidc-settings';

const port = Number(process.env.E2E_PORT ?? 3100);
export const baseURL = `http://localhost:${port}`;

// Debian's Chromium (Playwright cannot download its browsers on these machines); Playwright's own browser only where it is absent.
const chromium = fs.existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined;

/*
 * The server runs the real start path (`scripts/start.ts --demo`): on the PostgreSQL server given by
 * E2E_DATABASE_URL (CI, prepared by scripts/test.ts), or on a fresh embedded database otherwise.
 */
const serverEnv: Record<string, string> = {
  PORT: String(port),
  NEXT_TELEMETRY_DISABLED: '1',
  // A day: the specs act as staff who verified their second factor at sign-in; step-up has its own tests.
  VIGIL_STEP_UP_MAX_AGE: '86400',
  // Every spec signs in from this one machine; wrong guesses on purpose must not lock the others out
  // (lib/auth/staff-sign-in.test.ts tests the per-address limit).
  VIGIL_SIGNIN_IP_FAILURE_LIMIT: '1000',
  // Every public report comes from this one address too; the specs file five, the default hourly limit, and one more
  // would refuse the last (app/api/v1/reports/route.test.ts tests the limit).
  VIGIL_REPORT_LIMIT: '100',
  // The specs' webhook receivers listen on this machine.
  VIGIL_ALLOW_PRIVATE_TARGETS: '127.0.0.1,::1,localhost',
  // Staff single sign-on against the real OIDC provider below (e2e/oidc-idp.ts, e2e/sso.spec.ts).
  VIGIL_OIDC_ISSUER: oidcIssuer,
  VIGIL_OIDC_CLIENT_ID: oidcClientId,
  VIGIL_OIDC_CLIENT_SECRET: oidcClientSecret,
  VIGIL_OIDC_NAME: 'Example IdP',
  VIGIL_OIDC_ROLE_CLAIM: 'groups',
  VIGIL_OIDC_ROLE_MAP: 'vigil-admins=admin,vigil-agents=agent,vigil-analysts=analyst',
  ...(process.env.E2E_DATABASE_URL
    ? { DATABASE_URL: process.env.E2E_DATABASE_URL }
    : { DATABASE_URL: '', VIGIL_DATA_DIR: process.env.E2E_DATA_DIR ?? '.test-output/e2e-pglite' }),
};

export default defineConfig({
  testDir: 'e2e',
  outputDir: '.test-output/e2e-artifacts',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  workers: 2,
  forbidOnly: true,
  reporter: [['list'], ['json', { outputFile: '.test-output/e2e.json' }]],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: chromium,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--no-first-run',
      ],
    },
  },
  projects: [
    { name: 'setup', testMatch: /.*\.setup\.ts/ },
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: {
          executablePath: chromium,
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-dev-shm-usage',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--disable-quic',
            '--no-first-run',
          ],
        },
      },
      dependencies: ['setup'],
    },
  ],
  webServer: [
    {
      command: 'npx tsx e2e/oidc-idp.ts',
      url: `${oidcIssuer}/.well-known/openid-configuration`,
      reuseExistingServer: false,
      timeout: 60_000,
      env: { E2E_OIDC_PORT: String(oidcPort), E2E_VIGIL_URL: baseURL },
    },
    {
      command: 'npx tsx scripts/start.ts --demo',
      url: `${baseURL}/api/health`,
      reuseExistingServer: false,
      timeout: 300_000,
      stdout: 'pipe',
      stderr: 'pipe',
      env: serverEnv,
      // Stopped as an operator stops it (it drains and lets go of the embedded database's lock), so the next run can
      // start at once instead of finding the lock held until it goes stale (30 s).
      gracefulShutdown: { signal: 'SIGTERM', timeout: 15_000 },
    },
  ],
});
