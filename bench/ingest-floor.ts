/*
 * `npm run bench:ingest-floor` (needs DATABASE_URL, a PostgreSQL server): where the ingest API's time goes,
 * layer by layer, each against a raw COPY of the same rows measured in the same run (as bench:ingest does).
 * Each layer runs on a fresh database, behind a bare node:http server (bench/ingest-floor-server.ts), and
 * adds one part of the contract to the one before:
 *
 *   parse     read the body, JSON.parse, validate every event (no database)
 *   events    + the raw events, one statement (no ledger, no accounts, no transaction bookkeeping)
 *   ledger    + dedupe against the seen-id ledger and the rollups, in one transaction
 *   store     Vigil's storeEvents: + accounts created and kept current, activity, detection work on record
 *   pipeline  Vigil's ingestBatch: + detection after commit
 *   handler   Vigil's route handler, handleIngestRequest: + API key, rate limit, the request's checks
 *   api       the production build: + Next's request handling around the same handler
 *
 *   npm run bench:ingest-floor -- [--events 100000] [--concurrency 4] [--layers parse,events,ledger,store,pipeline,handler,api]
 */
import { spawn } from 'node:child_process';
import { systemActor } from '@/lib/testing/fixtures';
import { createApiKey } from '@/lib/api-keys/create-api-key';
import { serviceContext } from '@/lib/context';
import { benchEnvironment } from './bench-database';
import { againstCopy, fmtRate, generateEvents, postBatches } from './ingest-load';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const totalEvents = Number(arg('events', '100000'));
const concurrency = Number(arg('concurrency', '4'));
const layers = arg('layers', 'parse,events,ledger,store,pipeline,handler,api').split(',');
const port = Number(arg('port', '3493'));

async function waitForServer(url: string) {
  for (let i = 0; i < 200; i++) {
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  throw new Error(`server at ${url} did not start`);
}

async function measure(layer: string, events: ReturnType<typeof generateEvents>) {
  const env = await benchEnvironment(`floor_${layer}`, port, { VIGIL_INGEST_RATE_LIMIT: '1000000' });
  let floorServer: ReturnType<typeof spawn> | undefined;
  try {
    let url = `http://localhost:${port}/`;
    let key: string | undefined;
    if (layer === 'api') {
      await env.startServer();
      key = (
        await createApiKey(serviceContext(env.database.db, systemActor), { name: 'bench', scopes: ['events:write'] })
      ).key;
      url = `http://localhost:${port}/api/v1/events`;
    } else {
      if (layer === 'handler')
        key = (
          await createApiKey(serviceContext(env.database.db, systemActor), { name: 'bench', scopes: ['events:write'] })
        ).key;
      floorServer = spawn(process.execPath, ['--import', 'tsx', 'bench/ingest-floor-server.ts'], {
        env: { ...process.env, NODE_ENV: 'production', DATABASE_URL: env.url, PORT: String(port), LAYER: layer },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      await waitForServer(url);
    }
    const result = await againstCopy(env.url, events, layer, () => postBatches(url, events, { key, concurrency }));
    console.log(
      `${layer.padEnd(8)}  ${fmtRate(result.rate).padStart(7)} events/s  (p50 ${result.p50.toFixed(0)} ms, p99 ${result.p99.toFixed(0)} ms)  ` +
        `COPY ${fmtRate(result.copy)} (${fmtRate(result.copyBefore)} / ${fmtRate(result.copyAfter)})  ratio ${result.ratio.toFixed(2)}`,
    );
  } finally {
    floorServer?.kill('SIGKILL');
    await env.dispose();
  }
}

async function main() {
  console.log(`generating ${totalEvents.toLocaleString('en-US')} events…`);
  const events = generateEvents(totalEvents, 101);
  console.log(
    `${totalEvents.toLocaleString('en-US')} events in 1000-event batches, ${concurrency} clients; ratio = layer / COPY (bench:ingest's goal: ≥ 0.35)`,
  );
  for (const layer of layers) await measure(layer, events);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
