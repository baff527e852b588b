import { and, eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { queryRows, type Tx } from '@/db/client';
import { accounts, alertEvidence, alerts, auditLog, fraudReports, outbox, reportEvidence } from '@/db/schema';
import { setupTestDatabase } from '@/db/testing/test-database';
import type { Actor, StaffActor } from '@/lib/auth/actor';
import { serviceContext } from '@/lib/context';
import type { IngestEvent } from '@/lib/ingest/event-schema';
import { storeEvents } from '@/lib/ingest/store-events';
import type { Page } from '@/lib/paging/cursor';
import { loginEvent, makeStaff, systemActor, uniqueSuffix } from '@/lib/testing/fixtures';
import {
  accountTimeline,
  parseTimelineFilter,
  type CodeRow,
  type TimelineFilter,
  type TimelineItem,
} from './account-timeline';
import { exportAccount } from './export-account';
import { compareKeys, decodeTimelineCursor, encodeTimelineCursor } from './timeline-cursor';

const { db } = setupTestDatabase();
const as = (actor: Actor) => serviceContext(db(), actor);
let agent: StaffActor;
let analyst: StaffActor;
let accountId: string;
const externalId = `cus_tl_${uniqueSuffix()}`;
const t0 = Date.parse('2026-06-10T08:00:00Z');
const at = (minutes: number) => new Date(t0 + minutes * 60_000);
const tie = at(30);
let seq = 0;
const id = () => `evt_tl_${externalId}_${++seq}`;
const ctx = { ip: '198.51.100.4', deviceId: 'dev_home', country: 'GB' };
const otp = (otpId: string, kind: 'issued' | 'verified' | 'failed' | 'delivery_failed', when: Date) =>
  ({
    id: id(),
    type: `otp.${kind}`,
    occurredAt: when.toISOString(),
    account: { id: externalId },
    otpId,
    channel: 'sms',
    purpose: 'login',
    ...(kind === 'failed' ? { reason: 'incorrect' } : {}),
    context: ctx,
  }) as IngestEvent;
const change = (when: Date, extra: Record<string, unknown>) =>
  ({ id: id(), occurredAt: when.toISOString(), context: ctx, ...extra }) as IngestEvent;

let twoFactorEventId: string;
let reportedLoginEventId: string;

beforeAll(async () => {
  agent = (await makeStaff(db(), 'agent')).actor;
  analyst = (await makeStaff(db(), 'analyst')).actor;
  const firstLogin = loginEvent(externalId, at(1), { context: ctx });
  reportedLoginEventId = firstLogin.id;
  const twoFactorOff = change(at(21), {
    type: 'account.2fa_changed',
    account: { id: externalId },
    enabled: false,
  });
  twoFactorEventId = twoFactorOff.id;
  const events: IngestEvent[] = [
    firstLogin,
    loginEvent(externalId, at(2), { type: 'login.failed', reason: 'bad_password', context: ctx } as never),
    otp('o1', 'issued', at(3)),
    otp('o1', 'failed', at(4)),
    otp('o1', 'verified', at(5)),
    change(at(6), {
      type: 'account.contact_changed',
      field: 'phone',
      account: { id: externalId, phone: '+447700900111' },
    }),
    otp('o2', 'issued', at(10)),
    otp('o2', 'delivery_failed', at(10)),
    change(at(20), {
      type: 'account.contact_changed',
      field: 'phone',
      account: { id: externalId, phone: '+447700900222' },
    }),
    twoFactorOff,
    change(at(22), { type: 'account.password_changed', account: { id: externalId } }),
    // One instant shared by every kind, and by three logins (ties broken by kind, then id).
    loginEvent(externalId, tie, { context: { ...ctx, deviceId: 'dev_new', country: 'FR' } }),
    loginEvent(externalId, tie, { context: ctx }),
    loginEvent(externalId, tie, { context: ctx }),
    otp('o3', 'issued', tie),
    change(tie, {
      type: 'account.contact_changed',
      field: 'email',
      account: { id: externalId, email: 'new.mail@example.com' },
    }),
  ];
  await db().transaction((tx) => storeEvents(tx, events));
  const [row] = await db().select({ id: accounts.id }).from(accounts).where(eq(accounts.externalId, externalId));
  accountId = row!.id;

  const staff = { actorEmail: agent.email, actorRole: 'agent', targetType: 'account', targetId: accountId };
  await db()
    .insert(auditLog)
    .values([
      { ...staff, occurredAt: at(23), action: 'account.lock', reason: 'Suspected account takeover: called in' },
      { ...staff, occurredAt: tie, action: 'account.revoke_sessions', reason: 'Same instant' },
      { ...staff, occurredAt: at(23.5), action: 'account.view_contacts' },
    ]);
  const alert = { rule: 'contact_change_then_risk', severity: 'critical', subjectType: 'account' } as const;
  const [raised] = await db()
    .insert(alerts)
    .values([
      { ...alert, subjectId: externalId, accountId, firstSeen: at(20), lastSeen: at(21), detectedAt: at(24) },
      {
        ...alert,
        subjectId: externalId,
        accountId,
        firstSeen: tie,
        lastSeen: tie,
        detectedAt: tie,
        status: 'resolved',
      },
    ])
    .returning({ id: alerts.id });
  await db()
    .insert(alertEvidence)
    .values({
      alertId: raised!.id,
      eventId: twoFactorEventId,
      eventType: 'account.2fa_changed',
      occurredAt: at(21),
      accountId,
    });
  const report = {
    category: 'unrequested_code',
    priority: 'high',
    dueAt: at(600),
    description: 'I got codes',
    source: 'web',
    accountId,
  } as const;
  const [filed] = await db()
    .insert(fraudReports)
    .values([
      { ...report, reference: `VR-${uniqueSuffix()}`, createdAt: at(25), status: 'investigating' },
      { ...report, reference: `VR-${uniqueSuffix()}`, createdAt: tie },
    ])
    .returning({ id: fraudReports.id });
  await db()
    .insert(reportEvidence)
    .values({ reportId: filed!.id, kind: 'login', refId: reportedLoginEventId, occurredAt: at(1) });
  // Ingest queued notices for the contact changes above (lib/ingest/event-notices.ts) at the real now; this
  // fixture places its own notices at known instants instead, so the expected order below stays exact.
  await db()
    .delete(outbox)
    .where(and(eq(outbox.accountId, accountId), eq(outbox.kind, 'notice')));
  const notice = { kind: 'notice', accountId, topic: 'account.lock' } as const;
  await db()
    .insert(outbox)
    .values([
      { ...notice, createdAt: at(26), payload: { channel: 'sms', to: '+447700900222', text: 'We locked it' } },
      { ...notice, createdAt: tie, payload: { channel: 'email', to: 'new.mail@example.com', text: 'Signed out' } },
    ]);
});

const everything = async (actor: Actor = agent, filter: TimelineFilter = {}) =>
  (await accountTimeline(as(actor), accountId, filter, {}, 1000)).items;
const label = (i: TimelineItem) => `${i.kind}:${i.id}`;

async function walk(limit: number, filter: TimelineFilter = {}) {
  const pages: Page<TimelineItem>[] = [];
  let after: string | null = null;
  do {
    const page: Page<TimelineItem> = await accountTimeline(as(agent), accountId, filter, { after }, limit);
    pages.push(page);
    after = page.older;
  } while (after && pages.length < 100);
  return pages;
}

describe('account timeline', () => {
  it('merges every kind newest first; at one instant by kind (notice first), then id', async () => {
    const items = await everything();
    for (let i = 1; i < items.length; i++) expect(compareKeys(items[i - 1]!, items[i]!)).toBeGreaterThan(0);
    expect(items.filter((i) => i.at === items[0]!.at).map((i) => i.kind)).toEqual([
      'notice',
      'report',
      'alert',
      'staff',
      'change',
      'code',
      'login',
      'login',
      'login',
    ]);
    expect(items.filter((i) => i.occurredAt < tie).map((i) => i.kind)).toEqual([
      'notice', // 26
      'report', // 25
      'alert', // 24
      'staff', // 23 (the contact view at 23.5 is not a staff action on the account)
      'change', // 22 password
      'change', // 21 2FA off
      'change', // 20 phone
      'code', // 10 o2
      'change', // 6 phone
      'code', // 3 o1
      'login', // 2
      'login', // 1
    ]);
  });

  it('shows one row per code, at its first event, with every event of it', async () => {
    const codes = (await everything()).filter((i): i is CodeRow => i.kind === 'code');
    expect(codes.map((c) => c.otpId)).toEqual(['o3', 'o2', 'o1']);
    const o1 = codes.find((c) => c.otpId === 'o1')!;
    expect(o1.occurredAt).toEqual(at(3));
    expect(o1.events.map((e) => e.kind)).toEqual(['issued', 'failed', 'verified']);
    expect(o1.outcome).toBe('verified');
    expect(o1.events[1]!.failureReason).toBe('incorrect');
    expect(codes.find((c) => c.otpId === 'o2')!.outcome).toBe('delivery_failed');
  });

  it('describes account changes, with the old value where an earlier change told it, and staff actions', async () => {
    const items = await everything();
    const changes = items.filter((i) => i.kind === 'change');
    expect(changes.map((c) => [c.change, c.field, c.oldValue, c.newValue, c.twoFactorEnabled])).toEqual([
      ['contact_changed', 'email', null, 'new.mail@example.com', null],
      ['password_changed', null, null, null, null],
      ['2fa_changed', null, null, null, false],
      ['contact_changed', 'phone', '+447700900111', '+447700900222', null],
      ['contact_changed', 'phone', null, '+447700900111', null],
    ]);
    expect(changes[0]).toMatchObject({ ip: '198.51.100.4', deviceId: 'dev_home', country: 'GB' });
    const staff = items.filter((i) => i.kind === 'staff');
    expect(staff.map((s) => [s.action, s.actorEmail])).toEqual([
      ['account.revoke_sessions', agent.email],
      ['account.lock', agent.email],
    ]);
    const logins = items.filter((i) => i.kind === 'login');
    expect(logins.filter((l) => l.firstSeenCountry).map((l) => l.country)).toEqual(['FR', 'GB']);
  });

  it('links the events that are evidence of an alert or a report', async () => {
    const items = await everything();
    const off = items.find((i) => i.kind === 'change' && i.change === '2fa_changed')!;
    expect(off.evidenceFor).toEqual([expect.objectContaining({ type: 'alert', label: 'Contact change, then risk' })]);
    const login = items.find((i) => i.kind === 'login' && i.eventId === reportedLoginEventId)!;
    expect(login.evidenceFor).toEqual([expect.objectContaining({ type: 'report' })]);
    expect(items.filter((i) => i.evidenceFor.length > 0)).toHaveLength(2);
  });

  it('pages by keyset across kinds and equal times: every row once, in order, and back again', async () => {
    const all = (await everything()).map(label);
    expect(all).toHaveLength(21);
    for (const limit of [1, 2, 3, 5, 8, 23, 24, 25]) {
      const pages = await walk(limit);
      expect(pages.flatMap((p) => p.items.map(label))).toEqual(all);
      expect(pages.length).toBe(Math.ceil(all.length / limit));
      expect(pages[0]!.newer).toBeNull();
      // And back, newer page by newer page, to the same pages.
      let back = pages.at(-1)!;
      for (let p = pages.length - 2; p >= 0; p--) {
        back = await accountTimeline(as(agent), accountId, {}, { before: back.newer }, limit);
        expect(back.items.map(label)).toEqual(pages[p]!.items.map(label));
      }
      expect(back.newer).toBeNull();
    }
  });

  it('filters by kind and by UTC day, paging within the filter', async () => {
    const changes = await everything(agent, { kind: ['change', 'alert'] });
    expect(new Set(changes.map((i) => i.kind))).toEqual(new Set(['change', 'alert']));
    expect(changes).toHaveLength(7);
    expect((await walk(2, { kind: ['login'] })).flatMap((p) => p.items.map((i) => i.kind))).toEqual(
      Array(5).fill('login'),
    );
    expect(await everything(agent, { from: '2026-06-11' })).toHaveLength(0);
    expect(await everything(agent, { from: '2026-06-10', to: '2026-06-10' })).toHaveLength(21);
    expect(await everything(agent, { to: '2026-06-09' })).toHaveLength(0);
    expect(parseTimelineFilter({ kind: 'login,code', from: '2026-13-01', to: '2026-06-10' })).toEqual({
      filter: { kind: ['login', 'code'], to: '2026-06-10' },
      ignored: ['from'],
    });
    expect(parseTimelineFilter({ kind: ['alert', 'bogus'] })).toEqual({ filter: {}, ignored: ['kind'] });
    expect(parseTimelineFilter({ kind: ['alert', 'notice,report'] }).filter).toEqual({
      kind: ['alert', 'notice', 'report'],
    });
  });

  it('masks contacts for analysts in change and notice rows; agents see them whole', async () => {
    const forAgent = await everything(agent);
    const forAnalyst = await everything(analyst);
    const phoneChange = (items: TimelineItem[]) =>
      items.find((i) => i.kind === 'change' && i.field === 'phone' && i.oldValue !== null);
    expect(phoneChange(forAnalyst)).toMatchObject({ oldValue: '+44 ••• ••• 0111', newValue: '+44 ••• ••• 0222' });
    expect(phoneChange(forAgent)).toMatchObject({ oldValue: '+447700900111', newValue: '+447700900222' });
    const notices = forAnalyst.filter((i) => i.kind === 'notice');
    expect(notices.map((n) => n.to)).toEqual(['n***@e***.com', '+44 ••• ••• 0222']);
    expect(JSON.stringify(forAnalyst)).not.toMatch(/new\.mail@example\.com|\+447700900(111|222)/);
    // IPs are shown to every role that sees the account, as the login history showed them.
    expect(forAnalyst.find((i) => i.kind === 'login')!.ip).toBe('198.51.100.4');
  });

  it('answers a malformed account id as not found, an unknown one with nothing', async () => {
    await expect(accountTimeline(as(agent), 'not-a-uuid')).rejects.toMatchObject({ code: 'not_found' });
    expect((await accountTimeline(as(agent), '00000000-0000-4000-8000-000000000000')).items).toEqual([]);
  });

  it('treats a malformed or foreign cursor as the newest page', async () => {
    const first = (await accountTimeline(as(agent), accountId, {}, {}, 5)).items.map(label);
    for (const after of ['bm90IGEgY3Vyc29y', Buffer.from('2026-06-10T08:30:00.000000Z|alert|12').toString('base64url')])
      expect((await accountTimeline(as(agent), accountId, {}, { after }, 5)).items.map(label)).toEqual(first);
    const key = { at: '2026-06-10T08:30:00.000000Z', kind: 'login', id: '42' } as const;
    expect(decodeTimelineCursor(encodeTimelineCursor(key))).toEqual(key);
    expect(decodeTimelineCursor(Buffer.from('0000-01-01T00:00:00.000000Z|login|1').toString('base64url'))).toBeNull();
  });
});

describe('a busy account', () => {
  // 3,000 codes and 1,000 logins of one account, then 40,000 events of 1,000 other accounts in the hours after them:
  // a read that does not follow the account's index either sorts all of its rows or walks past all of the others'.
  const busyId = '6f0e1c52-2a4b-4c1e-9d3a-5b7c0e9f1a01';
  const busyExternalId = `cus_busy_${uniqueSuffix()}`;
  /**
   * Rows read so far from the event partitions: index entries, and tuples of sequential scans. PostgreSQL 15's
   * "xact" counters are the backend's unflushed counts, which include earlier transactions on the connection within
   * the last second (stats are flushed at most once a second, never inside a transaction): take the difference.
   */
  const rowsRead = async (tx: Tx) => {
    const [r] = await queryRows<{ n: string }>(
      tx,
      sql`select coalesce(sum(pg_stat_get_xact_tuples_returned(x.indexrelid)), 0)
                 + (select coalesce(sum(pg_stat_get_xact_tuples_returned(i.inhrelid)), 0) from pg_inherits i
                     where i.inhparent in ('otp_events'::regclass, 'login_events'::regclass)) as n
            from pg_index x join pg_inherits i on i.inhrelid = x.indrelid
           where i.inhparent in ('otp_events'::regclass, 'login_events'::regclass)`,
    );
    return Number(r!.n);
  };

  beforeAll(async () => {
    const from = "'2026-06-20T12:00:00Z'::timestamptz";
    await db().execute(
      sql.raw(`insert into otp_events (event_id, account_id, occurred_at, otp_id, kind, channel, purpose)
        select 'evt_busy_o' || g, '${busyId}', ${from} - g * interval '20 seconds', 'otp_busy_' || g, 'issued', 'sms', 'login'
          from generate_series(1, 3000) g
        union all
        select 'evt_others_o' || g, md5('others' || g % 1000)::uuid, ${from} + g * interval '1 second', 'otp_others_' || g, 'issued', 'sms', 'login'
          from generate_series(1, 20000) g`),
    );
    await db().execute(
      sql.raw(`insert into login_events (event_id, account_id, occurred_at, outcome)
        select 'evt_busy_l' || g, '${busyId}', ${from} - g * interval '20 seconds' - interval '5 seconds', 'succeeded'
          from generate_series(1, 1000) g
        union all
        select 'evt_others_l' || g, md5('others' || g % 1000)::uuid, ${from} + g * interval '1 second', 'succeeded'
          from generate_series(1, 20000) g`),
    );
    await db()
      .insert(accounts)
      .values({ id: busyId, externalId: busyExternalId, firstEventAt: new Date(Date.parse('2026-06-19T00:00:00Z')) });
    await db().execute(sql`vacuum analyze otp_events`);
    await db().execute(sql`vacuum analyze login_events`);
  });

  it("reads a page from the account's indexes in order: about a page of rows, not the account's whole history nor other accounts' rows", async () => {
    const read = await db().transaction(async (tx) => {
      const before = await rowsRead(tx);
      const ctx = serviceContext(tx, agent);
      const first = await accountTimeline(ctx, busyId);
      const second = await accountTimeline(ctx, busyId, {}, { after: first.older });
      expect(first.items.length + second.items.length).toBe(50);
      expect(new Set([...first.items, ...second.items].map((i) => i.kind))).toEqual(new Set(['code', 'login']));
      return (await rowsRead(tx)) - before;
    });
    // Two pages of 25 rows: each source reads about a page past its cursor, and the codes' own events. Without the
    // index order it read every row of the account to sort them (3,000 codes, 1,000 logins), or walked the time key past other
    // accounts' rows.
    expect(read).toBeGreaterThan(50); // the counters are there: the pages' own rows were read and counted
    // 156 (session 26). Before the counts were taken as a difference, the file's earlier tests' reads leaked in
    // (467–683, and a CI failure at 683 against a bound of 600).
    expect(read).toBeLessThan(300);
  });

  it('exports the account in pages that each read their own rows: the whole history once, not once per page', async () => {
    const read = await db().transaction(async (tx) => {
      const before = await rowsRead(tx);
      const { chunks } = await exportAccount(serviceContext(tx, systemActor), busyExternalId);
      let text = '';
      for await (const chunk of chunks) text += chunk;
      const doc = JSON.parse(text) as { otpEvents: unknown[]; loginEvents: unknown[] };
      expect([doc.otpEvents.length, doc.loginEvents.length]).toEqual([3000, 1000]);
      return (await rowsRead(tx)) - before;
    });
    // 4,000 rows in pages of 1,000 read 4,000 index entries (and one empty page each). Sorting the account's rows
    // for every page read 3,000 + 2,000 + 1,000 of the codes alone.
    expect(read).toBeGreaterThanOrEqual(4000);
    expect(read).toBeLessThan(5000);
  });
});
