import { sql } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { accountEvents, accounts, loginEvents, otpEvents, seenEvents } from '@/db/schema';
import type { IngestEvent } from './event-schema';
import { addToRollups } from './rollups';

export interface StoreResult {
  accepted: number;
  duplicates: number;
  /** Vigil account ids and IPs the batch touched: handed to detection after commit. */
  accountIds: string[];
  ips: string[];
}

// Keeps each multi-row statement well under PostgreSQL's 65 535 bind parameters.
const rowsPerStatement = 2000;

function chunks<T>(items: T[], size = rowsPerStatement): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

interface AccountSighting {
  externalId: string;
  firstEventAt: Date;
  lastEventAt: Date;
  email?: string;
  emailObservedAt?: Date;
  phone?: string;
  phoneObservedAt?: Date;
  twoFactorEnabled?: boolean;
  twoFactorMethod?: 'sms' | 'email' | 'totp' | null;
  twoFactorObservedAt?: Date;
}

/** What the batch says about each account, keeping only the newest value of each reported field. */
function accountSightings(events: IngestEvent[]): AccountSighting[] {
  const byId = new Map<string, AccountSighting>();
  for (const e of events) {
    const at = new Date(e.occurredAt);
    let s = byId.get(e.account.id);
    if (!s) {
      s = { externalId: e.account.id, firstEventAt: at, lastEventAt: at };
      byId.set(e.account.id, s);
    }
    if (at < s.firstEventAt) s.firstEventAt = at;
    if (at > s.lastEventAt) s.lastEventAt = at;
    if (e.account.email && (!s.emailObservedAt || at > s.emailObservedAt)) {
      s.email = e.account.email;
      s.emailObservedAt = at;
    }
    if (e.account.phone && (!s.phoneObservedAt || at > s.phoneObservedAt)) {
      s.phone = e.account.phone;
      s.phoneObservedAt = at;
    }
    if (e.type === 'account.2fa_changed' && (!s.twoFactorObservedAt || at > s.twoFactorObservedAt)) {
      s.twoFactorEnabled = e.enabled;
      s.twoFactorMethod = e.enabled ? (e.method ?? null) : null;
      s.twoFactorObservedAt = at;
    }
  }
  // A fixed key order: concurrent batches lock account rows in the same order and cannot deadlock.
  return [...byId.values()].sort((a, b) => (a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0));
}

/** A reported value replaces the stored one only if its event is newer than the event that set it. */
const newer = (value: string, observedAt: string) =>
  sql.raw(
    `case when excluded.${observedAt} is not null and (accounts.${observedAt} is null or excluded.${observedAt} > accounts.${observedAt}) then excluded.${value} else accounts.${value} end`,
  );

async function upsertAccounts(tx: Tx, sightings: AccountSighting[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const part of chunks(sightings)) {
    const rows = await tx
      .insert(accounts)
      .values(
        part.map((s) => ({
          externalId: s.externalId,
          firstEventAt: s.firstEventAt,
          lastEventAt: s.lastEventAt,
          email: s.email ?? null,
          emailObservedAt: s.emailObservedAt ?? null,
          phone: s.phone ?? null,
          phoneObservedAt: s.phoneObservedAt ?? null,
          reportedTwoFactorEnabled: s.twoFactorEnabled ?? false,
          reportedTwoFactorMethod: s.twoFactorMethod ?? null,
          reportedTwoFactorObservedAt: s.twoFactorObservedAt ?? null,
        })),
      )
      // Events never touch what staff imposed (status, reset, 2FA required) nor the version.
      .onConflictDoUpdate({
        target: accounts.externalId,
        set: {
          email: newer('email', 'email_observed_at'),
          phone: newer('phone', 'phone_observed_at'),
          reportedTwoFactorEnabled: newer('reported_two_factor_enabled', 'reported_two_factor_observed_at'),
          reportedTwoFactorMethod: newer('reported_two_factor_method', 'reported_two_factor_observed_at'),
          emailObservedAt: sql.raw('greatest(accounts.email_observed_at, excluded.email_observed_at)'),
          phoneObservedAt: sql.raw('greatest(accounts.phone_observed_at, excluded.phone_observed_at)'),
          reportedTwoFactorObservedAt: sql.raw(
            'greatest(accounts.reported_two_factor_observed_at, excluded.reported_two_factor_observed_at)',
          ),
          firstEventAt: sql.raw('least(accounts.first_event_at, excluded.first_event_at)'),
          lastEventAt: sql.raw('greatest(accounts.last_event_at, excluded.last_event_at)'),
        },
      })
      .returning({ id: accounts.id, externalId: accounts.externalId });
    for (const r of rows) ids.set(r.externalId, r.id);
  }
  return ids;
}

