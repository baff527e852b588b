import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransportFuture,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { and, count, eq, gt, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '@/db/client';
import { staffFactors, staffRecoveryCodes, staffSessions, staffUsers, webauthnChallenges } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record-audit';
import { serviceContext, withTransaction } from '@/lib/context';
import { publicUrl } from '@/lib/env';
import { conflict, invalid, ServiceError } from '@/lib/errors';
import { publicActor } from './actor';
import { confirmedFactorCount, replaceRecoveryCodes, type SignInWho } from './second-factor';
import { newSecretToken, sha256Hex } from './tokens';

/*
 * Passkeys (WebAuthn) as a staff second factor, through @simplewebauthn/server: user verification required, the
 * relying party is Vigil's public URL (NEXTAUTH_URL). Each ceremony's challenge is kept on the session row and used
 * once.
 */

const rp = () => {
  const url = publicUrl();
  return { rpID: url.hostname, origin: url.origin };
};

async function setChallenge(db: DbOrTx, sessionId: string, challenge: string | null): Promise<void> {
  await db.update(staffSessions).set({ webauthnChallenge: challenge }).where(eq(staffSessions.id, sessionId));
}

/** Takes the session's pending challenge, atomically: a challenge is used once, even by two racing answers. */
async function takeChallenge(db: DbOrTx, sessionId: string): Promise<string> {
  const [row] = await queryRows<{ challenge: string }>(
    db,
    sql`update staff_sessions s set webauthn_challenge = null
        from (select id, webauthn_challenge from staff_sessions where id = ${sessionId}::uuid for update) old
        where s.id = old.id and old.webauthn_challenge is not null
        returning old.webauthn_challenge as challenge`,
  );
  if (!row) throw conflict('This passkey request has expired. Try again.');
  return row.challenge;
}

async function passkeysOf(db: DbOrTx, staffId: string) {
  return db
    .select()
    .from(staffFactors)
    .where(
      and(eq(staffFactors.staffId, staffId), eq(staffFactors.kind, 'passkey'), isNotNull(staffFactors.confirmedAt)),
    );
}

const transportsOf = (t: string[] | null) => (t ?? []) as AuthenticatorTransportFuture[];

/** Registration options for a new passkey (first sign-in, or My security with a verified session). */
export async function passkeyRegistrationOptions(who: SignInWho): Promise<PublicKeyCredentialCreationOptionsJSON> {
  if (!who.factorVerified && (await confirmedFactorCount(who.db, who.actor.id)) > 0) {
    throw new ServiceError('forbidden', 'Verify your second factor first.');
  }
  const existing = await passkeysOf(who.db, who.actor.id);
  const options = await generateRegistrationOptions({
    rpName: 'Vigil',
    rpID: rp().rpID,
    userName: who.actor.email,
    userDisplayName: who.actor.name,
    userID: new TextEncoder().encode(who.actor.id),
    attestationType: 'none',
    excludeCredentials: existing.map((p) => ({ id: p.credentialId!, transports: transportsOf(p.transports) })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
  });
  await setChallenge(who.db, who.actor.sessionId, options.challenge);
  return options;
}

/** Verifies the browser's registration; the first factor of a staff member also makes their recovery codes. */
export async function finishPasskeyRegistration(
  who: SignInWho,
  response: unknown,
  label = 'Passkey',
): Promise<{ recoveryCodes: string[] | null }> {
  if (!who.factorVerified && (await confirmedFactorCount(who.db, who.actor.id)) > 0) {
    throw new ServiceError('forbidden', 'Verify your second factor first.');
  }
  const challenge = await takeChallenge(who.db, who.actor.sessionId);
  let verification;
  try {
    verification = await verifyRegistrationResponse({
      response: response as RegistrationResponseJSON,
      expectedChallenge: challenge,
      expectedOrigin: rp().origin,
      expectedRPID: rp().rpID,
      requireUserVerification: true,
    });
  } catch (error) {
    throw invalid(`The passkey could not be registered: ${(error as Error).message}`, { passkey: ['not verified'] });
  }
  if (!verification.verified) throw invalid('The passkey could not be verified.', { passkey: ['not verified'] });
  const { credential } = verification.registrationInfo;
  const ctx = serviceContext(who.db, who.actor, { requestId: who.requestId, clientIp: who.clientIp });
  return withTransaction(ctx, async (tx) => {
    const first = (await confirmedFactorCount(tx.db, who.actor.id)) === 0;
    const now = new Date();
    await tx.db.insert(staffFactors).values({
      staffId: who.actor.id,
      kind: 'passkey',
      label: label.slice(0, 80) || 'Passkey',
      credentialId: credential.id,
      publicKey: Buffer.from(credential.publicKey).toString('base64url'),
      signCount: credential.counter,
      transports: credential.transports ?? [],
      confirmedAt: now,
      lastUsedAt: now,
    });
    const recoveryCodes = first ? await replaceRecoveryCodes(tx.db, who.actor.id) : null;
    await tx.db.update(staffSessions).set({ factorVerifiedAt: now }).where(eq(staffSessions.id, who.actor.sessionId));
    await recordAudit(tx, {
      action: 'staff.factor_enrol',
      targetType: 'staff',
      targetId: who.actor.id,
      after: { kind: 'passkey', recoveryCodes: first ? 10 : 0, userAgent: who.userAgent ?? null },
    });
    who.actor.factorVerifiedAt = now;
    return { recoveryCodes };
  });
}

/** Authentication options for the staff member's own passkeys (second step of sign-in, or step-up). */
export async function passkeyAuthenticationOptions(who: SignInWho): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const passkeys = await passkeysOf(who.db, who.actor.id);
  if (passkeys.length === 0) throw conflict('You have no passkey yet.');
  const options = await generateAuthenticationOptions({
    rpID: rp().rpID,
    allowCredentials: passkeys.map((p) => ({ id: p.credentialId!, transports: transportsOf(p.transports) })),
    userVerification: 'required',
  });
  await setChallenge(who.db, who.actor.sessionId, options.challenge);
  return options;
}

/** Verifies a passkey assertion: the session's second factor is then verified (sign-in completed, or step-up). */
export async function finishPasskeyAuthentication(who: SignInWho, response: unknown): Promise<void> {
  const answer = response as AuthenticationResponseJSON;
  const challenge = await takeChallenge(who.db, who.actor.sessionId);
  const [passkey] = (await passkeysOf(who.db, who.actor.id)).filter((p) => p.credentialId === answer?.id);
  const ctx = serviceContext(who.db, who.actor, { requestId: who.requestId, clientIp: who.clientIp });
  const fail = async (why: string) => {
    await withTransaction(ctx, (tx) =>
      recordAudit(tx, {
        action: 'staff.second_factor_failed',
        targetType: 'staff',
        targetId: who.actor.id,
        after: { method: 'passkey', why, userAgent: who.userAgent ?? null },
      }),
    );
    return invalid('That passkey was not accepted.', { passkey: [why] });
  };
  if (!passkey) throw await fail('unknown credential');
  let verification;
  try {
    verification = await verifyAuthenticationResponse({
      response: answer,
      expectedChallenge: challenge,
      expectedOrigin: rp().origin,
      expectedRPID: rp().rpID,
      credential: {
        id: passkey.credentialId!,
        publicKey: new Uint8Array(Buffer.from(passkey.publicKey!, 'base64url')),
        counter: passkey.signCount,
        transports: transportsOf(passkey.transports),
      },
      requireUserVerification: true,
    });
  } catch {
    throw await fail('not verified');
  }
  if (!verification.verified) throw await fail('not verified');
  const now = new Date();
  await withTransaction(ctx, async (tx) => {
    await tx.db
      .update(staffFactors)
      .set({ signCount: verification.authenticationInfo.newCounter, lastUsedAt: now })
      .where(eq(staffFactors.id, passkey.id));
    await tx.db.update(staffSessions).set({ factorVerifiedAt: now }).where(eq(staffSessions.id, who.actor.sessionId));
    await recordAudit(tx, {
      action: who.factorVerified ? 'staff.step_up' : 'staff.sign_in',
      targetType: 'staff',
      targetId: who.actor.id,
      after: { method: 'passkey', userAgent: who.userAgent ?? null },
    });
  });
  who.actor.factorVerifiedAt = now;
}

/** How many recovery codes are left unused (My security). */
export async function unusedRecoveryCodes(db: DbOrTx, staffId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(staffRecoveryCodes)
    .where(and(eq(staffRecoveryCodes.staffId, staffId), isNull(staffRecoveryCodes.usedAt)));
  return row?.n ?? 0;
}

/** How many passkeys a staff member has (the second-factor page offers them when there is one). */
export async function passkeyCount(db: DbOrTx, staffId: string): Promise<number> {
  return (await passkeysOf(db, staffId)).length;
}

/**
 * "Sign in with a passkey": no password, the passkey names its owner (a discoverable credential) and, verifying its
 * user, counts as both factors. It never touches the password lockout, so nobody can keep an admin out by guessing.
 */
export async function passkeySignInOptions(db: DbOrTx): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const options = await generateAuthenticationOptions({ rpID: rp().rpID, userVerification: 'required' });
  await db.delete(webauthnChallenges).where(lt(webauthnChallenges.expiresAt, new Date()));
  await db
    .insert(webauthnChallenges)
    .values({ challenge: options.challenge, expiresAt: new Date(Date.now() + 5 * 60_000) });
  return options;
}

