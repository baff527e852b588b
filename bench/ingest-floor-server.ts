/*
 * The server behind `npm run bench:ingest-floor`: the ingest pipeline cut at one layer (LAYER), behind a
 * bare node:http server (no Next, no key check, no rate limit), so the benchmark can show what each layer
 * of the contract costs on this machine. Never part of Vigil itself.
 */
import { createServer } from 'node:http';
import { sql } from 'drizzle-orm';
import { accountIdFor } from '@/db/account-id';
import { openPostgres } from '@/db/client';
import type { IngestEvent } from '@/lib/ingest/event-schema';
import { ingestBatch } from '@/lib/ingest/ingest-batch';
import { POST as ingestRoute } from '@/app/api/v1/events/route';
import { setDatabaseForTests } from '@/lib/database';
import { rollupUpserts } from '@/lib/ingest/rollups';
import { ensureMonths, monthsOf } from '@/lib/retention/partitions';
import { claimNewEvents, inOneStatement, insertEvents, storeEvents } from '@/lib/ingest/store-events';
import { validateBatch } from '@/lib/ingest/validate-batch';

const floorLayers = ['parse', 'events', 'ledger', 'store', 'pipeline', 'handler'] as const;
type Layer = (typeof floorLayers)[number];

const layer = process.env.LAYER as Layer;
const { db } = openPostgres(process.env.DATABASE_URL!);

/** The batch's accounts by their derived ids, as if every account already existed. */
const derivedIds = (events: IngestEvent[]) => new Map(events.map((e) => [e.account.id, accountIdFor(e.account.id)]));

/** The layers below the route handler ('handler' goes through the route handler, which runs the pipeline itself). */
async function handle(layer: Exclude<Layer, 'handler'>, events: IngestEvent[]): Promise<number> {
  const received = new Date();
  switch (layer) {
    case 'parse':
      return events.length;
    case 'events':
      await db.execute(inOneStatement(insertEvents(events, derivedIds(events), received.toISOString())));
      return events.length;
    case 'ledger':
      // The least the contract allows: dedupe against the ledger, raw events and rollups in one transaction.
      return db.transaction(async (tx) => {
        const stored = await claimNewEvents(tx, events, received);
        if (stored.length > 0)
          await tx.execute(
            inOneStatement([
              ...insertEvents(stored, derivedIds(stored), received.toISOString()),
              ...rollupUpserts(stored),
            ]),
          );
        return stored.length;
      });
    case 'store':
      // The months' partitions first, outside the transaction, as ingestBatch makes them: storeEvents left to make
      // them itself holds the partitions' advisory lock to commit, and the batches took turns (8,058 events/s).
      await ensureMonths(db, monthsOf(events.map((e) => e.occurredAt)));
      return (
        await db.transaction(async (tx) => {
          await tx.execute(sql`set local statement_timeout = 4000`);
          return storeEvents(tx, events, received, { partitionsReady: true });
        })
      ).accepted;
    case 'pipeline':
      return (await ingestBatch(db, events, received)).accepted;
  }
}

if (!floorLayers.includes(layer)) throw new Error(`LAYER must be one of ${floorLayers.join(', ')}`);
createServer((req, res) => {
  if (req.method !== 'POST') {
    res.writeHead(204).end(); // the benchmark's readiness probe
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    void (async () => {
      if (layer === 'handler') {
        // Vigil's own route handler (API key, rate limit, content type, size, JSON, schema, pipeline), without Next around it.
        const headers = new Headers(
          Object.entries(req.headers).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v] as [string, string]] : [])),
        );
        setDatabaseForTests(db);
        const response = await ingestRoute(
          new Request(`http://localhost${req.url}`, { method: 'POST', headers, body: Buffer.concat(chunks) }),
          { params: Promise.resolve({}) },
        );
        res.writeHead(response.status, { 'content-type': 'application/json' }).end(await response.text());
        return;
      }
      try {
        const events = validateBatch(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        const accepted = await handle(layer, events);
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ accepted, duplicates: events.length - accepted }));
      } catch (error) {
        console.error(error);
        res.writeHead(500).end();
      }
    })();
  });
}).listen(Number(process.env.PORT), 'localhost');
