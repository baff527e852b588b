import { randomBytes } from 'node:crypto';
import { and, count, eq, isNotNull, isNull, lt, or } from 'drizzle-orm';
import * as OTPAuth from 'otpauth';
import QRCode from 'qrcode';
import { z } from 'zod';
import type { Db, DbOrTx } from '@/db/client';
import { staffFactors, staffRecoveryCodes, staffSessions } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record-audit';
import { requireRecentFactor, serviceContext, withTransaction, type ServiceContext } from '@/lib/context';
import { conflict, invalid, ServiceError } from '@/lib/errors';
import { parseInput } from '@/lib/validation';
import type { StaffActor } from './actor';
import { open, seal } from './secret-box';
import { sha256Hex } from './tokens';

/*
 * Staff second factors: an authenticator app (TOTP, RFC 6238: SHA-1, 6 digits, 30 s, ±1 step; a code is used
 * once) and ten single-use recovery codes. Every function here acts for the staff member of a sign-in session
 * (`who`), verified or not: the second-factor pages are the only ones a password-only session reaches.
 */

export const totpPeriodSeconds = 30;
export const recoveryCodeCount = 10;
const issuer = 'Vigil';

/** A sign-in session's staff member, as lib/auth/current-actor.ts resolves it (second factor passed or not). */
export interface SignInWho {
  actor: StaffActor;
  factorVerified: boolean;
  db: Db;
  requestId?: string | null;
  clientIp?: string | null;
  userAgent?: string | null;
}

const contextOf = (who: SignInWho): ServiceContext =>
  serviceContext(who.db, who.actor, { requestId: who.requestId, clientIp: who.clientIp });

const totpFor = (secret: OTPAuth.Secret, label: string) =>
  new OTPAuth.TOTP({ issuer, label, algorithm: 'SHA1', digits: 6, period: totpPeriodSeconds, secret });

const Code = z.object({
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/, 'must be the 6 digits your app shows'),
});
const RecoveryCode = z.object({
  code: z
    .string()
    .trim()
    .transform((c) => c.toUpperCase().replace(/[^0-9A-Z]/g, ''))
    .pipe(z.string().length(10, 'must be one of your 10-character recovery codes')),
});

/** The time step a code matches for this seed (±1 step of clock drift), or null. */
export function matchingStep(seedBase32: string, code: string, now = Date.now()): number | null {
  const delta = totpFor(OTPAuth.Secret.fromBase32(seedBase32), 'check').validate({
    token: code,
    timestamp: now,
    window: 1,
  });
  return delta === null ? null : Math.floor(now / 1000 / totpPeriodSeconds) + delta;
}

export async function confirmedFactorCount(db: DbOrTx, staffId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(staffFactors)
    .where(and(eq(staffFactors.staffId, staffId), isNotNull(staffFactors.confirmedAt)));
  return row?.n ?? 0;
}

/** Adding a factor needs a verified session, except the very first one at first sign-in. */
async function mayEnrol(who: SignInWho): Promise<void> {
  if (who.factorVerified) return;
  if ((await confirmedFactorCount(who.db, who.actor.id)) > 0) {
    throw new ServiceError('forbidden', 'Verify your second factor first.');
  }
}

export interface TotpEnrolment {
  factorId: string;
  /** The setup key, for apps that cannot scan: shown once, on the enrolment page. */
  setupKey: string;
  otpauthUri: string;
  qrDataUrl: string;
}

/** Starts an authenticator-app enrolment: a fresh seed, kept encrypted until a code from the app confirms it. */
export async function startTotpEnrolment(who: SignInWho): Promise<TotpEnrolment> {
  await mayEnrol(who);
  const secret = new OTPAuth.Secret({ size: 20 });
  // An unconfirmed enrolment left behind (a closed tab) is replaced, never confirmed later by surprise.
  await who.db
    .delete(staffFactors)
    .where(
      and(eq(staffFactors.staffId, who.actor.id), eq(staffFactors.kind, 'totp'), isNull(staffFactors.confirmedAt)),
    );
  const [factor] = await who.db
    .insert(staffFactors)
    .values({ staffId: who.actor.id, kind: 'totp', label: 'Authenticator app', secretCiphertext: seal(secret.base32) })
    .returning({ id: staffFactors.id });
  const otpauthUri = totpFor(secret, who.actor.email).toString();
  return {
    factorId: factor!.id,
    setupKey: secret.base32,
    otpauthUri,
    qrDataUrl: await QRCode.toDataURL(otpauthUri, { margin: 1, width: 220 }),
  };
}

