/*
 * `npm run bench:first-load` (needs DATABASE_URL, a PostgreSQL server): the first-load JavaScript of every console
 * page, gzip, as Chromium loads it cold. Next 16's build no longer prints it. Runs a production build on a scratch
 * database with the demo data, signs in as the demo admin (every page is theirs; the first sign-in enrols an
 * authenticator app, as e2e/helpers.ts does), then opens each page in a new browser context with the cache off.
 *
 * First load: the scripts the HTML asks for (Chromium's initiator "parser"), all needed before the page hydrates.
 * Lazy: scripts a script asked for until the network has been quiet for 2 s (`next/dynamic` chunks and the like);
 * printed beside, not in the goal. Sizes are the bytes of the response body on the wire with gzip (the server
 * compresses); a script that came another way is counted as zlib's gzip of its body, and the output says so.
 * KB = 1000 bytes, as `next build` printed it. Goal: ≤ 200 KB on every page.
 *
 *   npm run bench:first-load -- [--port N] [--scripts]   (--scripts: each script too, wire bytes and zlib's gzip)
 */
import fs from 'node:fs';
import net from 'node:net';
import zlib from 'node:zlib';
import { chromium, type Browser, type BrowserContext } from '@playwright/test';
import { sql } from 'drizzle-orm';
import * as OTPAuth from 'otpauth';
import { queryRows } from '@/db/client';
import { demoStaff, demoStaffPassword } from '@/lib/demo/seed-demo';
import { benchEnvironment } from './bench-database';

const goalKb = 200;
const dayMs = 86_400_000;
const quietMs = 2000;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const portArg = process.argv.indexOf('--port');
const listScripts = process.argv.includes('--scripts');

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

