import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows } from '@/db/client';
import { platformKey } from '@/lib/accounts/platform-key';
import { authorize, type ServiceContext } from '@/lib/context';
import { invalid, ServiceError } from '@/lib/errors';
import { parseInput } from '@/lib/validation';

/*
 * Streams for SIEMs and data tools: GET /api/v1/stream/{events|alerts|audit}. Records come oldest first in the
 * order their transactions wrote them — (tx, source, id), tx being the writing transaction's id (db/schema/
 * commit-order.ts) — and only below the oldest transaction still running: a batch that commits late has a tx
 * below that horizon only once it has committed, so a consumer that keeps its cursor never skips it, and never
 * sees a record twice. Alerts are re-emitted with their new state whenever they change (a trigger moves their tx).
 *
 * A customer's erasure is an `account.erased` record on the events and alerts streams, at the erasure's commit. It
 * names the customer by `accountRef` only — the keyed hash of the platform's id that Vigil keeps after an erasure
 * (lib/accounts/platform-key.ts), never the id itself — and every event and alert record about an account carries
 * the same `accountRef`: a consumer deletes the records with that `accountRef` it read before the erasure record.
 */

export const streamKinds = ['events', 'alerts', 'audit'] as const;
export type StreamKind = (typeof streamKinds)[number];

interface Position {
  tx: bigint;
  src: string;
  id: string;
}

const start: Position = { tx: 0n, src: '', id: '' };

interface Source {
  src: string;
  /** The id's SQL type, for comparing it with the cursor's. */
  idType: 'bigint' | 'uuid';
  /** Rows below `horizon` (one value for every source of a page) and after the cursor. */
  query: (horizon: SQL, after: SQL, limit: number) => SQL;
}

const eventRecord = (src: string) =>
  sql.raw(
    `jsonb_build_object('source', '${src}', 'account', a.external_id) || (to_jsonb(s) - 'tx' - 'id' - 'account_id')`,
  );

/**
 * Done erasures (a console request waiting for its second admin is not one; an erasure of a platform id erased again
 * later gave its key to the later one and is not read again); `accountId` is the pseudonymous id.
 */
const erasures: Source = {
  src: 'erasure',
  idType: 'uuid',
  query: (horizon, after, limit) => sql`
    select s.tx::text as tx, s.id::text as id,
           jsonb_build_object('source', 'erasure', 'type', 'account.erased', 'id', s.id, 'accountRef', s.platform_key,
                              'accountId', s.account_id, 'erasedAt', s.erased_at) as record
      from account_erasures s
     where s.status = 'erased' and s.platform_key is not null and s.tx < ${horizon} and ${after}
     order by s.tx, s.id limit ${limit}`,
};

const sources: Record<StreamKind, Source[]> = {
  events: [
    ...(['account', 'login', 'otp'] as const).map((src) => ({
      src,
      idType: 'bigint' as const,
      query: (horizon: SQL, after: SQL, limit: number) => sql`
        select s.tx::text as tx, s.id::text as id, ${eventRecord(src)} as record
          from ${sql.raw(`${src}_events`)} s join accounts a on a.id = s.account_id
         where s.tx < ${horizon} and ${after}
         order by s.tx, s.id limit ${limit}`,
    })),
    erasures,
  ],
  alerts: [
    erasures,
    {
      src: 'alert',
      idType: 'uuid',
      query: (horizon, after, limit) => sql`
        select s.tx::text as tx, s.id::text as id,
               (to_jsonb(s) - 'tx') || jsonb_build_object('account', a.external_id) as record
          from alerts s left join accounts a on a.id = s.account_id
         where s.tx < ${horizon} and ${after}
         order by s.tx, s.id limit ${limit}`,
    },
  ],
  audit: [
    {
      src: 'audit',
      idType: 'bigint',
      query: (horizon, after, limit) => sql`
        select s.tx::text as tx, s.id::text as id, to_jsonb(s) - 'tx' as record
          from audit_log s
         where s.tx < ${horizon} and ${after}
         order by s.tx, s.id limit ${limit}`,
    },
  ],
};

