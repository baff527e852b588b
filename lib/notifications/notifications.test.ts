import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq, sql } from 'drizzle-orm';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { accounts, alerts, fraudReports, notificationChannels, outbox, staffUsers } from '@/db/schema';
import { setupTestDatabase } from '@/db/testing/test-database';
import { signInStaff, maxFailedSignIns } from '@/lib/auth/staff-sign-in';
import { serviceContext } from '@/lib/context';
import { resetEnvForTests } from '@/lib/env';
import type { IngestEvent } from '@/lib/ingest/event-schema';
import { ingestBatch } from '@/lib/ingest/ingest-batch';
import { deliverDue } from '@/lib/outbox/deliver';
import { verifyWebhookSignature } from '@/lib/outbox/signature';
import { fileReport } from '@/lib/reports/file-report';
import { loginEvent, makeStaff, systemActor } from '@/lib/testing/fixtures';
import { addChannel, channelDeliveries, listChannels, removeChannel, testChannel } from './channels';
import { channelsFailingLong } from './health';
import { burstWindowMs, notify, type Notification } from './notify';
import { scanNotifications, unassignedEscalationMs } from './scan';

const { db } = setupTestDatabase();
const operator = () => serviceContext(db(), systemActor);
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  await db()
    .delete(notificationChannels)
    .where(sql`true`);
  await db()
    .delete(outbox)
    .where(sql`true`);
});
afterAll(async () => {
  for (const close of closers) await close();
});

/** A real HTTP receiver on 127.0.0.1 (a Slack-style incoming webhook, or a signed-webhook endpoint). */
async function receiver(answer: (index: number) => number = () => 200) {
  const received: { headers: Record<string, unknown>; body: string }[] = [];
  let calls = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const status = answer(calls++);
      if (status < 300) received.push({ headers: req.headers, body });
      res.writeHead(status).end(status < 300 ? 'ok' : 'down');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
}

const iso = (ms: number) => new Date(ms).toISOString();

/** 12 SMS codes to one account in a few minutes, none used: the unrequested-code burst rule fires. */
function otpBurst(account: string, ip: string): IngestEvent[] {
  const t0 = Date.now() - 10 * 60_000;
  return Array.from({ length: 12 }, (_, i) => ({
    id: `evt_${randomUUID()}`,
    type: 'otp.issued' as const,
    occurredAt: iso(t0 + i * 20_000),
    account: { id: account },
    otpId: `otp_${randomUUID()}`,
    channel: 'sms' as const,
    purpose: 'login' as const,
    context: { ip, country: 'NL', deviceId: 'dev_burst' },
  }));
}

/**
 * A delivery pass a moment ahead: rows are due from the database's now() (microseconds), and a pass whose JavaScript
 * `now` (milliseconds) falls in the same millisecond would otherwise find them not yet due.
 */
const deliverNow = () => deliverDue(db(), { now: new Date(Date.now() + 1000) });

async function channelRows() {
  return db().select().from(outbox).where(eq(outbox.kind, 'channel')).orderBy(outbox.id);
}

