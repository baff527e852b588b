/*
 * `npm run bench:ingest` (needs DATABASE_URL, a PostgreSQL server): posts realistic batches of 1000 events
 * over HTTP to a production build and compares the rate with a raw COPY of the same rows over one
 * connection into scratch tables created LIKE the event tables INCLUDING ALL, in the same run.
 * Then it loads the store with 10 million OTP events (bulk path) and repeats, to show the rate holds.
 *
 *   npm run bench:ingest -- [--events 500000] [--concurrency 4] [--big-store 10000000 | --big-store 0]
 */
import { systemActor } from '@/lib/testing/fixtures';
import { bulkSeedEvents } from '@/lib/demo/bulk-events';
import { createApiKey } from '@/lib/api-keys/create-api-key';
import { serviceContext } from '@/lib/context';
import { benchEnvironment } from './bench-database';
import { againstCopy, fmtRate, generateEvents, postBatches } from './ingest-load';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const totalEvents = arg('events', 500_000);
const concurrency = arg('concurrency', 4);
const bigStore = arg('big-store', 10_000_000);
const port = arg('port', 3490);

async function main() {
  const env = await benchEnvironment('bench_ingest', port, { VIGIL_INGEST_RATE_LIMIT: '1000000' });
  try {
    await env.startServer();
    const { key } = await createApiKey(serviceContext(env.database.db, systemActor), {
      name: 'bench',
      scopes: ['events:write'],
    });
    console.log(`generating ${totalEvents.toLocaleString('en-US')} events…`);
    const phase = async (label: string, seed: number) => {
      const events = generateEvents(totalEvents, seed);
      const api = await againstCopy(env.url, events, label.replace(/\W/g, '_'), () =>
        postBatches(`http://localhost:${port}/api/v1/events`, events, { key, concurrency }),
      );
      console.log(
        `${label}: API ${fmtRate(api.rate)} events/s (p50 ${api.p50.toFixed(0)} ms, p99 ${api.p99.toFixed(0)} ms per 1000-event batch, ${concurrency} clients); ` +
          `COPY ${fmtRate(api.copy)} events/s (before ${fmtRate(api.copyBefore)}, after ${fmtRate(api.copyAfter)}); ratio API/COPY = ${api.ratio.toFixed(2)} (goal ≥ 0.35; ≥ 0.2 on a 2-core machine, #17)`,
      );
      return { api: api.rate, copy: api.copy };
    };
    const empty = await phase('empty store', 101);
    if (bigStore > 0) {
      console.log(`loading ${bigStore.toLocaleString('en-US')} OTP events (bulk path)…`);
      await bulkSeedEvents(env.database, {
        kind: 'otp',
        events: bigStore,
        accounts: 100_000,
        days: 90,
        seed: 202,
        end: new Date(),
      });
      const big = await phase(`store with ${bigStore.toLocaleString('en-US')} events`, 303);
      // The two phases run minutes apart, and this machine's speed drifts: COPY into an empty scratch table
      // does not depend on the store's size, so its change between the phases shows the drift.
      console.log(
        `rate with a full store / empty store = ${(big.api / empty.api).toFixed(2)} (goal ≥ 0.8); ` +
          `COPY in the same phases: ${(big.copy / empty.copy).toFixed(2)}; the API's ratio to COPY, full / empty = ${(big.api / big.copy / (empty.api / empty.copy)).toFixed(2)}`,
      );
    }
  } finally {
    await env.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