/** Rows of `source` after the cursor, in (tx, src, id) order: the source's own name decides ties of one tx. */
function afterCursor(source: Source, at: Position): SQL {
  const tx = sql`${at.tx.toString()}::xid8`;
  if (source.src > at.src) return sql`s.tx >= ${tx}`;
  if (source.src < at.src) return sql`s.tx > ${tx}`;
  const id = source.idType === 'uuid' ? sql`${at.id}::uuid` : sql`${at.id}::bigint`;
  return sql`(s.tx > ${tx} or (s.tx = ${tx} and s.id > ${id}))`;
}

/** A cursor: the position, and the count of retention removals when it was given out (`e`; absent in older cursors). */
export function encodeCursor(kind: StreamKind, at: Position, epoch: number): string {
  return Buffer.from(
    JSON.stringify({ v: 1, k: kind, tx: at.tx.toString(), src: at.src, id: at.id, e: epoch }),
  ).toString('base64url');
}

function decodeCursor(kind: StreamKind, cursor: string | null): Position & { epoch?: number } {
  if (!cursor) return start;
  const refused = () =>
    invalid(
      'The cursor is not one this stream gave out: pass the Vigil-Next-Cursor header of the last page as it is.',
      {
        cursor: ['not a cursor of this stream'],
      },
    );
  try {
    const parsed = z
      .object({
        v: z.literal(1),
        k: z.literal(kind),
        tx: z.string().regex(/^\d{1,20}$/),
        src: z.string().max(20),
        id: z.string().max(64),
        e: z.number().int().nonnegative().optional(),
      })
      .parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    const source = sources[kind].find((s) => s.src === parsed.src);
    if (parsed.src !== '' && !source) throw refused();
    if (source && !(source.idType === 'uuid' ? z.uuid() : z.string().regex(/^\d{1,19}$/)).safeParse(parsed.id).success)
      throw refused();
    return { tx: BigInt(parsed.tx), src: parsed.src, id: parsed.id, epoch: parsed.e };
  } catch {
    throw refused();
  }
}

const StreamQuery = z.object({
  cursor: z.string().max(400).nullable(),
  limit: z.coerce
    .number({ error: 'must be a whole number from 1 to 1000' })
    .int('must be a whole number from 1 to 1000')
    .min(1, 'must be a whole number from 1 to 1000')
    .max(1000, 'must be a whole number from 1 to 1000')
    .default(100),
});

export interface StreamPage {
  records: Record<string, unknown>[];
  /** Where the next request starts; the same cursor again when nothing new was committed. */
  nextCursor: string;
}

/** The stored row's columns as the API names fields elsewhere (`occurred_at` → `occurredAt`). */
function camelKeys(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(record).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]),
  );
}

