/*
 * The `vigil` command line: `npm run vigil -- <command>`. Runs on the server; on the embedded engine it
 * refuses while the Vigil server holds the database (one process at a time).
 */
import fs from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { DatabaseLockedError, migrateDatabase, openPostgres, type Database, type Db } from '@/db/client';
import { openDatabase } from '@/lib/database';
import { apiKeyScopes, staffRoles } from '@/db/schema';
import { bulkSeedEvents } from '@/lib/demo/bulk-events';
import { defaultSeedOptions } from '@/lib/demo/generate-events';
import { demoStaff, demoStaffPassword, seedDemoData } from '@/lib/demo/seed-demo';
import { cliActor } from '@/lib/auth/actor';
import { serviceContext } from '@/lib/context';
import { env, EnvError } from '@/lib/env';
import { listApiKeys } from '@/lib/api-keys/list-api-keys';
import { isServiceError } from '@/lib/errors';
import { createApiKey } from '@/lib/api-keys/create-api-key';
import { revokeApiKey } from '@/lib/api-keys/revoke-api-key';
import { changeStaffRole } from '@/lib/staff/change-staff-role';
import { createStaff } from '@/lib/staff/create-staff';
import { disableStaff } from '@/lib/staff/disable-staff';
import { enableStaff } from '@/lib/staff/enable-staff';
import { staffIdByEmail } from '@/lib/staff/staff-id-by-email';
import { resetStaffPassword } from '@/lib/staff/reset-staff-password';
import { rekeySecrets } from '@/lib/auth/rekey';
import { encryptionKey, parseKey } from '@/lib/auth/secret-box';
import { addChannel, listChannels, removeChannel, testChannel } from '@/lib/notifications/channels';
import { PARTITION_DAYS_AHEAD } from '@/lib/retention/partitions';
import { describeOutcome } from '@/lib/retention/describe';
import { ensurePartitionsAhead, retentionRun } from '@/lib/retention/retention';
import { progressReporter } from './progress';

function positiveInt(name: string, max: number) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max)
      throw new InvalidArgumentError(`${name} must be a whole number from 1 to ${max}.`);
    return n;
  };
}

function role(value: string) {
  if (!(staffRoles as readonly string[]).includes(value))
    throw new InvalidArgumentError(`role must be one of ${staffRoles.join(', ')}.`);
  return value as (typeof staffRoles)[number];
}

/** Opens the database, applies pending migrations, runs `work`, closes. */
async function withDatabase(work: (database: Database) => Promise<void>) {
  const database = await openDatabase();
  try {
    await migrateDatabase(database, { ownerUrl: env().VIGIL_MIGRATION_DATABASE_URL });
    await work(database);
  } finally {
    await database.close();
  }
}

/** What the CLI's staff and API-key commands act as: the operator at the server (cliActor). */
const operator = (db: Db) => serviceContext(db, cliActor());

const program = new Command('vigil')
  .description('Vigil account-security console: administration commands')
  .showHelpAfterError();

program
  .command('migrate')
  .description('apply pending database migrations')
  .action(() => withDatabase(() => Promise.resolve(console.log('Database schema is up to date.'))));

