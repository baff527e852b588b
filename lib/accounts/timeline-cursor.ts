import { sql, type AnyColumn, type SQL } from 'drizzle-orm';

type Expr = AnyColumn | SQL;
import { z } from 'zod';

/**
 * What an account's timeline merges, in tie order: at the same instant a later kind sorts first (newest
 * first), so a notice or an alert shows above the change that caused it.
 */
export const timelineKinds = ['login', 'code', 'change', 'staff', 'alert', 'report', 'notice'] as const;
export type TimelineKind = (typeof timelineKinds)[number];

const rank = (kind: TimelineKind) => timelineKinds.indexOf(kind);
/** Kinds whose rows are keyed by a uuid; the others by a bigint identity. */
const uuidKinds: readonly TimelineKind[] = ['alert', 'report'];

/**
 * A row's place in the timeline: (time, kind, id), newest first. `at` is the time to the microsecond as
 * PostgreSQL holds it (audit, outbox, alert and report times come from now()), so a cursor never lands
 * between two rows a JS Date (milliseconds) could not tell apart.
 */
export interface TimelineKey {
  at: string;
  kind: TimelineKind;
  id: string;
}

/** The time as fixed-width UTC text with microseconds: sorts as text exactly as the timestamps do. */
export function exactTime(column: Expr): SQL<string> {
  return sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

const KeyParts = z.tuple([
  z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/),
  z.enum(timelineKinds),
  z.string().max(40),
]);

export function encodeTimelineCursor(key: TimelineKey): string {
  return Buffer.from(`${key.at}|${key.kind}|${key.id}`).toString('base64url');
}

/** A malformed cursor is no cursor (the newest page), never an error. */
export function decodeTimelineCursor(raw: string | null | undefined): TimelineKey | null {
  if (!raw || raw.length > 200) return null;
  const parsed = KeyParts.safeParse(Buffer.from(raw, 'base64url').toString('utf8').split('|'));
  if (!parsed.success) return null;
  const [at, kind, id] = parsed.data;
  const idOk = uuidKinds.includes(kind) ? z.uuid().safeParse(id).success : /^\d{1,18}$/.test(id);
  if (!idOk || Number.isNaN(Date.parse(at)) || at < '1970' || at >= '9999') return null;
  return { at, kind, id };
}

function compareIds(a: string, b: string): number {
  // bigint ids compare as numbers (length first), uuids as PostgreSQL compares them (their lowercase hex).
  if (/^\d+$/.test(a) && /^\d+$/.test(b) && a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Ascending order of timeline keys; the timeline reads it backwards (newest first). */
export function compareKeys(a: TimelineKey, b: TimelineKey): number {
  if (a.at !== b.at) return a.at < b.at ? -1 : 1;
  if (a.kind !== b.kind) return rank(a.kind) - rank(b.kind);
  return compareIds(a.id, b.id);
}

/**
 * The keyset condition of one source (one kind): its rows past the cursor in the reading direction. A
 * source holds a single kind, so the kind part of the key decides, before the query, whether rows at the
 * cursor's own time are in (`<=`), out (`<`) or split by id: each source stays one index range scan.
 */
export function pastCursor(
  kind: TimelineKind,
  columns: { time: Expr; id: Expr },
  cursor: TimelineKey | null,
  order: 'asc' | 'desc',
): SQL | undefined {
  if (!cursor) return undefined;
  const at = sql`${cursor.at}::timestamptz`;
  const byKind = rank(kind) - rank(cursor.kind);
  if (order === 'desc') {
    if (byKind < 0) return sql`${columns.time} <= ${at}`;
    if (byKind > 0) return sql`${columns.time} < ${at}`;
  } else {
    if (byKind > 0) return sql`${columns.time} >= ${at}`;
    if (byKind < 0) return sql`${columns.time} > ${at}`;
  }
  const id = uuidKinds.includes(kind) ? sql`${cursor.id}::uuid` : sql`${cursor.id}::bigint`;
  return order === 'desc'
    ? sql`(${columns.time}, ${columns.id}) < (${at}, ${id})`
    : sql`(${columns.time}, ${columns.id}) > (${at}, ${id})`;
}