/** Claims event ids in the idempotency ledger; returns the ids that were new. */
async function claimEventIds(tx: Tx, ids: string[], receivedAt: Date): Promise<Set<string>> {
  const fresh = new Set<string>();
  for (const part of chunks([...ids].sort())) {
    const rows = await tx
      .insert(seenEvents)
      .values(part.map((eventId) => ({ eventId, receivedAt })))
      .onConflictDoNothing()
      .returning({ eventId: seenEvents.eventId });
    for (const r of rows) fresh.add(r.eventId);
  }
  return fresh;
}

function contextOf(e: IngestEvent) {
  return {
    ip: e.context?.ip ?? null,
    userAgent: e.context?.userAgent ?? null,
    deviceId: e.context?.deviceId ?? null,
    country: e.context?.country ?? null,
  };
}

/**
 * Stores a validated batch inside the caller's transaction with set-based statements (no query per event):
 * dedupe against the seen-id ledger (first write wins), create or update accounts, append the raw events,
 * add them to the hourly rollups.
 */
export async function storeEvents(tx: Tx, batch: IngestEvent[], receivedAt: Date = new Date()): Promise<StoreResult> {
  const firstById = new Map<string, IngestEvent>();
  for (const e of batch) if (!firstById.has(e.id)) firstById.set(e.id, e);
  const fresh = await claimEventIds(tx, [...firstById.keys()], receivedAt);
  const events = [...firstById.values()].filter((e) => fresh.has(e.id));
  const duplicates = batch.length - events.length;
  if (events.length === 0) return { accepted: 0, duplicates, accountIds: [], ips: [] };

  const accountIds = await upsertAccounts(tx, accountSightings(events));
  const logins: (typeof loginEvents.$inferInsert)[] = [];
  const otps: (typeof otpEvents.$inferInsert)[] = [];
  const changes: (typeof accountEvents.$inferInsert)[] = [];
  for (const e of events) {
    const common = { eventId: e.id, accountId: accountIds.get(e.account.id)!, occurredAt: new Date(e.occurredAt), receivedAt, ...contextOf(e) };
    switch (e.type) {
      case 'login.succeeded':
        logins.push({ ...common, outcome: 'succeeded', method: e.method ?? null });
        break;
      case 'login.failed':
        logins.push({ ...common, outcome: 'failed', failureReason: e.reason });
        break;
      case 'otp.issued':
      case 'otp.verified':
        otps.push({ ...common, kind: e.type === 'otp.issued' ? 'issued' : 'verified', otpId: e.otpId, channel: e.channel, purpose: e.purpose });
        break;
      case 'otp.failed':
        otps.push({ ...common, kind: 'failed', otpId: e.otpId, channel: e.channel, purpose: e.purpose, failureReason: e.reason });
        break;
      case 'otp.delivery_failed':
        otps.push({ ...common, kind: 'delivery_failed', otpId: e.otpId, channel: e.channel, purpose: e.purpose, failureReason: e.reason ?? null });
        break;
      case 'account.contact_changed':
        changes.push({ ...common, type: 'contact_changed', field: e.field, newValue: e.field === 'email' ? e.account.email! : e.account.phone! });
        break;
      case 'account.password_changed':
        changes.push({ ...common, type: 'password_changed' });
        break;
      case 'account.2fa_changed':
        changes.push({ ...common, type: '2fa_changed', twoFactorEnabled: e.enabled, twoFactorMethod: e.method ?? null });
        break;
    }
  }
  for (const part of chunks(logins)) await tx.insert(loginEvents).values(part);
  for (const part of chunks(otps)) await tx.insert(otpEvents).values(part);
  for (const part of chunks(changes)) await tx.insert(accountEvents).values(part);
  await addToRollups(tx, events);

  const ips = new Set<string>();
  for (const e of events) if (e.context?.ip) ips.add(e.context.ip);
  return { accepted: events.length, duplicates, accountIds: [...new Set(accountIds.values())], ips: [...ips] };
}