/** The admin's first sign-in: password, then an authenticator app enrolled from its setup key. */
async function signInAsAdmin(browser: Browser, baseURL: string): Promise<StorageState> {
  const admin = demoStaff.find((s) => s.role === 'admin')!;
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByLabel('Email').fill(admin.email);
  await page.getByLabel('Password').fill(demoStaffPassword);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL(/\/login\/second-factor/);
  await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
  const setupKey = (await page.getByTestId('totp-setup-key').textContent())?.trim() ?? '';
  const code = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(setupKey), period: 30 }).generate();
  await page.getByLabel('Enter the 6-digit code the app shows').fill(code);
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.getByRole('link', { name: 'Continue to Vigil' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  const state = await context.storageState();
  await context.close();
  return state;
}

interface ScriptLoad {
  url: string;
  fromHtml: boolean;
  encoding?: string;
  headerBytes?: number;
  totalBytes?: number;
  gzipBytes?: number;
  zlibBytes?: number;
}

interface PageLoad {
  firstLoad: number;
  lazy: number;
  scripts: ScriptLoad[];
  /** Scripts the server sent without gzip (their size is zlib's gzip of the body). */
  notGzipped: number;
}

/** One cold load: a new context, the cache off; scripts counted until the network is quiet. */
async function coldLoad(browser: Browser, baseURL: string, path: string, storageState: StorageState) {
  const context = await browser.newContext({ baseURL, storageState });
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    const requests = new Map<string, ScriptLoad>();
    const scripts = new Map<string, ScriptLoad>();
    // Network idle as Playwright has it (500 ms) can come before a hydrated page asks for its data and charts on a
    // busy machine: here the network has to be quiet for 2 s.
    const inFlight = new Set<string>();
    let lastActivity = Date.now();
    const settled = (id: string) => {
      inFlight.delete(id);
      lastActivity = Date.now();
    };
    cdp.on('Network.requestWillBeSent', (e) => {
      inFlight.add(e.requestId);
      lastActivity = Date.now();
      requests.set(e.requestId, { url: e.request.url, fromHtml: e.initiator.type === 'parser' });
    });
    cdp.on('Network.loadingFailed', (e) => settled(e.requestId));
    cdp.on('Network.responseReceived', (e) => {
      const load = requests.get(e.requestId);
      if (!load || e.type !== 'Script') return;
      const headers = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
      load.encoding = headers['content-encoding'];
      load.headerBytes = e.response.encodedDataLength;
      scripts.set(e.requestId, load);
    });
    cdp.on('Network.loadingFinished', (e) => {
      settled(e.requestId);
      const load = scripts.get(e.requestId);
      if (load) load.totalBytes = e.encodedDataLength;
    });
    const response = await page.goto(path, { waitUntil: 'load' });
    for (const start = Date.now(); inFlight.size > 0 || Date.now() - lastActivity < quietMs;) {
      if (Date.now() - start > 60_000) throw new Error(`${path}: the network was not quiet within a minute`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const landed = new URL(page.url());
    if (response?.status() !== 200 || landed.pathname !== new URL(path, baseURL).pathname)
      throw new Error(`${path} answered ${response?.status()} at ${landed.pathname}: not the page to measure`);

    for (const [id, load] of scripts) {
      if (load.totalBytes === undefined) throw new Error(`${load.url} did not finish loading`);
      if (load.encoding !== 'gzip' || listScripts) {
        const { body, base64Encoded } = await cdp.send('Network.getResponseBody', { requestId: id });
        load.zlibBytes = zlib.gzipSync(Buffer.from(body, base64Encoded ? 'base64' : 'utf8')).length;
      }
      load.gzipBytes = load.encoding === 'gzip' ? load.totalBytes - (load.headerBytes ?? 0) : load.zlibBytes;
    }
    const all = [...scripts.values()];
    const sum = (xs: ScriptLoad[]) => xs.reduce((n, s) => n + s.gzipBytes!, 0);
    return {
      firstLoad: sum(all.filter((s) => s.fromHtml)),
      lazy: sum(all.filter((s) => !s.fromHtml)),
      scripts: all,
      notGzipped: all.filter((s) => s.encoding !== 'gzip').length,
    } satisfies PageLoad;
  } finally {
    await context.close();
  }
}

/** Every console page (app/(console)/), with a real id where the path has one. */
async function consolePages(env: Awaited<ReturnType<typeof benchEnvironment>>) {
  const first = async (query: ReturnType<typeof sql>, what: string) => {
    const [row] = await queryRows<{ id: string }>(env.database.db, query);
    if (!row) throw new Error(`the demo data has no ${what}`);
    return row.id;
  };
  const alert = await first(sql`select id from alerts order by detected_at desc limit 1`, 'alert');
  const report = await first(sql`select id from fraud_reports order by created_at desc limit 1`, 'report');
  const account = await first(sql`select id from accounts order by first_event_at limit 1`, 'account');
  const externalId = await first(sql`select external_id as id from accounts where id = ${account}`, 'account');
  const yesterday = new Date(Math.floor(Date.now() / dayMs) * dayMs - dayMs);
  const bucket = { from: yesterday.toISOString(), to: new Date(yesterday.getTime() + dayMs).toISOString() };
  return [
    ['/', '/'],
    ['/alerts', '/alerts'],
    ['/alerts/[id]', `/alerts/${alert}`],
    ['/alerts/rules', '/alerts/rules'],
    ['/reports', '/reports'],
    ['/reports/[id]', `/reports/${report}`],
    ['/reports/campaigns', '/reports/campaigns'],
    ['/accounts', '/accounts'],
    ['/accounts?q=', `/accounts?q=${externalId}`],
    ['/accounts/[id]', `/accounts/${account}`],
    ['/analytics', '/analytics'],
    ['/analytics/events', `/analytics/events?${new URLSearchParams({ ...bucket, kind: 'issued' }).toString()}`],
    ['/analytics/logins', `/analytics/logins?${new URLSearchParams({ ...bucket, outcome: 'failed' }).toString()}`],
    ['/audit', '/audit'],
    ['/admin/staff', '/admin/staff'],
    ['/admin/api-keys', '/admin/api-keys'],
    ['/admin/webhooks', '/admin/webhooks'],
    ['/admin/notifications', '/admin/notifications'],
    ['/security', '/security'],
  ] as const;
}

const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;

async function main() {
  const port = portArg > 0 ? Number(process.argv[portArg + 1]) : await freePort();
  const baseURL = `http://localhost:${port}`;
  const env = await benchEnvironment('bench_first_load', port, { VIGIL_DEMO: '1' });
  let browser: Browser | undefined;
  try {
    console.log('starting a production server on a scratch database with the demo data…');
    await env.startServer();
    const pages = await consolePages(env);
    browser = await chromium.launch({
      executablePath: fs.existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'],
    });
    const state = await signInAsAdmin(browser, baseURL);

    console.log(`\n${'route'.padEnd(24)}first-load-js-gzip   (lazy after load)`);
    const results: { route: string; load: PageLoad }[] = [];
    for (const [route, path] of pages) {
      const load = await coldLoad(browser, baseURL, path, state);
      results.push({ route, load });
      console.log(
        `${route.padEnd(24)}${kb(load.firstLoad).padStart(10)}           (+ ${kb(load.lazy)} lazy, ${load.scripts.length} scripts)`,
      );
      if (listScripts)
        for (const s of load.scripts)
          console.log(
            `    ${s.fromHtml ? 'html' : 'lazy'} ${kb(s.gzipBytes!).padStart(9)} (zlib ${kb(s.zlibBytes!)}, ${s.encoding ?? 'identity'}) ${new URL(s.url).pathname}`,
          );
    }
    const notGzipped = results.reduce((n, r) => n + r.load.notGzipped, 0);
    if (notGzipped > 0)
      console.log(
        `\nnote: ${notGzipped} scripts came without gzip (Next compresses bodies of 1 KB and more); counted as zlib's gzip of their body.`,
      );
    const max = results.reduce((a, b) => (b.load.firstLoad > a.load.firstLoad ? b : a));
    const over = results.filter((r) => r.load.firstLoad > goalKb * 1000);
    console.log(
      `\nmax first-load JS ${kb(max.load.firstLoad)} (${max.route}); every route ≤ ${goalKb} KB: ` +
        (over.length === 0 ? 'yes' : `no (${over.length} over: ${over.map((r) => r.route).join(', ')})`),
    );
  } finally {
    await browser?.close();
    await env.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
