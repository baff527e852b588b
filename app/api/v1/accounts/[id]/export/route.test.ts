import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '@/db/client';
import { setupTestDatabase } from '@/db/testing/test-database';
import { lockAccount } from '@/lib/accounts/lock-account';
import type { StaffActor } from '@/lib/auth/actor';
import { serviceContext } from '@/lib/context';
import { setDatabaseForTests } from '@/lib/database';
import { detectionIdle } from '@/lib/detection/queue';
import type { IngestEvent } from '@/lib/ingest/event-schema';
import { ingestBatch } from '@/lib/ingest/ingest-batch';
import { loginEvent, makeStaff, uniqueSuffix } from '@/lib/testing/fixtures';
import { makeApiKey } from '@/lib/testing/ingest-fixtures';
import { GET } from './route';

const { db } = setupTestDatabase();
let agent: StaffActor & { email: string };
beforeAll(async () => {
  agent = (await makeStaff(db(), 'agent')).actor;
  setDatabaseForTests(db());
});

const exportOf = (externalId: string, key: string) =>
  GET(
    new Request(`http://localhost/api/v1/accounts/${externalId}/export`, {
      headers: { authorization: `Bearer ${key}` },
    }),
    { params: Promise.resolve({ id: externalId }) },
  );

interface Exported {
  account: { platformAccountId: string; email: string };
  loginEvents: { eventId: string; ip?: string }[];
  otpEvents: { eventId: string; otpId: string }[];
  accountEvents: { eventId: string; type: string }[];
  alerts: { rule: string; subjectType: string; details?: unknown; evidence: { eventId: string }[] }[];
  reports: { reference: string; messages: { body: string; authorRole: string }[] }[];
  staffActions: { action: string; byRole: string }[];
  noticesAndWebhooks: { kind: string }[];
}