program
  .command('seed')
  .description('fill the database with deterministic demo data (staff, accounts, login and OTP events)')
  .option(
    '--accounts <n>',
    'number of customer accounts',
    positiveInt('--accounts', 5_000_000),
    defaultSeedOptions.accounts,
  )
  .option('--days <n>', 'days of history, ending now', positiveInt('--days', 400), defaultSeedOptions.days)
  .option(
    '--seed <n>',
    'random seed (same seed, same data)',
    positiveInt('--seed', 2 ** 31 - 1),
    defaultSeedOptions.seed,
  )
  .option(
    '--end <time>',
    'end of the generated range (ISO 8601; default now): with the seed, makes a run reproducible',
    (v: string) => {
      const t = new Date(v);
      if (Number.isNaN(t.getTime()))
        throw new InvalidArgumentError('--end must be an ISO 8601 time, e.g. 2026-11-01T00:00:00Z.');
      return t;
    },
  )
  .option(
    '--otp-events <n>',
    'bulk path: stream this many OTP events with COPY (PostgreSQL server only), e.g. 10000000',
    positiveInt('--otp-events', 1_000_000_000),
  )
  .option(
    '--login-events <n>',
    'bulk path: stream this many login events with COPY (PostgreSQL server only)',
    positiveInt('--login-events', 1_000_000_000),
  )
  .action(
    (opts: { accounts: number; days: number; seed: number; end?: Date; otpEvents?: number; loginEvents?: number }) =>
      withDatabase(async (database) => {
        const end = opts.end ?? new Date();
        if (opts.otpEvents || opts.loginEvents) {
          const accountsForBulk = opts.accounts === defaultSeedOptions.accounts ? 100_000 : opts.accounts;
          for (const [kind, count] of [
            ['otp', opts.otpEvents],
            ['login', opts.loginEvents],
          ] as const) {
            if (!count) continue;
            const progress = progressReporter(`Bulk ${kind} events`);
            const started = performance.now();
            const written = await bulkSeedEvents(
              database,
              { kind, events: count, accounts: accountsForBulk, days: opts.days, seed: opts.seed, end },
              (done, total) => progress.update(done, total, `${done.toLocaleString('en-US')} events`),
            );
            const seconds = (performance.now() - started) / 1000;
            progress.done(
              `Wrote ${written.toLocaleString('en-US')} ${kind} events for up to ${accountsForBulk.toLocaleString('en-US')} accounts in ${seconds.toFixed(0)} s (${Math.round(written / seconds).toLocaleString('en-US')} events/s).`,
            );
          }
          return;
        }
        const progress = progressReporter('Seeding');
        const summary = await seedDemoData(
          database.db,
          { accounts: opts.accounts, days: opts.days, seed: opts.seed, end },
          (p) => progress.update(p.day, p.days, `${p.events.toLocaleString('en-US')} events`),
        );
        progress.done(`Seeded ${summary.accounts} accounts and ${summary.events.toLocaleString('en-US')} events.`);
        console.log(`Demo staff (password ${demoStaffPassword}): ${demoStaff.map((s) => s.email).join(', ')}`);
      }),
  );

const staff = program.command('staff').description('manage staff who sign in to Vigil');

staff
  .command('create')
  .description('create a staff member; prints their one-time enrolment link (24 h) alone on the last line')
  .requiredOption('--email <email>', 'sign-in e-mail')
  .requiredOption('--role <role>', `one of ${staffRoles.join(', ')}`, role)
  .option('--name <name>', 'display name (defaults to the e-mail)')
  .action((opts: { email: string; role: (typeof staffRoles)[number]; name?: string }) =>
    withDatabase(async ({ db }) => {
      const created = await createStaff(operator(db), {
        email: opts.email,
        role: opts.role,
        name: opts.name ?? opts.email,
      });
      console.log(`Created ${created.email} (${created.role}). Their enrolment link (24 h, one use), shown only once:`);
      console.log(created.enrolmentUrl);
    }),
  );

staff
  .command('disable')
  .description('disable a staff member and end their sessions')
  .requiredOption('--email <email>', 'sign-in e-mail')
  .action((opts: { email: string }) =>
    withDatabase(async ({ db }) =>
      console.log(
        (await disableStaff(operator(db), { staffId: await staffIdByEmail(operator(db), opts.email) })).message,
      ),
    ),
  );

staff
  .command('enable')
  .description('let a disabled staff member sign in again')
  .requiredOption('--email <email>', 'sign-in e-mail')
  .action((opts: { email: string }) =>
    withDatabase(async ({ db }) =>
      console.log(
        (await enableStaff(operator(db), { staffId: await staffIdByEmail(operator(db), opts.email) })).message,
      ),
    ),
  );

staff
  .command('role')
  .description("change a staff member's role (applies on their next request)")
  .requiredOption('--email <email>', 'sign-in e-mail')
  .requiredOption('--role <role>', `one of ${staffRoles.join(', ')}`, role)
  .action((opts: { email: string; role: string }) =>
    withDatabase(async ({ db }) =>
      console.log(
        (
          await changeStaffRole(operator(db), {
            staffId: await staffIdByEmail(operator(db), opts.email),
            role: opts.role,
          })
        ).message,
      ),
    ),
  );

