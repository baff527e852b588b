import { and, eq, gte, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows } from '@/db/client';
import { alertRules, alerts, alertStatuses } from '@/db/schema';
import { descNullsLast, jsonb, timestamptz } from '@/db/sql-helpers';
import { authorize, type ServiceContext } from '@/lib/context';
import { CursorTime } from '@/lib/paging/cursor';
import { parseInput } from '@/lib/validation';
import { alertColumns } from './alert-reads';
import { ApiAlert, apiEvidenceLimit } from './api-alert';

/* ---------- The machine API (GET /api/v1/alerts) ---------- */

const ApiCursor = z.tuple([CursorTime, z.uuid()]);
const encodeApiCursor = (a: { firstSeen: Date; id: string }) =>
  Buffer.from(`${a.firstSeen.toISOString()}|${a.id}`).toString('base64url');

export const AlertsApiQuery = z.object({
  accountId: z.string().min(1).max(128).optional(),
  rule: z.enum(alertRules).optional(),
  status: z.enum(alertStatuses).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  cursor: z
    .string()
    .max(200)
    .transform((raw, ctx) => {
      const parsed = ApiCursor.safeParse(Buffer.from(raw, 'base64url').toString('utf8').split('|'));
      if (!parsed.success) {
        ctx.addIssue({ code: 'custom', message: 'is not a cursor this API returned' });
        return z.NEVER;
      }
      return { firstSeen: parsed.data[0], id: parsed.data[1] };
    })
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export { ApiAlert, apiEvidenceLimit };

/** Newest `firstSeen` first (id breaks ties), keyset-paged; ids are the platform's, as sent in events. */
export async function alertsForApi(
  ctx: ServiceContext,
  params: URLSearchParams,
): Promise<{ alerts: ApiAlert[]; nextCursor: string | null }> {
  authorize(ctx, 'alerts.view');
  const { db } = ctx;
  const q = parseInput(AlertsApiQuery, Object.fromEntries([...params].filter(([k]) => k in AlertsApiQuery.shape)));
  const where: SQL[] = [];
  if (q.accountId) where.push(and(eq(alerts.subjectType, 'account'), eq(alerts.subjectId, q.accountId))!);
  if (q.rule) where.push(eq(alerts.rule, q.rule));
  if (q.status) where.push(eq(alerts.status, q.status));
  if (q.since) where.push(gte(alerts.lastSeen, timestamptz(new Date(q.since))));
  if (q.cursor) {
    const at = timestamptz(new Date(q.cursor.firstSeen));
    where.push(
      or(
        sql`${alerts.firstSeen} < ${at}`,
        and(sql`${alerts.firstSeen} = ${at}`, sql`${alerts.id} < ${q.cursor.id}::uuid`),
      )!,
    );
  }
  const rows = await db
    .select(alertColumns)
    .from(alerts)
    .where(where.length > 0 ? and(...where) : undefined)
    .orderBy(descNullsLast(alerts.firstSeen), descNullsLast(alerts.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const evidence = new Map<string, string[]>();
  if (page.length > 0) {
    const ev = await queryRows<{ alert_id: string; event_id: string }>(
      db,
      sql`select alert_id, event_id from (
            select alert_id, event_id, row_number() over (partition by alert_id order by occurred_at, event_id) as n
            from alert_evidence where alert_id in (select jsonb_array_elements_text(${jsonb(page.map((r) => r.id))})::uuid)
          ) e where n <= ${apiEvidenceLimit} order by alert_id, n`,
    );
    for (const r of ev) evidence.set(r.alert_id, [...(evidence.get(r.alert_id) ?? []), r.event_id]);
  }
  return {
    alerts: page.map((r) => ({
      id: r.id,
      rule: r.rule,
      severity: r.severity,
      status: r.status,
      subject: { type: r.subjectType, id: r.subjectId },
      firstSeen: r.firstSeen.toISOString(),
      lastSeen: r.lastSeen.toISOString(),
      hitCount: r.hitCount,
      evidence: evidence.get(r.id) ?? [],
      evidenceCount: r.evidenceCount,
    })),
    nextCursor: rows.length > q.limit ? encodeApiCursor(page.at(-1)!) : null,
  };
}
