import { eq, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { staffRoles, staffSessions, staffUsers, type StaffRole } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record-audit';
import { systemClock, type Clock } from '@/lib/clock';
import { serviceContext, withTransaction } from '@/lib/context';
import { env, EnvError, type Env } from '@/lib/env';
import { publicActor } from './actor';
import { newSecretToken, sha256Hex } from './tokens';

/**
 * Staff single sign-on through an OpenID Connect provider (off while VIGIL_OIDC_ISSUER is unset). The IdP proves
 * who someone is; Vigil decides whether they get in: only staff who exist here (matched by e-mail) and are not
 * disabled. With VIGIL_OIDC_ROLE_CLAIM set, the IdP's groups decide the role at every sign-in.
 */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  name: string;
  roleClaim: string | null;
  /** Claim value → role. */
  roleMap: Map<string, StaffRole>;
}

/** `amr` values that say the IdP verified more than a password (RFC 8176). */
export const mfaMethods = ['mfa', 'hwk', 'otp'] as const;

/** When several claim values map to roles, the one granting most wins. */
const roleRank: Record<StaffRole, number> = { analyst: 1, agent: 2, admin: 3 };

function parseRoleMap(text: string): Map<string, StaffRole> {
  const map = new Map<string, StaffRole>();
  for (const pair of text.split(',')) {
    if (pair.trim() === '') continue;
    const at = pair.lastIndexOf('=');
    const value = pair.slice(0, at).trim();
    const role = pair.slice(at + 1).trim();
    if (at <= 0 || value === '' || !(staffRoles as readonly string[]).includes(role)) {
      throw new EnvError(
        `Invalid environment configuration:\n  VIGIL_OIDC_ROLE_MAP: "${pair.trim()}" must be <claim value>=<${staffRoles.join('|')}>`,
      );
    }
    map.set(value, role as StaffRole);
  }
  return map;
}

/** The SSO configuration, or null while it is off. A half-configured SSO is refused at start, naming what is missing. */
export function oidcSettings(e: Env = env()): OidcSettings | null {
  if (!e.VIGIL_OIDC_ISSUER) return null;
  const missing = (['VIGIL_OIDC_CLIENT_ID', 'VIGIL_OIDC_CLIENT_SECRET'] as const).filter((name) => !e[name]);
  if (missing.length > 0) {
    throw new EnvError(
      `Invalid environment configuration:\n${missing.map((m) => `  ${m}: required when VIGIL_OIDC_ISSUER is set`).join('\n')}`,
    );
  }
  const roleMap = parseRoleMap(e.VIGIL_OIDC_ROLE_MAP);
  const roleClaim = e.VIGIL_OIDC_ROLE_CLAIM?.trim() || null;
  if (roleClaim && roleMap.size === 0) {
    throw new EnvError(
      'Invalid environment configuration:\n  VIGIL_OIDC_ROLE_MAP: required when VIGIL_OIDC_ROLE_CLAIM is set (e.g. vigil-admins=admin)',
    );
  }
  return {
    issuer: e.VIGIL_OIDC_ISSUER.replace(/\/+$/, ''),
    clientId: e.VIGIL_OIDC_CLIENT_ID!,
    clientSecret: e.VIGIL_OIDC_CLIENT_SECRET!,
    name: e.VIGIL_OIDC_NAME,
    roleClaim,
    roleMap,
  };
}

/** The role the IdP's claim grants, or null when none of its values is mapped. */
export function roleFromClaim(settings: OidcSettings, claims: Record<string, unknown>): StaffRole | null {
  if (!settings.roleClaim) return null;
  const raw = claims[settings.roleClaim];
  const values = Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw];
  let best: StaffRole | null = null;
  for (const value of values) {
    const role = typeof value === 'string' ? settings.roleMap.get(value) : undefined;
    if (role && (!best || roleRank[role] > roleRank[best])) best = role;
  }
  return best;
}

/** Whether the IdP says it verified a second factor (`amr` contains mfa, hwk or otp). */
export function idpDidMfa(claims: Record<string, unknown>): boolean {
  const amr = claims.amr;
  return Array.isArray(amr) && amr.some((m) => (mfaMethods as readonly string[]).includes(String(m)));
}

