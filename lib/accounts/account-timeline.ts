import { and, eq, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import { alertEvidence, alerts, fraudReports, reportEvidence } from '@/db/schema';
import { arrayOf } from '@/db/sql-helpers';
import { can } from '@/lib/auth/permissions';
import { authorize, type ServiceContext } from '@/lib/context';
import { notFound } from '@/lib/errors';
import { rules } from '@/lib/detection/rules';
import type { Page, PageDirection } from '@/lib/paging/cursor';
import { contactsFor } from './accounts';
import {
  compareKeys,
  decodeTimelineCursor,
  encodeTimelineCursor,
  timelineKinds,
  type TimelineKind,
} from './timeline-cursor';
import type { TimelineItem } from './timeline-items';
import { sources } from './timeline-sources';

export { timelineKinds, type TimelineKind };
export type * from './timeline-items';

export const timelinePageSize = 25;

const day = z.iso.date().refine((d) => d >= '1970-01-01' && d <= '9999-12-31', 'must be a date from 1970 on');
const Kinds = z.preprocess(
  (v) => (Array.isArray(v) ? v : [v]).flatMap((k: unknown) => (typeof k === 'string' ? k.split(',') : [k])),
  z.array(z.enum(timelineKinds)).min(1).max(timelineKinds.length),
);

/** Filters arrive from the URL: `kind` (repeated or comma-separated), `from` and `to` (UTC days, inclusive). */
export const TimelineFilter = z.object({ kind: Kinds.optional(), from: day.optional(), to: day.optional() });
export type TimelineFilter = z.infer<typeof TimelineFilter>;

/** Keeps the valid filters and names the invalid ones: a bad value in a shared link is dropped, never a 500. */
export function parseTimelineFilter(raw: Record<string, unknown>): { filter: TimelineFilter; ignored: string[] } {
  const filter: TimelineFilter = {};
  const ignored: string[] = [];
  for (const key of ['kind', 'from', 'to'] as const) {
    const value = raw[key];
    if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) continue;
    const parsed = TimelineFilter.shape[key].safeParse(value);
    if (parsed.success) Object.assign(filter, { [key]: parsed.data });
    else ignored.push(key);
  }
  return { filter, ignored };
}

/** The kinds a role may see: alerts and reports only with their own view permission. */
function visibleKinds(ctx: ServiceContext, wanted: readonly TimelineKind[] | undefined): TimelineKind[] {
  return timelineKinds.filter(
    (k) =>
      (!wanted || wanted.includes(k)) &&
      (k !== 'alert' || can(ctx.actor, 'alerts.view')) &&
      (k !== 'report' || can(ctx.actor, 'reports.view')),
  );
}

/**
 * One account's history in one list, newest first: logins, codes (one row per code, with its events),
 * account changes, staff actions, alerts, fraud reports and notices. Keyset-paged by (time, kind, id): each
 * source is asked for at most a page and one more row past the cursor, and the answers are merged here, so a
 * deep page costs what the first does. Contacts are masked for roles that see them masked.
 */
export async function accountTimeline(
  ctx: ServiceContext,
  accountId: string,
  filter: TimelineFilter = {},
  direction: PageDirection = {},
  limit = timelinePageSize,
): Promise<Page<TimelineItem>> {
  authorize(ctx, 'accounts.view');
  if (!z.uuid().safeParse(accountId).success) throw notFound('Account not found');
  const before = decodeTimelineCursor(direction.before);
  const cursor = before ?? decodeTimelineCursor(direction.after);
  const order = before ? 'asc' : 'desc';
  const contact = contactsFor(ctx.actor);
  const query = {
    db: ctx.db,
    accountId,
    cursor,
    order,
    limit: limit + 1,
    from: filter.from ? new Date(`${filter.from}T00:00:00Z`) : null,
    to: filter.to ? new Date(Date.parse(`${filter.to}T00:00:00Z`) + 86_400_000) : null,
    contact: (field: 'email' | 'phone', value: string | null) => contact[field](value),
  } as const;
  const kinds = visibleKinds(ctx, filter.kind);
  const batches = await Promise.all(kinds.map((k) => sources[k](query)));
  const merged = batches.flat().sort((a, b) => (order === 'desc' ? compareKeys(b, a) : compareKeys(a, b)));
  const more = merged.length > limit;
  const page = merged.slice(0, limit);
  if (order === 'asc') page.reverse();
  await attachEvidence(ctx, accountId, page);
  const edge = (item: TimelineItem | undefined) => (item ? encodeTimelineCursor(item) : null);
  return before
    ? { items: page, newer: more ? edge(page[0]) : null, older: edge(page.at(-1)) }
    : { items: page, older: more ? edge(page.at(-1)) : null, newer: cursor ? edge(page[0]) : null };
}

/** Marks the rows whose event is evidence of one of the account's alerts or reports: two queries a page. */
async function attachEvidence(ctx: ServiceContext, accountId: string, items: TimelineItem[]): Promise<void> {
  const byEvent = new Map<string, TimelineItem>();
  for (const item of items) {
    if (item.kind === 'login' || item.kind === 'change') byEvent.set(item.eventId, item);
    if (item.kind === 'code') for (const e of item.events) byEvent.set(e.eventId, item);
  }
  if (byEvent.size === 0) return;
  const eventIds = arrayOf([...byEvent.keys()]);
  const [alertLinks, reportLinks] = await Promise.all([
    can(ctx.actor, 'alerts.view')
      ? ctx.db
          .select({ eventId: alertEvidence.eventId, id: alerts.id, rule: alerts.rule })
          .from(alerts)
          .innerJoin(alertEvidence, eq(alertEvidence.alertId, alerts.id))
          .where(and(eq(alerts.accountId, accountId), sql`${alertEvidence.eventId} = any(${eventIds})`))
      : [],
    can(ctx.actor, 'reports.view')
      ? ctx.db
          .select({ eventId: reportEvidence.refId, id: fraudReports.id, reference: fraudReports.reference })
          .from(fraudReports)
          .innerJoin(reportEvidence, eq(reportEvidence.reportId, fraudReports.id))
          .where(
            and(
              eq(fraudReports.accountId, accountId),
              ne(reportEvidence.kind, 'alert'),
              sql`${reportEvidence.refId} = any(${eventIds})`,
            ),
          )
      : [],
  ]);
  const links = [
    ...alertLinks.map((l) => ({ eventId: l.eventId, type: 'alert' as const, id: l.id, label: rules[l.rule].title })),
    ...reportLinks.map((l) => ({ eventId: l.eventId, type: 'report' as const, id: l.id, label: l.reference })),
  ];
  for (const { eventId, ...link } of links) {
    const item = byEvent.get(eventId);
    if (item && !item.evidenceFor.some((e) => e.type === link.type && e.id === link.id)) item.evidenceFor.push(link);
  }
}
