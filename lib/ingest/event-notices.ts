import type { Tx } from '@/db/client';
import { outbox, reportLinks } from '@/db/schema';
import { maskEmail, maskPhone } from '@/lib/accounts/masking';
import { countryName } from '@/lib/format';
import { newReportLink } from '@/lib/reports/report-links';
import type { IngestEvent } from './event-schema';

/*
 * The notices the platform's own events call for, queued in the ingest transaction with a "not me" link each:
 * a sign-in the platform marks `notifyCustomer` (a new device), and a contact change — told to the new contact
 * and to the previous one, who is the one that needs it when the change was not theirs.
 */

type Contacts = Map<string, { email: string | null; phone: string | null }>;

interface Queued {
  accountId: string;
  externalId: string;
  topic: string;
  channel: 'email' | 'sms';
  to: string;
  text: string;
  eventId: string;
}

const notMe = (url: string) => ` Not you? Tell us in one tap: ${url}`;

function noticesOf(events: IngestEvent[], accountIds: Map<string, string>, stored: Contacts): Queued[] {
  const out: Queued[] = [];
  // The contacts as of each event: what was stored, moved along by the batch's own events in time order.
  const current = new Map([...stored].map(([id, c]) => [id, { ...c }]));
  const inOrder = [...events].sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
  for (const e of inOrder) {
    const accountId = accountIds.get(e.account.id)!;
    const before = current.get(e.account.id) ?? { email: null, phone: null };
    current.set(e.account.id, {
      email: e.account.email ?? before.email,
      phone: e.account.phone ?? before.phone,
    });
    const base = { accountId, externalId: e.account.id, eventId: e.id };
    if (e.type === 'login.succeeded' && e.notifyCustomer) {
      const email = e.account.email ?? before.email;
      const phone = e.account.phone ?? before.phone;
      const where = e.context?.country ? ` in ${countryName(e.context.country)}` : '';
      const text = `Someone signed in to your account from a new device${where}. If it was you, there is nothing to do.`;
      if (email) out.push({ ...base, topic: 'account.new_device_login', channel: 'email', to: email, text });
      else if (phone) out.push({ ...base, topic: 'account.new_device_login', channel: 'sms', to: phone, text });
    }
    if (e.type === 'account.contact_changed') {
      const email = e.field === 'email';
      const now = email ? e.account.email! : e.account.phone!;
      const previous = email ? before.email : before.phone;
      const what = email ? 'e-mail address' : 'phone number';
      const channel = email ? 'email' : 'sms';
      const topic = 'account.contact_changed';
      out.push({ ...base, topic, channel, to: now, text: `This ${what} is now the one on your account.` });
      if (previous && previous !== now) {
        const shown = email ? maskEmail(now) : maskPhone(now);
        out.push({
          ...base,
          topic,
          channel,
          to: previous,
          text: `The ${what} on your account was changed to ${shown}. If you did not do this, your account may be in someone else's hands.`,
        });
      }
    }
  }
  return out;
}

/** Queues the batch's event notices, each with its own link, in two statements (none for most batches). */
export async function queueEventNotices(
  tx: Tx,
  events: IngestEvent[],
  accountIds: Map<string, string>,
  stored: Contacts,
): Promise<void> {
  const queued = noticesOf(events, accountIds, stored);
  if (queued.length === 0) return;
  const links = queued.map((q) =>
    newReportLink({ accountId: q.accountId, eventIds: [q.eventId], category: 'other', source: 'notice' }),
  );
  await tx.insert(reportLinks).values(links.map((l) => l.row));
  await tx.insert(outbox).values(
    queued.map((q, i) => ({
      kind: 'notice' as const,
      accountId: q.accountId,
      topic: q.topic,
      payload: {
        channel: q.channel,
        to: q.to,
        text: q.text + notMe(links[i]!.url),
        accountId: q.externalId,
        reportUrl: links[i]!.url,
      },
    })),
  );
}
