import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { accountActivity, accounts, staffSessions, staffUsers, type StaffRole } from '@/db/schema';
import type { Db } from '@/db/client';
import type { StaffActor, SystemActor } from '@/lib/auth/actor';
import { hashPassword } from '@/lib/auth/passwords';
import { sha256Hex } from '@/lib/auth/tokens';
import type { IngestEvent } from '@/lib/ingest/event-schema';

export const systemActor: SystemActor = { kind: 'system', id: null, email: 'cli:test', role: 'system' };
const passwordHashes = new Map<string, Promise<string>>();

export function uniqueSuffix(): string {
  return randomBytes(4).toString('hex');
}

/**
 * Waits, if need be, until the current fixed rate window (aligned to the epoch, as lib/rate-limit counts them) has at
 * least `needMs` left: a test that spends a budget and expects the next call refused must not see the window turn
 * in between.
 */
export async function roomInWindow(windowMs: number, needMs = 20_000): Promise<void> {
  const left = windowMs - (Date.now() % windowMs);
  if (left < needMs) await new Promise((resolve) => setTimeout(resolve, left + 100));
}

/**
 * A staff member with a unique e-mail, and the actor they act as: signed in with a second factor verified just
 * now, so actions that need step-up go through (lib/auth/second-factor.test.ts tests the refusal).
 */
export async function makeStaff(
  db: Db,
  role: StaffRole,
  password = 'correct horse battery',
): Promise<{ actor: StaffActor; email: string; password: string }> {
  if (!passwordHashes.has(password)) passwordHashes.set(password, hashPassword(password));
  const email = `${role}.${uniqueSuffix()}@test.vigil`;
  const [row] = await db
    .insert(staffUsers)
    .values({ email, name: `Test ${role}`, role, passwordHash: await passwordHashes.get(password)! })
    .returning({ id: staffUsers.id });
  return {
    actor: {
      kind: 'staff',
      id: row!.id,
      email,
      name: `Test ${role}`,
      role,
      sessionId: 'test',
      factorVerifiedAt: new Date(),
    },
    email,
    password,
  };
}

let counter = 0;
/** A valid ingest event with sensible defaults; override any field. */
export function loginEvent(
  accountId: string,
  occurredAt: Date,
  overrides: Partial<Extract<IngestEvent, { type: 'login.succeeded' | 'login.failed' }>> = {},
): IngestEvent {
  counter += 1;
  return {
    id: `evt_test_${uniqueSuffix()}_${counter}`,
    type: 'login.succeeded',
    occurredAt: occurredAt.toISOString(),
    account: { id: accountId },
    context: { ip: '203.0.113.7', deviceId: 'dev_a', country: 'GB' },
    ...overrides,
  } as IngestEvent;
}

/** A valid code event of `otpId` for the account: an e-mailed login code's issue unless overridden (any field). */
export function otpEvent(
  account: IngestEvent['account'],
  otpId: string,
  occurredAt: Date,
  overrides: Partial<Extract<IngestEvent, { otpId: string }>> = {},
): IngestEvent {
  counter += 1;
  return {
    id: `evt_test_${uniqueSuffix()}_${counter}`,
    type: 'otp.issued',
    occurredAt: occurredAt.toISOString(),
    account,
    otpId,
    channel: 'email',
    purpose: 'login',
    ...overrides,
  } as IngestEvent;
}

/** A customer account as ingest leaves it: the account row and its last-activity row. */
export async function insertAccount(
  db: Db,
  values: typeof accounts.$inferInsert,
): Promise<typeof accounts.$inferSelect> {
  const [row] = await db.insert(accounts).values(values).returning();
  await db.insert(accountActivity).values({ accountId: row!.id, lastEventAt: row!.firstEventAt });
  return row!;
}

/** Marks a password-only session as having passed its second factor at `at` (the second-factor pages do this). */
export async function passSecondFactor(db: Db, token: string, at = new Date()): Promise<void> {
  await db
    .update(staffSessions)
    .set({ factorVerifiedAt: at })
    .where(eq(staffSessions.tokenHash, sha256Hex(token)));
}
