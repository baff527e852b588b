/*
 * `npm run bench:ingest-pair -- --database NAME` (needs DATABASE_URL, a PostgreSQL server): the ingest ratio of
 * `bench:scale` on a store it kept (`--keep`), without loading one again. Starts a production server on database NAME
 * and another on a new small database beside it (dropped at the end), warms both, then posts the same 100,000 events
 * into each in turn (interleavedIngest: big, small, small, big, big, small, each once neither server has detection work
 * left) and prints the rates and their ratio (goal ≥ 0.8).
 *
 * --end dates every round's events in the 7 days before that instant (default: now), to time a kept store at another
 * point of its partitions (a month's last days, say: docs/data-lifecycle.md, session 26).
 *
 *   npm run bench:ingest-pair -- --database vigil_bench_scale_1234 [--port 3495] [--end 2026-11-30T23:00:00Z]
 */
import { openPostgres, type Db } from '@/db/client';
import { createApiKey } from '@/lib/api-keys/create-api-key';
import { serviceContext } from '@/lib/context';
import { systemActor } from '@/lib/testing/fixtures';
import { benchEnvironment, serverOnDatabase } from './bench-database';
import { generateEvents, ingestRate, interleavedIngest, interleavedLine } from './ingest-load';

const flag = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const name = flag('database');
const port = Number(flag('port') ?? 3495);
const end = flag('end') ? new Date(flag('end')!) : new Date();

async function main() {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl || !name) throw new Error('usage: DATABASE_URL=… npm run bench:ingest-pair -- --database NAME');
  if (Number.isNaN(end.getTime())) throw new Error(`--end: not an instant (${flag('end')})`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const big = openPostgres(url.toString());
  const small = await benchEnvironment('ingest_pair_small', port + 1);
  const server = await serverOnDatabase(url.toString(), port, `ingest-pair-${name}`);
  try {
    await small.startServer();
    const target = async (db: Db, at: number) => ({
      url: `http://localhost:${at}/api/v1/events`,
      key: (await createApiKey(serviceContext(db, systemActor), { name: 'bench', scopes: ['events:write'] })).key,
      db,
    });
    const bigStore = await target(big.db, port);
    const smallStore = await target(small.database.db, port + 1);
    // Events no earlier run stored (a kept store holds bench:scale's seeds and every earlier pair's): seeds from the clock.
    const seed = 1000 + (Math.floor(Date.now() / 1000) % 1_000_000) * 4;
    // Each server's first run is a warm-up (its code compiled, its pools filled), the same events into both.
    const warmUp = generateEvents(100_000, seed, end);
    for (const store of [bigStore, smallStore]) await ingestRate(store, warmUp, [bigStore, smallStore]);
    console.log(
      `${name} (seeds ${seed}–${seed + 3}, events to ${end.toISOString()}): ${interleavedLine(await interleavedIngest(bigStore, smallStore, seed + 1, end))}`,
    );
  } finally {
    if (server.pid) process.kill(-server.pid, 'SIGTERM');
    await big.close();
    await small.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
