/**
 * Vigil's production HTTP server (started by `npm start`): Next's request handler behind node:http, so
 * that what the application sees as the client's address comes from the connection. X-Forwarded-For is
 * believed only from the proxies in VIGIL_TRUSTED_PROXIES; from anyone else it is replaced by the peer's
 * address (`next start` would keep whatever a client sent, letting it dodge the per-IP limits).
 */
import { createServer } from 'node:http';
import next from 'next';
import { forwardedFor, trustedProxyList } from '../app/_adapters/forwarded-for';

async function main() {
  const port = Number(process.env.PORT ?? 3000);
  const hostname = process.env.VIGIL_HOST ?? 'localhost';
  const trusted = trustedProxyList(process.env.VIGIL_TRUSTED_PROXIES ?? '');
  const app = next({ dev: false, dir: process.cwd(), hostname, port });
  const handle = app.getRequestHandler();
  await app.prepare();
  const server = createServer((req, res) => {
    const xff = forwardedFor(req.headers['x-forwarded-for'], req.socket.remoteAddress, trusted);
    if (xff) req.headers['x-forwarded-for'] = xff;
    else delete req.headers['x-forwarded-for'];
    void handle(req, res);
  });
  server.listen(port, hostname, () => console.log(`▲ Vigil listening on http://${hostname}:${port}`));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      server.close(() => process.exit(0));
      setTimeout(() => process.exit(0), 5000).unref();
    });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
