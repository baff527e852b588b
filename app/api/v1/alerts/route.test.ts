import { beforeAll, describe, expect, it } from 'vitest';
import { alertEvidence, alerts } from '@/db/schema';
import { uniqueSuffix } from '@/lib/testing/fixtures';
import { makeApiKey } from '@/lib/testing/ingest-fixtures';
import { setupTestDatabase } from '@/db/testing/test-database';
import { setDatabaseForTests } from '@/lib/database';
import { PATCH } from './[id]/route';
import { GET } from './route';

const { db } = setupTestDatabase();
beforeAll(() => setDatabaseForTests(db()));
const get = (query: string, key?: string) =>
  GET(
    new Request(`http://localhost/api/v1/alerts${query}`, { headers: key ? { authorization: `Bearer ${key}` } : {} }),
    { params: Promise.resolve({}) },
  );

interface Body {
  alerts: {
    id: string;
    rule: string;
    severity: string;
    status: string;
    subject: { type: string; id: string };
    firstSeen: string;
    lastSeen: string;
    hitCount: number;
    evidence: string[];
    evidenceCount: number;
  }[];
  nextCursor: string | null;
}

async function plant(
  subjectId: string,
  firstSeen: Date,
  evidence = 0,
  overrides: Partial<typeof alerts.$inferInsert> = {},
) {
  const [a] = await db()
    .insert(alerts)
    .values({
      rule: 'password_bruteforce',
      severity: 'medium',
      subjectType: 'account',
      subjectId,
      firstSeen,
      lastSeen: new Date(firstSeen.getTime() + 60_000),
      evidenceCount: evidence,
      ...overrides,
    })
    .returning();
  if (evidence > 0) {
    await db()
      .insert(alertEvidence)
      .values(
        Array.from({ length: evidence }, (_, i) => ({
          alertId: a!.id,
          eventId: `evt_${i.toString().padStart(4, '0')}_${a!.id}`,
          eventType: 'login.failed',
          occurredAt: new Date(firstSeen.getTime() + i * 1000),
          accountId: '00000000-0000-4000-8000-000000000001',
        })),
      );
  }
  return a!;
}

describe('GET /api/v1/alerts', () => {
  it('answers the contract shape, newest firstSeen first, ids breaking ties, paged by cursor', async () => {
    const { key } = await makeApiKey(db(), ['alerts:read']);
    const account = `cus_${uniqueSuffix()}`;
    const t = new Date('2026-05-01T10:00:00Z');
    const older = await plant(account, new Date(t.getTime() - 3_600_000), 3, { status: 'resolved' });
    const tieA = await plant(account, t);
    const tieB = await plant(account, t, 0, { rule: 'otp_guessing', severity: 'high' });
    const first = await get(`?accountId=${account}&limit=2`, key);
    expect(first.status).toBe(200);
    const page1 = (await first.json()) as Body;
    const tied = [tieA.id, tieB.id].sort().reverse();
    expect(page1.alerts.map((a) => a.id)).toEqual(tied);
    expect(page1.alerts[0]).toEqual({
      id: tied[0],
      rule: tied[0] === tieA.id ? 'password_bruteforce' : 'otp_guessing',
      severity: tied[0] === tieA.id ? 'medium' : 'high',
      status: 'open',
      subject: { type: 'account', id: account },
      firstSeen: t.toISOString(),
      lastSeen: new Date(t.getTime() + 60_000).toISOString(),
      hitCount: 1,
      evidence: [],
      evidenceCount: 0,
    });
    const page2 = (await (await get(`?accountId=${account}&limit=2&cursor=${page1.nextCursor}`, key)).json()) as Body;
    expect(page2.alerts.map((a) => a.id)).toEqual([older.id]);
    expect(page2.alerts[0]!.evidence).toHaveLength(3);
    expect(page2.nextCursor).toBeNull();
  });

  it('lists at most 100 evidence ids (oldest first) beside the full count', async () => {
    const { key } = await makeApiKey(db(), ['alerts:read']);
    const account = `cus_${uniqueSuffix()}`;
    await plant(account, new Date('2026-05-02T10:00:00Z'), 130);
    const [alert] = ((await (await get(`?accountId=${account}`, key)).json()) as Body).alerts;
    expect(alert!.evidenceCount).toBe(130);
    expect(alert!.evidence).toHaveLength(100);
    expect(alert!.evidence[0]).toMatch(/^evt_0000_/);
    expect(alert!.evidence[99]).toMatch(/^evt_0099_/);
  });

  it('filters by rule, status and since (on lastSeen)', async () => {
    const { key } = await makeApiKey(db(), ['alerts:read']);
    const account = `cus_${uniqueSuffix()}`;
    const old = await plant(account, new Date('2026-01-01T00:00:00Z'));
    const recent = await plant(account, new Date('2026-06-01T00:00:00Z'), 0, {
      status: 'resolved',
      rule: 'otp_guessing',
    });
    const ids = async (q: string) =>
      ((await (await get(`?accountId=${account}${q}`, key)).json()) as Body).alerts.map((a) => a.id);
    expect(await ids('&since=2026-03-01T00:00:00Z')).toEqual([recent.id]);
    expect(await ids('&status=open')).toEqual([old.id]);
    expect(await ids('&rule=otp_guessing')).toEqual([recent.id]);
  });

  // Signed-out callers (401) and staff sessions are covered over real HTTP in e2e/alerts.spec.ts.
  it('403 without alerts:read, 400 naming a bad parameter', async () => {
    const writer = await makeApiKey(db(), ['events:write']);
    expect((await get('', writer.key)).status).toBe(403);
    const { key } = await makeApiKey(db(), ['alerts:read']);
    const bad = await get('?limit=501&rule=nope&cursor=zzz', key);
    expect(bad.status).toBe(400);
    expect(Object.keys(((await bad.json()) as { fieldErrors: Record<string, string[]> }).fieldErrors).sort()).toEqual([
      'cursor',
      'limit',
      'rule',
    ]);
  });
});

describe('PATCH /api/v1/alerts/{id}', () => {
  it('refuses API keys: they read alerts, they do not change them', async () => {
    const { key } = await makeApiKey(db(), ['alerts:read']);
    const a = await plant(`cus_${uniqueSuffix()}`, new Date());
    const response = await PATCH(
      new Request(`http://localhost/api/v1/alerts/${a.id}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ status: 'acknowledged', version: 1 }),
      }),
      { params: Promise.resolve({ id: a.id }) },
    );
    expect(response.status).toBe(403);
  });
});
