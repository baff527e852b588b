import { z } from 'zod';

const flag = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', ''])
  .optional()
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

/** Every environment variable Vigil reads, with its default. The README's configuration table mirrors this. */
export /** A retention period in days: a whole number from 1 to 100 years. */
const retentionDays = (fallback: number) =>
  z.coerce
    .number()
    .int('must be a whole number of days')
    .min(1, 'must be at least 1 day')
    .max(36_500)
    .default(fallback);

const EnvSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** A role that owns the schema and runs migrations; DATABASE_URL's role then gets only what it needs. */
  VIGIL_MIGRATION_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  VIGIL_DATA_DIR: z.string().min(1).default('.data/pglite'),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  VIGIL_HOST: z.string().min(1).default('localhost'),
  NEXTAUTH_URL: z.url('must be the public URL, e.g. https://vigil.example.com').optional(),
  /** The URL enrolment links point to (default NEXTAUTH_URL). */
  VIGIL_PUBLIC_URL: z.url('must be the public URL, e.g. https://vigil.example.com').optional(),
  NEXTAUTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  VIGIL_DEMO: flag,
  /** Requests per second per API key on the ingest API. */
  VIGIL_INGEST_RATE_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(100),
  /**
   * Batches one server stores at once; one more (its key, rate and body checked) is answered 503 with
   * Retry-After at once rather than queued for the database pool (app/_adapters/api-route.ts; `npm run chaos`,
   * scenario 3).
   */
  VIGIL_INGEST_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(10_000).default(8),
  /**
   * Pages one server renders at once, and how many more wait their turn (each up to VIGIL_PAGE_MAX_WAIT_MS); a page
   * beyond is answered 503 with Retry-After by a page that retries by itself (app/_adapters/page-admission.ts;
   * `npm run chaos`, scenario 3).
   */
  VIGIL_PAGE_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(10_000).default(8),
  VIGIL_PAGE_MAX_QUEUED: z.coerce.number().int().min(0).max(100_000).default(100),
  VIGIL_PAGE_MAX_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(3000),
  /** Requests per second per API key on the security-state API, which the platform calls on every login and payment. */
  VIGIL_SECURITY_API_RATE_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(5000),
  /** Requests per second per API key or staff member on the read APIs (metrics, alerts). */
  VIGIL_API_READ_RATE_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(100),
  /** Requests per second per staff member on the change APIs (PATCH alerts and reports). */
  VIGIL_API_CHANGE_RATE_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(20),
  /** Requests per minute per client IP on the public API (report filing and status), before their hourly limits. */
  VIGIL_PUBLIC_RATE_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(120),
  /** 32 bytes (base64 or hex) that encrypt staff secrets at rest; unset: a key file beside the embedded data. */
  VIGIL_ENCRYPTION_KEY: z.string().min(32).optional(),
  /** Failed staff sign-ins from one client address (IPv6 by its /64) before that address is refused for 15 minutes. */
  VIGIL_SIGNIN_IP_FAILURE_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(5),
  /** Seconds a verified second factor counts as recent for actions that need step-up. */
  VIGIL_STEP_UP_MAX_AGE: z.coerce
    .number()
    .int()
    .min(1)
    .max(86_400 * 7)
    .default(300),
  /** Hosts and CIDRs (comma-separated) outbound targets may point to although private or loopback (local receivers). */
  VIGIL_ALLOW_PRIVATE_TARGETS: z.string().max(2000).default(''),
  /** Proxies (IPs or CIDRs, comma-separated) whose X-Forwarded-For is believed when finding the client's IP. */
  VIGIL_TRUSTED_PROXIES: z.string().max(2000).default(''),
  /** Fraud reports per hour per client IP and per contact. */
  VIGIL_REPORT_LIMIT: z.coerce.number().int().min(1).max(100_000).default(5),
  /** Report status lookups per hour per client IP. */
  VIGIL_STATUS_LOOKUP_LIMIT: z.coerce.number().int().min(1).max(100_000).default(10),
  /**
   * How long the server that stored a batch has to run its detection before any server's backlog sweep may take
   * it over (lib/detection/backlog.ts); the owner renews it while it works. A crashed server's alerts come this
   * long after the crash, at most plus a sweep interval (a quarter of it, at most 30 s).
   */
  VIGIL_DETECTION_LEASE_SECONDS: z.coerce.number().int().min(5).max(3600).default(60),
  /**
   * How far the server's heap may grow over what the last full garbage collection kept, in percent (0: V8's own,
   * up to four times while memory is free). Lower bounds memory under overload; higher spends less CPU collecting
   * (scripts/build-fingerprint.ts serverNodeArgs, README "Memory").
   */
  VIGIL_HEAP_GROWING_PERCENT: z.coerce.number().int().min(0).max(400).default(20),
  /** On SIGTERM, how long requests in flight may run before their connections are cut (scripts/serve.ts). */
  VIGIL_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  /** A request whose headers and body are not fully received after this long gets 408 (scripts/http-server.ts). */
  VIGIL_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  /** Bearer token GET /metrics requires; unset, it answers only requests from this machine without a proxy. */
  VIGIL_METRICS_TOKEN: z
    .string()
    .min(16, 'must be at least 16 characters')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** Staff single sign-on (OpenID Connect), off while unset: the IdP's issuer URL (its discovery document's base). */
  VIGIL_OIDC_ISSUER: z
    .url('must be the issuer URL, e.g. https://login.example.com/realms/staff')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  VIGIL_OIDC_CLIENT_ID: z.string().max(500).optional(),
  VIGIL_OIDC_CLIENT_SECRET: z.string().max(2000).optional(),
  /** The ID-token claim holding the staff member's groups or roles (e.g. `groups`); unset: Vigil's own roles apply. */
  VIGIL_OIDC_ROLE_CLAIM: z.string().max(200).optional(),
  /** Claim values to Vigil roles, e.g. `vigil-admins=admin,vigil-agents=agent,vigil-analysts=analyst`. */
  VIGIL_OIDC_ROLE_MAP: z.string().max(2000).default(''),
  /** The IdP's name on the sign-in button ("Sign in with …"). */
  VIGIL_OIDC_NAME: z.string().min(1).max(60).default('single sign-on'),
  /** The SMTP server e-mail notification channels send through, e.g. smtp://user:pass@mail.example.com:587. */
  VIGIL_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** The sender of notification e-mails. */
  VIGIL_SMTP_FROM: z.string().min(3).max(320).default('Vigil <vigil@localhost>'),
  /** Days raw events are kept (docs/data-lifecycle.md); an event older than this is not stored, and the seen-id ledger keeps as long. */
  VIGIL_RETENTION_EVENTS_DAYS: retentionDays(180),
  /**
   * Days a code's pairing row (otp_codes: the first time of its issue, delivery and use, for the latency charts) is
   * kept after the code was issued; never longer than raw events. A code's later events (its delivery or use after
   * this) are still stored and counted, but no longer timed against its issue.
   */
  VIGIL_RETENTION_CODES_DAYS: retentionDays(7),
  /** Days hourly rollups are kept (charts by hour, the analytics prefix table). */
  VIGIL_RETENTION_HOURLY_DAYS: retentionDays(90),
  /** Days daily rollups are kept (charts by day). */
  VIGIL_RETENTION_DAILY_DAYS: retentionDays(730),
  /** Days resolved or dismissed alerts and closed reports are kept after they closed. */
  VIGIL_RETENTION_CASES_DAYS: retentionDays(730),
  /** Days delivered outbox rows (webhooks, notices, notifications sent) are kept. */
  VIGIL_RETENTION_OUTBOX_DAYS: retentionDays(30),
  /** Days the audit log is kept; unset: forever. */
  VIGIL_RETENTION_AUDIT_DAYS: z.coerce
    .number()
    .int('must be a whole number of days')
    .min(30, 'must be at least 30 days')
    .max(36_500)
    .optional()
    .or(z.literal('').transform(() => undefined)),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
});
export type Env = z.infer<typeof EnvSchema>;

export class EnvError extends Error {
  override name = 'EnvError';
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = EnvSchema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new EnvError(`Invalid environment configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}

let cached: Env | undefined;
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Tests that change process.env re-read it. */
export function resetEnvForTests(): void {
  cached = undefined;
}

/** The public base URL staff reach Vigil at; decides Secure cookies and HSTS. */
export function publicUrl(e: Env = env()): URL {
  return new URL(e.NEXTAUTH_URL ?? `http://localhost:${e.PORT}`);
}

/** Where links in messages point (enrolment links, notifications): VIGIL_PUBLIC_URL, else NEXTAUTH_URL. */
export function linkBase(e: Env = env()): URL {
  return e.VIGIL_PUBLIC_URL ? new URL(e.VIGIL_PUBLIC_URL) : publicUrl(e);
}

export function isHttps(e: Env = env()): boolean {
  return publicUrl(e).protocol === 'https:';
}