describe('notification channels', () => {
  it('an OTP burst through ingest reaches a Slack-style channel with a link to its alert; a masked channel hides who', async () => {
    const slack = await receiver();
    const masked = await receiver();
    await addChannel(operator(), { type: 'slack', target: slack.url });
    await addChannel(operator(), { type: 'slack', target: masked.url, masked: true });
    const account = `cus_notify_${randomUUID().slice(0, 8)}`;
    // The account exists, with the name the platform's profile sync gave it, before the burst.
    await ingestBatch(db(), [loginEvent(account, new Date(Date.now() - 3_600_000))], new Date(), {
      awaitDetection: true,
    });
    await db().update(accounts).set({ displayName: 'Nadia Okafor' }).where(eq(accounts.externalId, account));
    await ingestBatch(db(), otpBurst(account, '185.220.101.47'), new Date(), { awaitDetection: true });

    const [alert] = await db().select().from(alerts).where(eq(alerts.subjectId, account));
    expect(alert?.rule).toBe('unrequested_otp_burst');
    const pass = await deliverNow();
    expect(pass.delivered).toBe(2);

    const plain = JSON.parse(slack.received[0]!.body) as { text: string; blocks: { text?: { text: string } }[] };
    expect(plain.text).toContain(`/alerts/${alert!.id}`);
    expect(plain.blocks[0]!.text!.text).toContain('Nadia Okafor');
    expect(plain.blocks[0]!.text!.text).toContain('12 codes issued');
    expect(plain.blocks[0]!.text!.text).toContain('185.220.101.47');

    const hidden = masked.received[0]!.body;
    expect(hidden).toContain(`/alerts/${alert!.id}`);
    expect(hidden).toContain('N. O.');
    expect(hidden).not.toContain('Nadia');
    expect(hidden).not.toContain(account);
    expect(hidden).not.toContain('185.220.101.47');
    expect(hidden).toContain('185.220.x.x');
  });

  it('collapses bursts: one message per channel and alert per 10 minutes, the held hits counted in the next', async () => {
    const slack = await receiver();
    await addChannel(operator(), { type: 'slack', target: slack.url });
    const base: Notification = {
      topic: 'alert.opened',
      severity: 'high',
      subject: `alert:${randomUUID()}`,
      title: 'Code guessing — Tomás Silva',
      text: '9 wrong codes',
      path: '/alerts/x',
      at: new Date('2026-06-01T10:00:00Z'),
    };
    const at = (ms: number) => ({ ...base, at: new Date(base.at.getTime() + ms) });
    expect(await db().transaction((tx) => notify(tx, base))).toBe(1);
    expect(await db().transaction((tx) => notify(tx, at(60_000)))).toBe(0);
    expect(await db().transaction((tx) => notify(tx, at(120_000)))).toBe(0);
    expect(await db().transaction((tx) => notify(tx, at(burstWindowMs + 1000)))).toBe(1);
    const rows = await channelRows();
    expect(rows.map((r) => r.payload.alsoHappened)).toEqual([0, 2]);
    await deliverNow();
    expect(slack.received).toHaveLength(2);
    expect(slack.received[1]!.body).toContain('2 more since the last message');
  });

  it('topics and the minimum severity decide who is told', async () => {
    const slack = await receiver();
    await addChannel(operator(), { type: 'slack', target: slack.url, minSeverity: 'high', topics: ['alert.opened'] });
    const n = (severity: 'low' | 'critical', topic: Notification['topic'] = 'alert.opened'): Notification => ({
      topic,
      severity,
      subject: randomUUID(),
      title: 't',
      text: 'x',
      path: '/',
      at: new Date(),
    });
    expect(await notify(db(), n('low'))).toBe(0);
    expect(await notify(db(), n('critical'))).toBe(1);
    expect(await notify(db(), n('critical', 'alert.escalated'))).toBe(0);
  });

  it('retries a channel that is down, never giving up, flags it as failing, and delivers once it is back', async () => {
    let down = true;
    const slack = await receiver(() => (down ? 503 : 200));
    const { id } = await addChannel(operator(), { type: 'slack', target: slack.url });
    await notify(db(), {
      topic: 'staff.locked_out',
      subject: 'staff:x',
      title: 'Staff sign-in locked',
      text: 'x',
      path: '/admin/staff',
      at: new Date(),
    });
    let now = Date.now();
    for (let i = 0; i < 25; i++) {
      now += 3_700_000; // past any retry delay
      const pass = await deliverDue(db(), { now: new Date(now) });
      expect(pass).toMatchObject({ claimed: 1, retrying: 1, failed: 0 });
    }
    const [failing] = await listChannels(operator());
    expect(failing!.failingSince).not.toBeNull();
    const log = await channelDeliveries(operator(), id);
    expect(log[0]).toMatchObject({ statusCode: 503, error: 'HTTP 503' });

    // Failing for a day: the overview flags it (for admins only).
    expect(await channelsFailingLong(operator(), new Date(now))).toEqual([
      expect.objectContaining({ id, target: slack.url }),
    ]);
    const agent = await makeStaff(db(), 'agent');
    expect(await channelsFailingLong(serviceContext(db(), agent.actor), new Date(now))).toEqual([]);

    down = false;
    const pass = await deliverDue(db(), { now: new Date(now + 3_700_000) });
    expect(pass.delivered).toBe(1);
    expect(slack.received).toHaveLength(1);
    const [healthy] = await listChannels(operator());
    expect(healthy!.failingSince).toBeNull();
    expect(healthy!.lastDeliveredAt).not.toBeNull();
  });

  it('a webhook channel signs its JSON like the account webhook', async () => {
    const hook = await receiver();
    const { secret } = await addChannel(operator(), { type: 'webhook', target: hook.url, topics: ['report.filed'] });
    expect(secret).toBeTruthy();
    await fileReport(
      serviceContext(db(), systemActor),
      {
        category: 'unrequested_code',
        description: 'I got a code I did not ask for, twice, at night.',
        email: `nobody.${randomUUID().slice(0, 6)}@example.com`,
      },
      'api',
    );
    const [report] = await db()
      .select()
      .from(fraudReports)
      .orderBy(sql`created_at desc`)
      .limit(1);
    // A report that matches no account is not urgent or high: nothing is sent for it.
    if (report!.priority !== 'urgent' && report!.priority !== 'high') {
      expect(await channelRows()).toHaveLength(0);
      await db().update(fraudReports).set({ priority: 'urgent' }).where(eq(fraudReports.id, report!.id));
    }
    const { notifyReportFiled } = await import('./topics');
    await notifyReportFiled(db(), {
      id: report!.id,
      reference: report!.reference,
      category: report!.category,
      priority: 'urgent',
      accountLabel: null,
      at: new Date(),
    });
    await deliverNow();
    const got = hook.received[0]!;
    const body = JSON.parse(got.body) as { type: string; url: string; title: string };
    expect(body.type).toBe('report.filed');
    expect(body.url).toContain(`/reports/${report!.id}`);
    expect(body.title).toContain(report!.reference);
    expect(verifyWebhookSignature(secret!, got.body, String(got.headers['vigil-signature'])).valid).toBe(true);
    expect(got.headers['vigil-event-id']).toBeTruthy();
  });

  it('an e-mail channel sends through the SMTP server of VIGIL_SMTP_URL', async () => {
    const mails: { to: string[]; data: string }[] = [];
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        let data = '';
        stream.on('data', (c: Buffer) => (data += c.toString('utf8')));
        stream.on('end', () => {
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address), data });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => smtp.close(() => resolve())));
    const port = (smtp.server.address() as AddressInfo).port;
    process.env.VIGIL_SMTP_URL = `smtp://127.0.0.1:${port}`;
    resetEnvForTests();
    try {
      const { id } = await addChannel(operator(), { type: 'email', target: 'secops@example.com' });
      const staff = await makeStaff(db(), 'agent');
      for (let i = 0; i < maxFailedSignIns; i++) {
        await signInStaff(db(), { email: staff.email, password: `wrong-${i}`, ip: '203.0.113.5' });
      }
      const [locked] = await db().select().from(staffUsers).where(eq(staffUsers.id, staff.actor.id));
      expect(locked!.lockedUntil).not.toBeNull();
      await deliverNow();
      expect(mails).toHaveLength(1);
      expect(mails[0]!.to).toEqual(['secops@example.com']);
      expect(mails[0]!.data).toContain(`Staff locked out: Staff sign-in locked: ${staff.email}`);
      expect(mails[0]!.data).toContain('203.0.113.5');
      expect(mails[0]!.data).toContain('/admin/staff');
      const outcome = await testChannel(operator(), id);
      expect(outcome.ok).toBe(true);
      expect(mails).toHaveLength(2);
    } finally {
      delete process.env.VIGIL_SMTP_URL;
      resetEnvForTests();
    }
  });

  it('the scan escalates an alert nobody took for 30 minutes, once; a removed channel’s queued messages are dropped', async () => {
    const slack = await receiver();
    const { id } = await addChannel(operator(), { type: 'slack', target: slack.url, topics: ['alert.escalated'] });
    const opened = new Date(Date.now() - unassignedEscalationMs - 60_000);
    const [alert] = await db()
      .insert(alerts)
      .values({
        rule: 'password_bruteforce',
        severity: 'high',
        subjectType: 'ip',
        subjectId: '198.51.100.99',
        firstSeen: opened,
        lastSeen: opened,
        evidenceCount: 20,
        details: { failures: 20, ips: ['198.51.100.99'] },
        detectedAt: opened,
      })
      .returning({ id: alerts.id });
    expect((await scanNotifications(db())).escalated).toBeGreaterThanOrEqual(1);
    await scanNotifications(db());
    const rows = (await channelRows()).filter((r) => String(r.payload.url).endsWith(`/alerts/${alert!.id}`));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.payload.title).toContain('unassigned for 30 minutes');

    await removeChannel(operator(), id);
    const pass = await deliverNow();
    expect(pass.delivered).toBe(0);
    expect(slack.received).toHaveLength(0);
    const [row] = await db()
      .select()
      .from(outbox)
      .where(and(eq(outbox.kind, 'channel'), eq(outbox.id, rows[0]!.id)));
    expect(row!.status).toBe('failed');
    expect(row!.lastError).toContain('the channel was removed');
    await db().delete(alerts).where(eq(alerts.id, alert!.id));
  });

  it('the scan tells once of an open report past its deadline, and once of a platform gone quiet', async () => {
    const slack = await receiver();
    await addChannel(operator(), {
      type: 'slack',
      target: slack.url,
      topics: ['report.sla_breached', 'ingest.stalled'],
    });
    const reference = `VR-T${randomUUID().slice(0, 5).toUpperCase()}`;
    const [report] = await db()
      .insert(fraudReports)
      .values({
        reference,
        category: 'phishing',
        priority: 'high',
        dueAt: new Date(Date.now() - 60_000),
        description: 'A message with a link asked for my code.',
        source: 'api',
      })
      .returning({ id: fraudReports.id });
    // An hour from now (earlier tests stored events minutes ago): the same hour a week before was busy, and no
    // event since: stalled.
    const later = new Date(Date.now() + 3_600_000);
    await db().execute(
      sql`insert into login_rollup_hourly (hour, outcome, reason, country, shard, count)
          values (date_trunc('hour', ${later.toISOString()}::timestamptz - interval '7 days'), 'succeeded', '', 'GB', 0, 500)`,
    );
    const first = await scanNotifications(db(), () => later);
    expect(first).toMatchObject({ slaBreached: 1, stalled: true });
    await scanNotifications(db(), () => later);
    const rows = await channelRows();
    expect(rows.map((r) => r.topic).sort()).toEqual(['ingest.stalled', 'report.sla_breached']);
    const breach = rows.find((r) => r.topic === 'report.sla_breached')!;
    expect(breach.payload.title).toContain(reference);
    expect(String(breach.payload.url)).toContain(`/reports/${report!.id}`);
    await db().delete(fraudReports).where(eq(fraudReports.id, report!.id));
  });

  it('refuses bad channels with the field named, and stores nothing', async () => {
    await expect(addChannel(operator(), { type: 'pager', target: 'x' })).rejects.toMatchObject({
      fieldErrors: { type: [expect.stringContaining('slack, email, webhook')] },
    });
    await expect(addChannel(operator(), { type: 'email', target: 'not-an-address' })).rejects.toMatchObject({
      fieldErrors: { target: [expect.stringContaining('e-mail address')] },
    });
    await expect(
      addChannel(operator(), { type: 'slack', target: 'https://169.254.169.254/hook' }),
    ).rejects.toMatchObject({ fieldErrors: { target: [expect.stringContaining('private')] } });
    await expect(
      addChannel(operator(), { type: 'slack', target: 'https://hooks.example.com/x', topics: ['alert.everything'] }),
    ).rejects.toMatchObject({ fieldErrors: { 'topics.0': [expect.stringContaining('alert.opened')] } });
    expect(await listChannels(operator())).toHaveLength(0);
  });
});
