import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { accounts } from '@/db/schema';
import { loginEvent, makeStaff, uniqueSuffix } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/db/testing/test-database';
import type { Actor, StaffActor } from '@/lib/auth/actor';
import { serviceContext } from '@/lib/context';
import type { IngestEvent } from '@/lib/ingest/event-schema';
import { storeEvents } from '@/lib/ingest/store-events';
import {
  listLoginHistory,
  listOtpHistory,
  LoginHistoryFilter,
  parseFilters,
  type LoginHistoryItem,
} from './account-history';
import type { Page } from '@/lib/paging/cursor';

const { db } = setupTestDatabase();
const as = (actor: Actor) => serviceContext(db(), actor);
let agent: StaffActor;
let accountId: string;
const externalId = `cus_hist_${uniqueSuffix()}`;
const base = Date.parse('2026-06-10T00:00:00Z');
const minute = 60_000;
// 23 logins; #5..#9 share one timestamp, so the keyset must break ties by id.
const times = Array.from({ length: 23 }, (_, i) => base + (i >= 5 && i <= 9 ? 5 : i) * minute);

beforeAll(async () => {
  agent = (await makeStaff(db(), 'agent')).actor;
  const events: IngestEvent[] = times.map((t, i) =>
    loginEvent(externalId, new Date(t), {
      ...(i % 4 === 3 ? { type: 'login.failed', reason: 'bad_password' } : {}),
      context: { ip: '198.51.100.4', deviceId: i < 20 ? 'dev_home' : 'dev_new', country: i === 22 ? 'BR' : 'GB' },
    } as never),
  );
  events.push({
    id: `otp_${externalId}`,
    type: 'otp.issued',
    occurredAt: new Date(base).toISOString(),
    account: { id: externalId },
    otpId: 'o1',
    channel: 'sms',
    purpose: 'delivery',
  });
  await db().transaction((tx) => storeEvents(tx, events));
  const [row] = await db().select({ id: accounts.id }).from(accounts).where(eq(accounts.externalId, externalId));
  accountId = row!.id;
});

async function walkOlder(limit: number) {
  const pages: Page<LoginHistoryItem>[] = [];
  let after: string | null = null;
  do {
    const page: Page<LoginHistoryItem> = await listLoginHistory(as(agent), accountId, {}, { after }, limit);
    pages.push(page);
    after = page.older;
  } while (after && pages.length < 50);
  return pages;
}

describe('login history keyset paging', () => {
  it('visits every event exactly once, newest first, across ties', async () => {
    for (const limit of [1, 5, 7, 22, 23, 24]) {
      const pages = await walkOlder(limit);
      const seen = pages.flatMap((p) => p.items.map((e) => e.id));
      expect(new Set(seen).size).toBe(23);
      expect(seen).toHaveLength(23);
      const sorted = pages
        .flatMap((p) => p.items)
        .every((e, i, all) => i === 0 || all[i - 1]!.occurredAt >= e.occurredAt);
      expect(sorted).toBe(true);
      expect(pages.at(-1)!.older).toBeNull();
      expect(pages[0]!.newer).toBeNull();
      expect(pages.length).toBe(Math.ceil(23 / limit));
    }
  });

  it('goes back to newer pages and lands on the same rows', async () => {
    const first = await listLoginHistory(as(agent), accountId, {}, {}, 5);
    const second = await listLoginHistory(as(agent), accountId, {}, { after: first.older }, 5);
    const third = await listLoginHistory(as(agent), accountId, {}, { after: second.older }, 5);
    const backToSecond = await listLoginHistory(as(agent), accountId, {}, { before: third.newer }, 5);
    expect(backToSecond.items.map((e) => e.id)).toEqual(second.items.map((e) => e.id));
    const backToFirst = await listLoginHistory(as(agent), accountId, {}, { before: backToSecond.newer }, 5);
    expect(backToFirst.items.map((e) => e.id)).toEqual(first.items.map((e) => e.id));
    expect(backToFirst.newer).toBeNull();
  });

  it('filters by outcome and by UTC date range', async () => {
    const failed = await listLoginHistory(as(agent), accountId, { outcome: 'failed' }, {}, 50);
    expect(failed.items.length).toBe(times.filter((_, i) => i % 4 === 3).length);
    expect(failed.items.every((e) => e.outcome === 'failed' && e.failureReason === 'bad_password')).toBe(true);
    expect((await listLoginHistory(as(agent), accountId, { from: '2026-06-11' }, {}, 50)).items).toHaveLength(0);
    expect(
      (await listLoginHistory(as(agent), accountId, { from: '2026-06-10', to: '2026-06-10' }, {}, 50)).items,
    ).toHaveLength(23);
  });

  it('marks the first time a device or a country was seen', async () => {
    const { items } = await listLoginHistory(as(agent), accountId, {}, {}, 50);
    const chronological = [...items].reverse();
    expect(chronological[0]).toMatchObject({ firstSeenDevice: true, firstSeenCountry: true });
    expect(
      chronological
        .slice(1)
        .filter((e) => e.firstSeenDevice)
        .map((e) => e.deviceId),
    ).toEqual(['dev_new']);
    expect(
      chronological
        .slice(1)
        .filter((e) => e.firstSeenCountry)
        .map((e) => e.country),
    ).toEqual(['BR']);
  });

  it('treats a malformed cursor as the first page', async () => {
    const page = await listLoginHistory(as(agent), accountId, {}, { after: 'bm90IGEgY3Vyc29y' }, 5);
    expect(page.items).toHaveLength(5);
    expect(page.newer).toBeNull();
    // A well-formed cursor the database cannot represent (year 0) is no cursor either, never a 500.
    const yearZero = Buffer.from('0000-01-01T00:00:00Z|5').toString('base64url');
    expect((await listLoginHistory(as(agent), accountId, {}, { after: yearZero }, 5)).items).toHaveLength(5);
  });

  it('lists the account’s OTP events with channel and purpose', async () => {
    const { items } = await listOtpHistory(as(agent), accountId, { purpose: 'delivery' });
    expect(items).toEqual([
      expect.objectContaining({ kind: 'issued', channel: 'sms', purpose: 'delivery', otpId: 'o1' }),
    ]);
    expect((await listOtpHistory(as(agent), accountId, { channel: 'email' })).items).toHaveLength(0);
  });

  it('keeps valid URL filters and names the invalid ones', () => {
    expect(parseFilters(LoginHistoryFilter, { outcome: 'failed', from: '2026-13-45', to: "'; drop" })).toEqual({
      filter: { outcome: 'failed' },
      ignored: ['from', 'to'],
    });
    expect(parseFilters(LoginHistoryFilter, { outcome: ['x'] })).toEqual({ filter: {}, ignored: ['outcome'] });
    expect(parseFilters(LoginHistoryFilter, { from: '0000-01-01', to: '2026-02-30' })).toEqual({
      filter: {},
      ignored: ['from', 'to'],
    });
  });
});
