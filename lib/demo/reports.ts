import { Faker, en } from '@faker-js/faker';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { fraudReports, staffUsers, type reportResolutions } from '@/db/schema';
import { cliActor, type StaffActor } from '@/lib/auth/actor';
import { serviceContext } from '@/lib/context';
import { assignReport } from '@/lib/reports/assign-report';
import { fileReport } from '@/lib/reports/file-report';
import { moveReport } from '@/lib/reports/move-report';
import type { DemoAccount } from './demo-profiles';

const hour = 3_600_000;
/** Reports older than this were handled by the demo agent; younger than `inProgressAfterHours` are untouched. */
const resolvedAfterHours = 40;
const inProgressAfterHours = 20;
const demoResolution: Record<DemoReport['category'], [(typeof reportResolutions)[number], string]> = {
  unrequested_code: ['account_secured', 'Codes stopped after the password reset; customer told.'],
  impersonation: ['account_secured', 'Customer read out a code; sessions revoked and password reset.'],
  phishing: ['no_action_needed', 'Customer did not open the link; sender passed to the abuse desk.'],
  unauthorized_order: ['confirmed_fraud', 'Order cancelled and refunded; payment team informed.'],
  delivery_code: ['customer_error', 'Parcel found with a neighbour; the code was used as intended.'],
  other: ['no_action_needed', 'Checked the account history with the customer; nothing out of place.'],
};

interface DemoReport {
  account: DemoAccount;
  category: 'unrequested_code' | 'impersonation' | 'phishing' | 'unauthorized_order' | 'delivery_code' | 'other';
  description: string;
  details?: Record<string, string>;
  hoursAgo: number;
  byPhone?: boolean;
}

/**
 * A few dozen fraud reports so the report pages have something real on a first start: the planted
 * incidents' customers writing in, a phishing wave (one sender, one link domain, over three days), a
 * fake-support caller, and everyday reports. Filed through the same service as the public form.
 * Like a real queue, the older ones have moved on: the demo agent resolved those filed more than 40 h ago
 * and is investigating those filed 20–40 h ago (past their SLA by now); the rest are new.
 */
