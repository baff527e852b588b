/**
 * Vigil's production HTTP server (started by `npm start`): Next's request handler behind node:http
 * (scripts/http-server.ts), so that what the application sees as the client's address comes from the
 * connection. X-Forwarded-For is believed only from the proxies in VIGIL_TRUSTED_PROXIES; from anyone else
 * it is replaced by the peer's address (`next start` would keep whatever a client sent, letting it dodge the
 * per-IP limits). On SIGTERM or SIGINT it drains and stops gracefully (see `stop` below).
 */
import next from 'next';
import { withDirectRoutes } from '../app/_adapters/direct-routes';
import { Admission, withPageAdmission } from '../app/_adapters/page-admission';
import { trustedProxiesWarning, trustedProxyList } from '../app/_adapters/forwarded-for';
import { stopBackgroundLoops } from '../lib/background/loop';
import { closeDatabase } from '../lib/database';
import { detectionIdle } from '../lib/detection/queue';
import { env } from '../lib/env';
import { log } from '../lib/log/logger';
import { loadEnvFiles } from './env-files';
import { createVigilServer, shutDown } from './http-server';

/** Resolves when `work` does or after `ms`, whichever comes first. */
function atMost(work: Promise<unknown>, ms: number): Promise<unknown> {
  return Promise.race([work, new Promise((resolve) => setTimeout(resolve, ms).unref())]);
}

async function main() {
  loadEnvFiles(); // as Next will for its routes, so that this file and they read the same configuration
  const e = env();
  const { PORT: port, VIGIL_HOST: hostname, VIGIL_SHUTDOWN_GRACE_MS: graceMs } = e;
  const app = next({ dev: false, dir: process.cwd(), hostname, port });
  const handle = app.getRequestHandler();
  await app.prepare();
  const server = createVigilServer({
    // The platform's hot path is answered by the same route without Next in between (direct-routes.ts),
    // and pages render a few at a time (page-admission.ts).
    handle: withDirectRoutes(
      withPageAdmission(
        handle,
        new Admission({
          maxInFlight: e.VIGIL_PAGE_MAX_IN_FLIGHT,
          maxQueued: e.VIGIL_PAGE_MAX_QUEUED,
          maxWaitMs: e.VIGIL_PAGE_MAX_WAIT_MS,
        }),
      ),
    ),
    trustedProxies: trustedProxyList(e.VIGIL_TRUSTED_PROXIES),
    requestTimeoutMs: e.VIGIL_REQUEST_TIMEOUT_MS,
  });
  server.listen(port, hostname, () => console.log(`▲ Vigil listening on http://${hostname}:${port}`));
  const warning = trustedProxiesWarning(hostname, e.VIGIL_TRUSTED_PROXIES);
  if (warning) log.warn(warning, { host: hostname });

  /*
   * Stop: /api/health answers 503 so load balancers move away, no new connections, requests in flight finish
   * (up to VIGIL_SHUTDOWN_GRACE_MS), then the background loops of instrumentation.ts finish their pass and
   * stop, detection started by the last batches finishes (its work is also in the backlog, for another server),
   * and the database pool closes. A second signal (a terminal sends SIGINT to the whole group) changes nothing.
   */
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal, graceMs });
    setTimeout(
      () => {
        log.error('shutdown did not finish in time; exiting', { graceMs });
        process.exit(1);
      },
      graceMs * 2 + 15_000,
    ).unref();
    const report = await shutDown(server, {
      graceMs,
      steps: [
        { name: 'background loops', run: stopBackgroundLoops },
        { name: 'detection runs', run: () => atMost(detectionIdle(), graceMs) },
        { name: 'database', run: closeDatabase },
      ],
    });
    log.info('stopped', { drained: report.drained, steps: report.steps });
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop(signal));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