staff
  .command('reset-password')
  .description('send a new enrolment link (printed once, last line): ends the member’s sessions and second factors')
  .requiredOption('--email <email>', 'sign-in e-mail')
  .action((opts: { email: string }) =>
    withDatabase(async ({ db }) => {
      const r = await resetStaffPassword(operator(db), { staffId: await staffIdByEmail(operator(db), opts.email) });
      console.log(`New enrolment link for ${r.email} (24 h, one use), shown only once:`);
      console.log(r.enrolmentUrl);
    }),
  );

function scopes(value: string) {
  const list = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = list.filter((s) => !(apiKeyScopes as readonly string[]).includes(s));
  if (list.length === 0 || unknown.length > 0) {
    throw new InvalidArgumentError(
      `${unknown.length ? `unknown scope ${unknown.join(', ')}; ` : ''}scopes are ${apiKeyScopes.join(', ')} (comma-separated).`,
    );
  }
  return list as (typeof apiKeyScopes)[number][];
}

staff
  .command('rekey')
  .description('re-encrypt staff secrets under the current key (VIGIL_ENCRYPTION_KEY) from the previous one')
  .option('--from-key <key>', 'the previous key (32 bytes, base64 or hex)')
  .option('--from-key-file <path>', 'the previous key file (e.g. the one created beside the embedded data)')
  .action((opts: { fromKey?: string; fromKeyFile?: string }) =>
    withDatabase(async ({ db }) => {
      const source = opts.fromKey ?? (opts.fromKeyFile ? fs.readFileSync(opts.fromKeyFile, 'utf8') : undefined);
      if (!source) throw new Error('give the previous key: --from-key or --from-key-file');
      const { rekeyed, already } = await rekeySecrets(db, parseKey(source), encryptionKey());
      console.log(`Re-encrypted ${rekeyed} staff secret(s); ${already} already used the current key.`);
    }),
  );

const apikey = program.command('apikey').description('manage API keys of the platform (machine access)');

apikey
  .command('create')
  .description('create an API key; the key is printed once, alone on the last line')
  .requiredOption('--name <name>', 'what uses the key, e.g. "login service"')
  .requiredOption('--scopes <scopes>', `comma-separated: ${apiKeyScopes.join(',')}`, scopes)
  .action((opts: { name: string; scopes: (typeof apiKeyScopes)[number][] }) =>
    withDatabase(async ({ db }) => {
      const created = await createApiKey(operator(db), { name: opts.name, scopes: opts.scopes });
      console.log(`Created API key ${created.id} "${created.name}" with scopes ${created.scopes.join(',')}.`);
      console.log('Store it now: Vigil keeps only a hash and cannot show it again.');
      console.log(created.key);
    }),
  );

apikey
  .command('list')
  .description('list API keys (never the keys themselves)')
  .action(() =>
    withDatabase(async ({ db }) => {
      const keys = await listApiKeys(operator(db));
      if (keys.length === 0)
        console.log('No API keys yet. Create one with: npm run vigil -- apikey create --name N --scopes events:write');
      for (const k of keys) {
        const state = k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : 'active';
        console.log(
          `${k.id}  ${k.prefix}…  ${k.name}  [${k.scopes.join(',')}]  ${state}  last used ${k.lastUsedAt?.toISOString() ?? 'never'}`,
        );
      }
    }),
  );

apikey
  .command('revoke')
  .description('revoke an API key; it is refused from its next request')
  .requiredOption('--id <id>', 'the key id shown by apikey list')
  .action((opts: { id: string }) =>
    withDatabase(async ({ db }) => console.log((await revokeApiKey(operator(db), { apiKeyId: opts.id })).message)),
  );

const channel = program.command('channel').description('notification channels: where the security team is told');

channel
  .command('add')
  .description('add a channel; prints its id alone on the last line (a webhook channel also prints its secret once)')
  .requiredOption('--type <type>', 'slack | email | webhook')
  .requiredOption('--target <target>', 'the incoming-webhook URL (slack, webhook) or e-mail address (email)')
  .option('--min-severity <severity>', 'alert topics below this are not sent: low | medium | high | critical', 'low')
  .option('--topics <topics>', 'comma-separated topics (default: all)', (v: string) =>
    v
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean),
  )
  .option('--masked', 'hide names, contacts and IPs in this channel’s messages', false)
  .action((opts: { type: string; target: string; minSeverity: string; topics?: string[]; masked: boolean }) =>
    withDatabase(async ({ db }) => {
      const created = await addChannel(operator(db), opts);
      console.log(`Added ${opts.type} channel for ${opts.target}.`);
      if (created.secret) console.log(`Signing secret (Vigil-Signature; shown once): ${created.secret}`);
      console.log(created.id);
    }),
  );