describe('GET /api/v1/accounts/{id}/export', () => {
  it('streams every kind of record of the account, across pages, and nothing of another account', async () => {
    const a = `cus_exp_${uniqueSuffix()}`;
    const b = `cus_other_${uniqueSuffix()}`;
    const t0 = Date.now() - 3 * 86_400_000;
    const contact = { id: a, email: 'ada.export@example.com', phone: '+447700900555' };
    // 2,100 logins (three pages of the export's 1,000-row reads), a code, a contact change.
    for (let batch = 0; batch < 3; batch++) {
      await ingestBatch(
        db(),
        Array.from({ length: 700 }, (_, i) =>
          loginEvent(a, new Date(t0 + (batch * 700 + i) * 1000), { account: contact } as Partial<IngestEvent> as never),
        ),
      );
    }
    const code = {
      id: `otp_${a}`,
      type: 'otp.issued',
      occurredAt: new Date(t0 + 5_000_000).toISOString(),
      account: contact,
      otpId: `code_${a}`,
      channel: 'sms',
      purpose: 'login',
      context: { ip: '203.0.113.99', country: 'GB' },
    } as IngestEvent;
    const change = {
      id: `chg_${a}`,
      type: 'account.contact_changed',
      field: 'email',
      occurredAt: new Date(t0 + 5_000_001).toISOString(),
      account: contact,
    } as IngestEvent;
    const other = loginEvent(b, new Date(t0 + 10), {
      account: { id: b, email: 'bob.other@example.com' },
    } as Partial<IngestEvent> as never);
    await ingestBatch(db(), [code, change, other]);
    await detectionIdle();
    const [accountA] = await queryRows<{ id: string; version: number }>(
      db(),
      sql`select id, version from accounts where external_id = ${a}`,
    );
    const [accountB] = await queryRows<{ id: string }>(db(), sql`select id from accounts where external_id = ${b}`);
    // An alert about A, and an IP alert whose evidence holds A's and B's events.
    await db()
      .execute(sql`insert into alerts (id, rule, severity, subject_type, subject_id, account_id, first_seen, last_seen, details)
      values ('00000000-0000-4000-8000-00000000a001', 'otp_guessing', 'high', 'account', ${a}, ${accountA!.id}, now(), now(), '{"failures": 7}'),
             ('00000000-0000-4000-8000-00000000a002', 'credential_stuffing', 'critical', 'ip', '203.0.113.99', null, now(), now(),
              ${JSON.stringify({ accounts: [b, a] })}::jsonb)`);
    await db().execute(sql`insert into alert_evidence (alert_id, event_id, event_type, occurred_at, account_id) values
      ('00000000-0000-4000-8000-00000000a001', ${code.id}, 'otp.issued', now(), ${accountA!.id}),
      ('00000000-0000-4000-8000-00000000a002', ${code.id}, 'otp.issued', now(), ${accountA!.id}),
      ('00000000-0000-4000-8000-00000000a002', ${other.id}, 'login.succeeded', now(), ${accountB!.id})`);
    // A report about A with a reply written by the agent.
    await db()
      .execute(sql`insert into fraud_reports (id, reference, category, priority, due_at, email, description, account_id, source)
      values ('00000000-0000-4000-8000-00000000b001', ${`VR-${uniqueSuffix()}`}, 'unrequested_code', 'high', now(), 'ada.export@example.com',
              'I got a code I did not ask for', ${accountA!.id}, 'web')`);
    await db().execute(sql`insert into report_messages (report_id, visibility, author_id, body)
      values ('00000000-0000-4000-8000-00000000b001', 'public', ${agent.id}, 'We locked your account while we look.')`);
    // A staff action (audited, with a webhook and a customer notice in the outbox).
    await lockAccount(serviceContext(db(), agent), {
      accountId: accountA!.id,
      version: accountA!.version,
      idempotencyKey: randomUUID(),
      reasonCode: 'suspected_takeover',
      note: 'Customer called about codes they did not ask for',
    });

    const { key } = await makeApiKey(db(), ['accounts:export']);
    const res = await exportOf(a, key);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('content-disposition')).toContain('attachment');
    const text = await res.text();
    const doc = JSON.parse(text) as Exported;
    expect(doc.account).toMatchObject({ platformAccountId: a, email: 'ada.export@example.com' });
    expect(doc.loginEvents).toHaveLength(2100);
    expect(new Set(doc.loginEvents.map((e) => e.eventId)).size).toBe(2100);
    expect(doc.otpEvents.map((e) => e.otpId)).toEqual([`code_${a}`]);
    expect(doc.accountEvents.map((e) => e.type)).toEqual(['contact_changed']);
    const account = doc.alerts.find((x) => x.subjectType === 'account')!;
    expect(account.details).toEqual({ failures: 7 });
    const ip = doc.alerts.find((x) => x.subjectType === 'ip')!;
    expect(ip.evidence.map((e) => e.eventId)).toEqual([code.id]);
    expect(ip.details).toBeUndefined();
    expect(doc.reports).toHaveLength(1);
    expect(doc.reports[0]!.messages).toEqual([
      expect.objectContaining({ body: 'We locked your account while we look.', authorRole: 'agent' }),
    ]);
    expect(doc.staffActions.map((s) => [s.action, s.byRole])).toEqual(
      expect.arrayContaining([['account.lock', 'agent']]),
    );
    expect(doc.noticesAndWebhooks.length).toBeGreaterThan(0);
    // Nothing of the other account, and staff by role, never by e-mail.
    for (const foreign of [b, 'bob.other@example.com', other.id, accountB!.id, agent.email])
      expect(text).not.toContain(foreign);
    // The export itself is on record.
    const [audit] = await queryRows<{ n: number }>(
      db(),
      sql`select count(*)::int as n from audit_log where action = 'account.export' and target_id = ${accountA!.id}`,
    );
    expect(audit!.n).toBe(1);
  });

  it('404 for an account Vigil never saw; a key without accounts:export is 403', async () => {
    const { key } = await makeApiKey(db(), ['accounts:export']);
    const reader = await makeApiKey(db(), ['accounts:read']);
    expect((await exportOf('cus_never_seen', key)).status).toBe(404);
    const refused = await exportOf('cus_never_seen', reader.key);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ message: expect.stringContaining('accounts:export') as unknown });
  });
});
