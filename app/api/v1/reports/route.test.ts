import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { fraudReports, reportEvidence, reportMessages } from '@/db/schema';
import { roomInWindow, uniqueSuffix } from '@/lib/testing/fixtures';
import { makeApiKey } from '@/lib/testing/ingest-fixtures';
import { setupTestDatabase } from '@/db/testing/test-database';
import type { IngestEvent } from '@/lib/ingest/event-schema';
import { ingestBatch } from '@/lib/ingest/ingest-batch';
import { setDatabaseForTests } from '@/lib/database';
import { PATCH } from './[id]/route';
import { POST as fileReport } from './route';
import { POST as reportStatus } from './status/route';

const { db } = setupTestDatabase();
const noParams = { params: Promise.resolve({}) };
beforeAll(() => setDatabaseForTests(db()));
let ipCounter = 0;
const freshIp = () => `198.51.100.${(ipCounter += 1)}`;

function post(path: 'reports' | 'status', body: unknown, headers: Record<string, string> = {}) {
  const request = new Request(`http://localhost/api/v1/${path === 'reports' ? 'reports' : 'reports/status'}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': freshIp(), ...headers },
    body: JSON.stringify(body),
  });
  return path === 'reports' ? fileReport(request, noParams) : reportStatus(request, noParams);
}
const reportOf = async (reference: string) =>
  (await db().select().from(fraudReports).where(eq(fraudReports.reference, reference)))[0]!;

async function customer(extra: Partial<{ phone: string; email: string }> = {}) {
  const id = `cus_${uniqueSuffix()}`;
  const email = extra.email ?? `${id}@example.com`;
  const now = Date.now();
  const otpId = `otp_${id}`;
  const events: IngestEvent[] = [
    {
      id: `${id}_1`,
      type: 'login.succeeded',
      occurredAt: new Date(now - 20 * 86_400_000).toISOString(),
      account: { id, email, phone: extra.phone ?? '+447700900' + String(Math.floor(Math.random() * 900) + 100) },
      context: { deviceId: 'dev_home', country: 'GB' },
    },
    {
      id: `${id}_2`,
      type: 'otp.issued',
      occurredAt: new Date(now - 30 * 60_000).toISOString(),
      account: { id },
      otpId,
      channel: 'sms',
      purpose: 'login',
      context: { ip: '45.155.205.3', country: 'NL' },
    },
    {
      id: `${id}_3`,
      type: 'otp.failed',
      occurredAt: new Date(now - 29 * 60_000).toISOString(),
      account: { id },
      otpId,
      channel: 'sms',
      purpose: 'login',
      reason: 'incorrect',
    },
  ];
  await ingestBatch(db(), events);
  return { id, email, otpId, events };
}

describe('POST /api/v1/reports', () => {
  it('files an unrequested-code report: linked by e-mail, the codes attached as evidence, high priority with its SLA', async () => {
    const c = await customer();
    const res = await post('reports', {
      category: 'unrequested_code',
      email: c.email.toUpperCase(),
      description: 'I got a code I did not ask for',
      otpId: c.otpId,
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { reference: string; status: string };
    expect(body.status).toBe('received');
    expect(body.reference).toMatch(/^VR-[0-9A-HJKMNP-TV-Z]{6}$/);
    const report = await reportOf(body.reference);
    expect(report).toMatchObject({ priority: 'high', status: 'new', source: 'api' });
    expect(report.accountId).not.toBeNull();
    expect(report.dueAt.getTime() - report.createdAt.getTime()).toBe(8 * 3_600_000);
    const evidence = await db().select().from(reportEvidence).where(eq(reportEvidence.reportId, report.id));
    expect(evidence.map((e) => [e.kind, e.refId]).sort()).toEqual(
      [
        ['otp', c.events[1]!.id],
        ['otp', c.events[2]!.id],
      ].sort(),
    );
    expect(evidence.find((e) => e.refId === c.events[1]!.id)!.summary).toMatchObject({
      channel: 'sms',
      purpose: 'login',
      ip: '45.155.205.3',
      country: 'NL',
      fromLink: true,
    });
  });

  it('links by a differently formatted phone number, stored as E.164', async () => {
    const phone = `+4477009${String(Math.floor(Math.random() * 90000) + 10000)}`;
    await customer({ phone });
    const spaced = `${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}`;
    const res = await post('reports', {
      category: 'impersonation',
      phone: spaced,
      description: 'A caller said he was from support',
      details: { callerNumber: '+1 415 555 0100' },
    });
    const report = await reportOf(((await res.json()) as { reference: string }).reference);
    expect(report).toMatchObject({ phone, callerNumber: '+14155550100' });
    expect(report.accountId).not.toBeNull();
  });

  it('400 names the wrong fields and stores nothing', async () => {
    const before = (await db().select({ id: fraudReports.id }).from(fraudReports)).length;
    const res = await post('reports', { category: 'nope', phone: '12', description: '' });
    expect(res.status).toBe(400);
    const { fieldErrors } = (await res.json()) as { fieldErrors: Record<string, string[]> };
    expect(Object.keys(fieldErrors).sort()).toEqual(['category', 'description', 'phone']);
    const missingContact = await post('reports', { category: 'other', description: 'hello' });
    expect(
      Object.keys(((await missingContact.json()) as { fieldErrors: Record<string, string[]> }).fieldErrors),
    ).toEqual(['email']);
    expect((await db().select({ id: fraudReports.id }).from(fraudReports)).length).toBe(before);
  });

  it('a bot that fills the honeypot gets a normal-looking 201 and nothing is stored', async () => {
    const res = await post('reports', {
      category: 'other',
      email: `bot.${uniqueSuffix()}@example.com`,
      description: 'buy now',
      website: 'http://spam.example',
    });
    expect(res.status).toBe(201);
    const { reference } = (await res.json()) as { reference: string };
    expect(reference).toMatch(/^VR-/);
    expect(await db().select().from(fraudReports).where(eq(fraudReports.reference, reference))).toEqual([]);
  });

  it('stores what the customer typed as text (scripts and formulas included), a phishing link by its domain', async () => {
    const payload = '<script>alert(1)</script> =HYPERLINK("http://evil")';
    const res = await post('reports', {
      category: 'phishing',
      email: `x.${uniqueSuffix()}@example.com`,
      description: payload,
      details: { senderNumber: '+44 7700 900999', link: 'https://www.Secure-Login.example/verify?x=1' },
    });
    const report = await reportOf(((await res.json()) as { reference: string }).reference);
    expect(report).toMatchObject({
      description: payload,
      linkDomain: 'secure-login.example',
      senderNumber: '+447700900999',
      priority: 'low',
    });
  });

  it('5 reports an hour per contact and per IP (429 with Retry-After); the platform’s apps skip only the per-IP limit', async () => {
    // Hourly windows: the hour must not turn between the fifth report and the refused sixth.
    await roomInWindow(3_600_000);
    const email = `limited.${uniqueSuffix()}@example.com`;
    const file = (headers: Record<string, string> = {}) =>
      post('reports', { category: 'other', email, description: 'again' }, headers);
    for (let i = 0; i < 5; i++) expect((await file()).status).toBe(201);
    const over = await file();
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);

    const ip = '203.0.113.77';
    const fromIp = () =>
      post(
        'reports',
        { category: 'other', email: `ip.${uniqueSuffix()}@example.com`, description: 'x' },
        { 'x-forwarded-for': ip },
      );
    for (let i = 0; i < 5; i++) expect((await fromIp()).status).toBe(201);
    expect((await fromIp()).status).toBe(429);
    const { key } = await makeApiKey(db(), ['reports:write']);
    expect(
      (
        await post(
          'reports',
          { category: 'other', email: `app.${uniqueSuffix()}@example.com`, description: 'x' },
          { 'x-forwarded-for': ip, authorization: `Bearer ${key}` },
        )
      ).status,
    ).toBe(201);
    expect(
      (await post('reports', { category: 'other', email, description: 'x' }, { authorization: `Bearer ${key}` }))
        .status,
    ).toBe(429);
  });
});

describe('POST /api/v1/reports/status', () => {
  it('shows the public status and public replies to whoever holds the reference and the contact; anything else is the same 404', async () => {
    const email = `status.${uniqueSuffix()}@example.com`;
    const { reference } = (await (await post('reports', { category: 'other', email, description: 'x' })).json()) as {
      reference: string;
    };
    const report = await reportOf(reference);
    await db()
      .insert(reportMessages)
      .values([
        { reportId: report.id, visibility: 'public', body: 'We are looking into it.' },
        { reportId: report.id, visibility: 'internal', body: 'probably spam' },
      ]);
    const ok = await post('status', { reference: reference.toLowerCase(), contact: email });
    expect(await ok.json()).toEqual({
      reference,
      status: 'received',
      replies: [{ at: expect.any(String) as string, body: 'We are looking into it.' }],
    });
    const wrongContact = await post('status', { reference, contact: 'someone.else@example.com' });
    const wrongReference = await post('status', { reference: 'VR-000000', contact: email });
    expect(wrongContact.status).toBe(404);
    expect(await wrongContact.json()).toEqual(await wrongReference.json());
  });

  it('10 lookups an hour per IP', async () => {
    const ip = '203.0.113.88';
    await roomInWindow(3_600_000);
    for (let i = 0; i < 10; i++)
      expect(
        (await post('status', { reference: 'VR-AAAAAA', contact: 'a@example.com' }, { 'x-forwarded-for': ip })).status,
      ).toBe(404);
    expect(
      (await post('status', { reference: 'VR-AAAAAA', contact: 'a@example.com' }, { 'x-forwarded-for': ip })).status,
    ).toBe(429);
  });
});

describe('PATCH /api/v1/reports/{id}', () => {
  it('refuses API keys, even with reports:write: they file reports, staff work them', async () => {
    const { key } = await makeApiKey(db(), ['reports:write']);
    const [report] = await db().select().from(fraudReports).limit(1);
    const id = report?.id ?? '00000000-0000-4000-8000-000000000000';
    const response = await PATCH(
      new Request(`http://localhost/api/v1/reports/${id}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ status: 'triaged', version: 1 }),
      }),
      { params: Promise.resolve({ id }) },
    );
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: 'forbidden' });
    if (report)
      expect((await db().select().from(fraudReports).where(eq(fraudReports.id, report.id)))[0]!.version).toBe(
        report.version,
      );
  });
});

describe('a slow client', () => {
  it('a body that takes longer than the database budget is still read and answered (not a 503)', async () => {
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(encoder.encode('{"category":"other",'));
        await new Promise((resolve) => setTimeout(resolve, 5_500));
        controller.enqueue(
          encoder.encode('"email":"slow.sender@example.com","description":"it took me a while to type"}'),
        );
        controller.close();
      },
    });
    const request = new Request('http://localhost/api/v1/reports', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': freshIp() },
      body,
      duplex: 'half',
    } as RequestInit);
    const response = await fileReport(request, noParams);
    expect(response.status).toBe(201);
  }, 20_000);
});