export async function seedDemoReports(db: Db, accounts: DemoAccount[], seed: number): Promise<number> {
  const f = new Faker({ locale: [en], seed: seed + 101 });
  const byId = (id: string) => accounts.find((a) => a.externalId === id);
  const regular = accounts.filter((a) => !a.externalId.startsWith('cus_demo_'));
  const reports: DemoReport[] = [];
  const planted: [string, DemoReport['category'], string][] = [
    [
      'cus_demo_bombed',
      'unrequested_code',
      'My phone keeps buzzing with login codes from the store. I did not try to log in. It has happened more than ten times this afternoon.',
    ],
    [
      'cus_demo_guessed',
      'unrequested_code',
      'I got a verification code by text this morning that I never asked for. Then another one. Is someone in my account?',
    ],
    [
      'cus_demo_simswap',
      'unauthorized_order',
      'There is a payment on my account I did not make, and my phone has had no signal since yesterday.',
    ],
    [
      'cus_demo_bruteforce',
      'other',
      'I received an e-mail saying there were many failed sign-in attempts on my account.',
    ],
  ];
  for (const [id, category, description] of planted) {
    const account = byId(id);
    if (account) reports.push({ account, category, description, hoursAgo: 1 + reports.length * 0.5 });
  }
  for (let i = 0; i < 8 && regular.length > 0; i++) {
    reports.push({
      account: regular[(i * 7 + 3) % regular.length]!,
      category: 'phishing',
      description: f.helpers.arrayElement([
        'A text said my parcel is held and asked me to pay a fee at a link.',
        'Got an SMS about a redelivery fee with a link. Looks like the store but the address is odd.',
        'Message says my package could not be delivered, pay £1.99 to rebook.',
      ]),
      details: {
        senderNumber: '+44 7700 900555',
        link: `https://royal-parcel-redelivery.example/pay?ref=${f.string.alphanumeric(6)}`,
      },
      hoursAgo: 2 + i * 8,
    });
  }
  for (let i = 0; i < 4 && regular.length > 0; i++) {
    reports.push({
      account: regular[(i * 11 + 5) % regular.length]!,
      category: 'impersonation',
      description:
        'Someone called saying they were from the store’s support team and asked me to read out the code I had just received.',
      details: { callerNumber: '+1 415 555 0199' },
      hoursAgo: 5 + i * 20,
      byPhone: true,
    });
  }
  const everyday: [DemoReport['category'], string, Record<string, string>?][] = [
    ['delivery_code', 'The courier asked me for my delivery code over the phone before he arrived.'],
    ['delivery_code', 'My parcel was marked as delivered with the code but I never got it.'],
    ['unauthorized_order', 'An order for headphones I did not place.', { orderId: 'ORD-48213' }],
    ['other', 'I think my account e-mail was changed, I can no longer sign in.'],
    ['unrequested_code', 'I got a code for a payment, but I was not buying anything.'],
    [
      'phishing',
      'An e-mail asking me to confirm my password for a “security check”.',
      { senderAddress: 'security@store-verify.example', link: 'http://store-verify.example/login' },
    ],
  ];
  for (let i = 0; i < 14 && regular.length > 0; i++) {
    const [category, description, details] = everyday[i % everyday.length]!;
    reports.push({
      account: regular[(i * 13 + 1) % regular.length]!,
      category,
      description,
      details,
      hoursAgo: 3 + i * 30,
    });
  }

  const [agentRow] = await db.select().from(staffUsers).where(eq(staffUsers.email, 'agent@demo.vigil'));
  const agent: StaffActor | null = agentRow
    ? {
        kind: 'staff',
        id: agentRow.id,
        email: agentRow.email,
        name: agentRow.name,
        role: agentRow.role,
        sessionId: 'demo-seed',
      }
    : null;
  let filed = 0;
  for (const r of reports) {
    const contact = r.byPhone ? { phone: r.account.phone } : { email: r.account.email };
    const { reference } = await fileReport(
      serviceContext(db, cliActor()),
      { category: r.category, ...contact, description: r.description, details: r.details },
      'web',
    );
    const createdAt = new Date(Date.now() - r.hoursAgo * hour).toISOString();
    // Filed earlier in the demo's story: move the filing time and its SLA due time back together.
    await db
      .update(fraudReports)
      .set({
        createdAt: sql`${createdAt}::timestamptz`,
        dueAt: sql`${fraudReports.dueAt} - (now() - ${createdAt}::timestamptz)`,
        updatedAt: sql`${createdAt}::timestamptz`,
      })
      .where(eq(fraudReports.reference, reference));
    if (agent && r.hoursAgo > inProgressAfterHours) await handleDemoReport(db, agent, reference, r);
    filed += 1;
  }
  return filed;
}

/** The demo agent's work on an older report, through the same services as the report page. */
async function handleDemoReport(db: Db, agent: StaffActor, reference: string, r: DemoReport): Promise<void> {
  const [row] = await db
    .select({ id: fraudReports.id, version: fraudReports.version })
    .from(fraudReports)
    .where(eq(fraudReports.reference, reference));
  if (!row) return;
  let version = row.version;
  const step = async (result: Promise<{ report: { version: number } }>) => {
    version = (await result).report.version;
  };
  await step(assignReport(serviceContext(db, agent), { reportId: row.id, version, assigneeId: agent.id }));
  await step(moveReport(serviceContext(db, agent), { reportId: row.id, version, to: 'triaged' }));
  if (r.hoursAgo > resolvedAfterHours) {
    const [resolution, note] = demoResolution[r.category];
    await step(moveReport(serviceContext(db, agent), { reportId: row.id, version, to: 'resolved', resolution, note }));
  } else {
    await step(moveReport(serviceContext(db, agent), { reportId: row.id, version, to: 'investigating' }));
  }
}
