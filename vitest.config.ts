import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { alias: { '@': path.resolve(import.meta.dirname) } },
  test: {
    include: ['{app,lib,db,scripts}/**/*.test.ts'],
    globalSetup: ['./db/testing/global-setup.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    env: {
      NODE_ENV: 'test',
      NEXTAUTH_SECRET: 'test-secret-test-secret-test-secret-0123',
      // Tests start their webhook receivers on this machine (lib/outbound/outbound-target.test.ts tests the refusal).
      VIGIL_ALLOW_PRIVATE_TARGETS: '127.0.0.1,::1,localhost',
      // Many tests store events (and chart them) at fixed instants (an hour of their own, a known weekday) that fall out of the default
      // 180-day window as the calendar moves on; retention's own tests set the windows they test (lib/retention).
      VIGIL_RETENTION_EVENTS_DAYS: '36500',
      VIGIL_RETENTION_CODES_DAYS: '36500',
      VIGIL_RETENTION_HOURLY_DAYS: '36500',
      VIGIL_RETENTION_DAILY_DAYS: '36500',
    },
  },
});