function compare(a: Position & { idType: string }, b: Position & { idType: string }): number {
  if (a.tx !== b.tx) return a.tx < b.tx ? -1 : 1;
  if (a.src !== b.src) return a.src < b.src ? -1 : 1;
  if (a.idType === 'bigint') return BigInt(a.id) < BigInt(b.id) ? -1 : BigInt(a.id) > BigInt(b.id) ? 1 : 0;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * What retention removed from a stream (lib/retention/run-retention.ts): for each removal (a month dropped, a batch
 * of rows deleted), a number (`e`, counting removals) and the newest removed record's transaction (`tx`); `tx` at
 * the top is the newest of all. A cursor carries the count it was given out under, so it is 410 exactly when a later
 * removal took a record past it: one given out after a removal is never refused for what went before it started.
 */
export const retiredKey = (kind: StreamKind) => `stream.retired.${kind}`;

interface Retired {
  tx: bigint;
  epoch: number;
  runs: { e: number; tx: bigint }[];
}

async function retiredRecords(ctx: ServiceContext, kind: StreamKind): Promise<Retired | null> {
  const [row] = await queryRows<{ value: { tx: string; epoch?: number; runs?: { e: number; tx: string }[] } }>(
    ctx.db,
    sql`select value from settings where key = ${retiredKey(kind)}`,
  );
  if (!row) return null;
  const { tx, epoch = 0, runs = [{ e: 0, tx }] } = row.value;
  return { tx: BigInt(tx), epoch, runs: runs.map((r) => ({ e: r.e, tx: BigInt(r.tx) })) };
}

/** Whether a run after the cursor was given out removed a record past it (the consumer would never see it). */
function missedRecords(retired: Retired | null, at: Position, epoch: number | undefined): boolean {
  if (!retired) return false;
  const oldestListed = retired.runs[0]?.e ?? retired.epoch;
  // A cursor from before runs were counted, or older than the runs still listed: the newest removal decides.
  if (epoch === undefined || epoch < oldestListed - 1) return at.tx < retired.tx;
  return retired.runs.some((r) => r.e > epoch && at.tx < r.tx);
}

/** One page of a stream after `cursor` (absent: from the beginning). */
export async function readStream(
  ctx: ServiceContext,
  kind: StreamKind,
  query: { cursor: string | null; limit: string | null },
): Promise<StreamPage> {
  authorize(ctx, `stream.${kind}`);
  const input = parseInput(StreamQuery, { cursor: query.cursor, limit: query.limit ?? undefined });
  const { epoch, ...at } = decodeCursor(kind, input.cursor);
  // The count of retention's removals now: the next cursor carries it (removals after it are judged at its page).
  const epochNow = (await retiredRecords(ctx, kind))?.epoch ?? 0;
  // Every transaction below the oldest one still running has finished: what it wrote is visible now, and nothing
  // can be written below it any more. One horizon for all sources, read before them.
  const [{ horizon } = { horizon: '0' }] = await queryRows<{ horizon: string }>(
    ctx.db,
    sql`select pg_snapshot_xmin(pg_current_snapshot())::text as horizon`,
  );
  const below = sql`${horizon}::xid8`;
  const rows = (
    await Promise.all(
      sources[kind].map(async (source) =>
        (
          await queryRows<{ tx: string; id: string; record: Record<string, unknown> }>(
            ctx.db,
            source.query(below, afterCursor(source, at), input.limit),
          )
        ).map((r) => ({ tx: BigInt(r.tx), src: source.src, id: r.id, idType: source.idType, record: r.record })),
      ),
    )
  )
    .flat()
    .sort(compare)
    .slice(0, input.limit);
  // Retention removed records this cursor had not reached: reading on would skip them without a word (410). Judged
  // after the rows are read, so a removal that committed meanwhile (and hid records from this page) counts too.
  // Without a cursor the stream starts at the beginning, the oldest record kept.
  if (input.cursor && missedRecords(await retiredRecords(ctx, kind), at, epoch))
    throw new ServiceError(
      'gone',
      `This cursor is older than what the ${kind} stream still holds: retention removed records it had not reached. Start again without a cursor (from the oldest record kept).`,
      { reason: 'cursor_expired' },
    );
  const last = rows.at(-1);
  // The account's reference, as an erasure record would name it (one HMAC per account of the page).
  const refs = new Map<string, string>();
  const accountRef = (account: unknown) => {
    if (typeof account !== 'string') return {};
    if (!refs.has(account)) refs.set(account, platformKey(account));
    return { accountRef: refs.get(account) };
  };
  return {
    records: rows.map((r) => ({ stream: kind, ...camelKeys(r.record), ...accountRef(r.record.account) })),
    nextCursor: encodeCursor(kind, last ? { tx: last.tx, src: last.src, id: last.id } : at, epochNow),
  };
}