channel
  .command('list')
  .description('list channels with their health')
  .action(() =>
    withDatabase(async ({ db }) => {
      const channels = await listChannels(operator(db));
      if (channels.length === 0)
        console.log('No channels yet. Add one with: npm run vigil -- channel add --type slack --target URL');
      for (const c of channels) {
        const health = c.failingSince
          ? `failing since ${c.failingSince.toISOString()}`
          : `last delivered ${c.lastDeliveredAt?.toISOString() ?? 'never'}`;
        console.log(
          `${c.id}  ${c.type}  ${c.target}  min ${c.minSeverity}  [${c.topics?.join(',') ?? 'all topics'}]${c.masked ? '  masked' : ''}  ${health}`,
        );
      }
    }),
  );

channel
  .command('remove')
  .description('remove a channel; messages still queued for it are dropped')
  .requiredOption('--id <id>', 'the channel id shown by channel list')
  .action((opts: { id: string }) =>
    withDatabase(async ({ db }) => {
      await removeChannel(operator(db), opts.id);
      console.log(`Removed channel ${opts.id}.`);
    }),
  );

channel
  .command('test')
  .description('send a test message now and print the outcome')
  .requiredOption('--id <id>', 'the channel id shown by channel list')
  .action((opts: { id: string }) =>
    withDatabase(async ({ db }) => {
      const outcome = await testChannel(operator(db), opts.id);
      if (outcome.ok) {
        console.log(
          `Delivered${outcome.statusCode ? ` (HTTP ${outcome.statusCode})` : ''} in ${outcome.durationMs} ms.`,
        );
      } else {
        console.log(`Not delivered: ${outcome.error} (after ${outcome.durationMs} ms).`);
        process.exitCode = 1;
      }
    }),
  );

const partitions = program.command('partitions').description('the monthly partitions of the raw event tables');

partitions
  .command('ensure')
  .description(
    `make partitions for this month through ${PARTITION_DAYS_AHEAD} days ahead (the server does it every hour)`,
  )
  .action(() =>
    withDatabase(async ({ db }) => {
      const made = await ensurePartitionsAhead(operator(db));
      console.log(made.length > 0 ? `Created ${made.join(', ')}.` : 'Every partition needed is there already.');
    }),
  );

const retention = program.command('retention').description('data retention (VIGIL_RETENTION_* days)');

retention
  .command('run')
  .description(
    'drop what is past its retention window now (the server does it daily), audit months past VIGIL_RETENTION_AUDIT_DAYS too (as the migration role); prints what it dropped',
  )
  .option('--dry-run', 'print what would be dropped or deleted, and change nothing', false)
  .action((opts: { dryRun: boolean }) =>
    withDatabase(async (database) => {
      // Audit months go only as the migration role, which owns them (one role: this database is it).
      const ownerUrl = env().VIGIL_MIGRATION_DATABASE_URL;
      const owner = ownerUrl ? openPostgres(ownerUrl, { max: 2 }) : database;
      try {
        const outcome = await retentionRun(operator(database.db), database, { dryRun: opts.dryRun, owner });
        for (const line of describeOutcome(outcome)) console.log(line);
      } finally {
        if (owner !== database) await owner.close();
      }
    }),
  );

program.parseAsync().catch((error: unknown) => {
  if (error instanceof DatabaseLockedError || error instanceof EnvError) {
    console.error(`vigil: ${error.message}`);
  } else if (isServiceError(error)) {
    const fields = error.fieldErrors
      ? Object.entries(error.fieldErrors)
          .map(([k, v]) => `\n  ${k}: ${v.join('; ')}`)
          .join('')
      : '';
    console.error(`vigil: ${error.message}${fields}`);
  } else {
    console.error('vigil: unexpected error:', error);
  }
  process.exitCode = 1;
});