export type OidcSignInResult = { ok: true; token: string; staffId: string; factorVerified: boolean } | { ok: false };

/**
 * Turns an IdP's verified ID-token claims into a staff session. Refused (and audited with the reason): no e-mail,
 * an e-mail the IdP marks unverified, nobody in Vigil with that e-mail, a disabled staff member, and — with a role
 * claim configured — no mapped group. With MFA asserted in `amr`, the session's factor counts from the IdP's
 * `auth_time` (so an old IdP session does not pass a step-up); otherwise the session waits for Vigil's own factor.
 */
export async function signInWithOidc(
  db: Db,
  settings: OidcSettings,
  claims: Record<string, unknown>,
  from: { ip?: string | null; userAgent?: string | null } = {},
  clock: Clock = systemClock,
): Promise<OidcSignInResult> {
  const now = clock();
  const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase().slice(0, 320) : '';
  const mfa = idpDidMfa(claims);
  const amr = Array.isArray(claims.amr) ? claims.amr.map(String).slice(0, 10) : [];
  const audit = (action: `staff.${string}`, staffId: string | null, extra: Record<string, unknown> = {}) =>
    withTransaction(serviceContext(db, publicActor, { clientIp: from.ip ?? null }), (tx) =>
      recordAudit(tx, {
        action,
        targetType: 'staff',
        targetId: staffId ?? 'unknown',
        reason: typeof extra.reason === 'string' ? extra.reason : null,
        after: { method: 'oidc', email, amr, userAgent: from.userAgent?.slice(0, 512) ?? null, ...extra },
      }),
    );

  if (!email) {
    await audit('staff.sign_in_failed', null, { reason: 'sso_no_email' });
    return { ok: false };
  }
  if (claims.email_verified === false) {
    await audit('staff.sign_in_failed', null, { reason: 'sso_email_unverified' });
    return { ok: false };
  }
  const [staff] = await db
    .select({
      id: staffUsers.id,
      role: staffUsers.role,
      disabled: staffUsers.disabled,
      sessionVersion: staffUsers.sessionVersion,
    })
    .from(staffUsers)
    .where(sql`lower(${staffUsers.email}) = ${email}`);
  if (!staff || staff.disabled) {
    await audit('staff.sign_in_failed', staff?.id ?? null, { reason: staff ? 'disabled' : 'sso_unknown_email' });
    return { ok: false };
  }
  const role = settings.roleClaim ? roleFromClaim(settings, claims) : staff.role;
  if (!role) {
    await audit('staff.sign_in_failed', staff.id, { reason: 'sso_no_role' });
    return { ok: false };
  }

  const authTime = typeof claims.auth_time === 'number' ? new Date(claims.auth_time * 1000) : now;
  const factorVerifiedAt = mfa ? (authTime > now ? now : authTime) : null;
  const token = newSecretToken();
  await withTransaction(serviceContext(db, publicActor, { clientIp: from.ip ?? null }), async (tx) => {
    if (role !== staff.role) {
      // The IdP's groups changed: the new role applies from this sign-in on.
      await tx.db.update(staffUsers).set({ role, updatedAt: now }).where(eq(staffUsers.id, staff.id));
      await recordAudit(tx, {
        action: 'staff.change_role',
        targetType: 'staff',
        targetId: staff.id,
        reason: 'sso_role_claim',
        before: { role: staff.role },
        after: { role },
      });
    }
    await tx.db.update(staffUsers).set({ lastSignInAt: now }).where(eq(staffUsers.id, staff.id));
    await tx.db.insert(staffSessions).values({
      tokenHash: sha256Hex(token),
      staffId: staff.id,
      sessionVersion: staff.sessionVersion,
      createdAt: now,
      lastSeenAt: now,
      factorVerifiedAt,
      ip: from.ip ?? null,
      userAgent: from.userAgent?.slice(0, 512) ?? null,
    });
  });
  // With the IdP's MFA this is a whole sign-in; without it, a first step that waits for Vigil's second factor.
  await audit(mfa ? 'staff.sign_in' : 'staff.sign_in_sso_ok', staff.id, { mfa });
  return { ok: true, token, staffId: staff.id, factorVerified: mfa };
}