/** Verifies a passkey sign-in and opens a session with its second factor already verified. */
export async function signInWithPasskey(
  db: DbOrTx,
  response: unknown,
  from: { ip?: string | null; userAgent?: string | null } = {},
): Promise<{ ok: true; token: string; staffId: string } | { ok: false }> {
  const answer = response as AuthenticationResponseJSON;
  let challenge: string;
  try {
    const clientData = JSON.parse(Buffer.from(answer.response.clientDataJSON, 'base64url').toString('utf8')) as {
      challenge?: string;
    };
    challenge = clientData.challenge ?? '';
  } catch {
    return { ok: false };
  }
  // The challenge is used once, whatever happens next.
  const [taken] = await db
    .delete(webauthnChallenges)
    .where(and(eq(webauthnChallenges.challenge, challenge), gt(webauthnChallenges.expiresAt, new Date())))
    .returning({ challenge: webauthnChallenges.challenge });
  const [row] = taken
    ? await db
        .select({ factor: staffFactors, staff: staffUsers })
        .from(staffFactors)
        .innerJoin(staffUsers, eq(staffUsers.id, staffFactors.staffId))
        .where(
          and(
            eq(staffFactors.credentialId, String(answer.id ?? '')),
            eq(staffFactors.kind, 'passkey'),
            isNotNull(staffFactors.confirmedAt),
            eq(staffUsers.disabled, false),
          ),
        )
    : [];
  const audit = (action: string, staffId: string | null, why?: string) =>
    withTransaction(serviceContext(db, publicActor, { clientIp: from.ip ?? null }), (tx) =>
      recordAudit(tx, {
        action: action as `${string}.${string}`,
        targetType: 'staff',
        targetId: staffId ?? 'unknown',
        reason: why ?? null,
        after: { method: 'passkey', userAgent: from.userAgent?.slice(0, 512) ?? null },
      }),
    );
  if (!row) {
    await audit('staff.sign_in_failed', null, taken ? 'unknown_passkey' : 'stale_challenge');
    return { ok: false };
  }
  let verification;
  try {
    verification = await verifyAuthenticationResponse({
      response: answer,
      expectedChallenge: challenge,
      expectedOrigin: rp().origin,
      expectedRPID: rp().rpID,
      credential: {
        id: row.factor.credentialId!,
        publicKey: new Uint8Array(Buffer.from(row.factor.publicKey!, 'base64url')),
        counter: row.factor.signCount,
        transports: transportsOf(row.factor.transports),
      },
      requireUserVerification: true,
    });
  } catch {
    verification = { verified: false as const };
  }
  if (!verification.verified) {
    await audit('staff.sign_in_failed', row.staff.id, 'passkey_not_verified');
    return { ok: false };
  }
  const token = newSecretToken();
  const now = new Date();
  await db.transaction(async (tx) => {
    await tx
      .update(staffFactors)
      .set({ signCount: verification.authenticationInfo.newCounter, lastUsedAt: now })
      .where(eq(staffFactors.id, row.factor.id));
    await tx.update(staffUsers).set({ lastSignInAt: now }).where(eq(staffUsers.id, row.staff.id));
    await tx.insert(staffSessions).values({
      tokenHash: sha256Hex(token),
      staffId: row.staff.id,
      sessionVersion: row.staff.sessionVersion,
      createdAt: now,
      lastSeenAt: now,
      factorVerifiedAt: now,
      ip: from.ip ?? null,
      userAgent: from.userAgent?.slice(0, 512) ?? null,
    });
  });
  await audit('staff.sign_in', row.staff.id);
  return { ok: true, token, staffId: row.staff.id };
}