function newRecoveryCode(): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  return Array.from(randomBytes(10), (b) => alphabet[b % 32]).join('');
}

/** Ten new single-use codes replace any earlier ones; only their hashes are kept. Shown once, as `XXXXX-XXXXX`. */
export async function replaceRecoveryCodes(db: DbOrTx, staffId: string): Promise<string[]> {
  const codes = Array.from({ length: recoveryCodeCount }, newRecoveryCode);
  await db.delete(staffRecoveryCodes).where(eq(staffRecoveryCodes.staffId, staffId));
  await db.insert(staffRecoveryCodes).values(codes.map((c) => ({ staffId, codeHash: sha256Hex(c) })));
  return codes.map((c) => `${c.slice(0, 5)}-${c.slice(5)}`);
}

async function markSessionVerified(db: DbOrTx, sessionId: string, at: Date): Promise<void> {
  await db.update(staffSessions).set({ factorVerifiedAt: at }).where(eq(staffSessions.id, sessionId));
}

/**
 * Confirms an authenticator-app enrolment with a code from the app. The first factor of a staff member also makes
 * their ten recovery codes (returned once) and completes the sign-in.
 */
export async function confirmTotpEnrolment(
  who: SignInWho,
  input: { factorId: string; code: unknown },
): Promise<{ recoveryCodes: string[] | null }> {
  await mayEnrol(who);
  const { code } = parseInput(Code, { code: input.code });
  return withTransaction(contextOf(who), async (tx) => {
    const [factor] = await tx.db
      .select()
      .from(staffFactors)
      .where(
        and(
          eq(staffFactors.id, input.factorId),
          eq(staffFactors.staffId, who.actor.id),
          isNull(staffFactors.confirmedAt),
        ),
      )
      .for('update');
    if (!factor?.secretCiphertext) throw conflict('This enrolment has expired. Start again.');
    const step = matchingStep(open(factor.secretCiphertext), code);
    if (step === null)
      throw invalid('That code does not match. Check the time on your phone and try again.', {
        code: ['does not match'],
      });
    const now = new Date();
    const first = (await confirmedFactorCount(tx.db, who.actor.id)) === 0;
    await tx.db
      .update(staffFactors)
      .set({ confirmedAt: now, lastUsedStep: step, lastUsedAt: now })
      .where(eq(staffFactors.id, factor.id));
    const recoveryCodes = first ? await replaceRecoveryCodes(tx.db, who.actor.id) : null;
    await markSessionVerified(tx.db, who.actor.sessionId, now);
    await recordAudit(tx, {
      action: 'staff.factor_enrol',
      targetType: 'staff',
      targetId: who.actor.id,
      after: { kind: 'totp', recoveryCodes: first ? recoveryCodeCount : 0, userAgent: who.userAgent ?? null },
    });
    return { recoveryCodes };
  });
}

/**
 * Checks a code from the staff member's authenticator app. A code is accepted for its own step and one step either
 * side, and at most once: the step is claimed with a compare-and-set, so a replayed or raced code is refused.
 */
async function claimTotp(db: DbOrTx, staffId: string, code: string, now: Date): Promise<boolean> {
  const factors = await db
    .select()
    .from(staffFactors)
    .where(and(eq(staffFactors.staffId, staffId), eq(staffFactors.kind, 'totp'), isNotNull(staffFactors.confirmedAt)));
  for (const factor of factors) {
    const step = matchingStep(open(factor.secretCiphertext!), code, now.getTime());
    if (step === null) continue;
    const [claimed] = await db
      .update(staffFactors)
      .set({ lastUsedStep: step, lastUsedAt: now })
      .where(
        and(eq(staffFactors.id, factor.id), or(isNull(staffFactors.lastUsedStep), lt(staffFactors.lastUsedStep, step))),
      )
      .returning({ id: staffFactors.id });
    if (claimed) return true;
  }
  return false;
}

async function claimRecoveryCode(db: DbOrTx, staffId: string, code: string, now: Date): Promise<boolean> {
  const [used] = await db
    .update(staffRecoveryCodes)
    .set({ usedAt: now })
    .where(
      and(
        eq(staffRecoveryCodes.staffId, staffId),
        eq(staffRecoveryCodes.codeHash, sha256Hex(code)),
        isNull(staffRecoveryCodes.usedAt),
      ),
    )
    .returning({ id: staffRecoveryCodes.id });
  return Boolean(used);
}

/**
 * Verifies a second factor for the session: a 6-digit app code, or a recovery code (used up). Success marks the
 * session verified (sign-in completed, or step-up refreshed); every outcome is audited with the IP and user agent.
 */
export async function verifySecondFactor(
  who: SignInWho,
  input: { code: unknown; method?: 'totp' | 'recovery' },
): Promise<{ method: 'totp' | 'recovery'; recoveryCodesLeft?: number }> {
  const method =
    input.method ?? (typeof input.code === 'string' && /^\s*\d{6}\s*$/.test(input.code) ? 'totp' : 'recovery');
  const code = method === 'totp' ? parseInput(Code, input).code : parseInput(RecoveryCode, input).code;
  const now = new Date();
  const ok =
    method === 'totp'
      ? await claimTotp(who.db, who.actor.id, code, now)
      : await claimRecoveryCode(who.db, who.actor.id, code, now);
  const ctx = contextOf(who);
  const purpose = who.factorVerified ? 'step_up' : 'sign_in';
  if (!ok) {
    await withTransaction(ctx, (tx) =>
      recordAudit(tx, {
        action: 'staff.second_factor_failed',
        targetType: 'staff',
        targetId: who.actor.id,
        after: { method, purpose, userAgent: who.userAgent ?? null },
      }),
    );
    throw invalid(
      method === 'totp'
        ? 'That code is not valid, or was already used. Wait for the next code and try again.'
        : 'That recovery code is not valid or was already used.',
      { code: ['not valid'] },
    );
  }
  await markSessionVerified(who.db, who.actor.sessionId, now);
  let recoveryCodesLeft: number | undefined;
  if (method === 'recovery') {
    const [row] = await who.db
      .select({ n: count() })
      .from(staffRecoveryCodes)
      .where(and(eq(staffRecoveryCodes.staffId, who.actor.id), isNull(staffRecoveryCodes.usedAt)));
    recoveryCodesLeft = row?.n ?? 0;
  }
  await withTransaction(ctx, (tx) =>
    recordAudit(tx, {
      action:
        method === 'recovery' ? 'staff.recovery_code_used' : purpose === 'step_up' ? 'staff.step_up' : 'staff.sign_in',
      targetType: 'staff',
      targetId: who.actor.id,
      after: { method, purpose, recoveryCodesLeft, userAgent: who.userAgent ?? null },
    }),
  );
  who.actor.factorVerifiedAt = now;
  return { method, recoveryCodesLeft };
}

/** New recovery codes for the signed-in staff member (after a fresh second factor). */
export async function regenerateRecoveryCodes(ctx: ServiceContext): Promise<string[]> {
  const actor = ctx.actor;
  if (actor.kind !== 'staff') throw new ServiceError('forbidden', 'Only staff have recovery codes.');
  requireRecentFactor(ctx);
  return withTransaction(ctx, async (tx) => {
    const codes = await replaceRecoveryCodes(tx.db, actor.id);
    await recordAudit(tx, { action: 'staff.recovery_codes_new', targetType: 'staff', targetId: actor.id });
    return codes;
  });
}
