import net from 'node:net';
import fc from 'fast-check';
import { percentile, type Answer } from './load';

/*
 * The chaos suite's hostile traffic: fuzzed bodies and queries across the public and API routes (fast-check's
 * arbitraries mutate valid requests), and raw sockets that send slowly, stop half-way or lie about their length.
 */

export interface FuzzTarget {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  /** A JSON text, or nothing for GET. */
  body?: string;
  /** Ids this request would store if it were taken (event ids, report tokens). */
  marks: string[];
}

const weird = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.string({ maxLength: 300 }),
  fc.constantFrom(null, true, -1, 1e308, '', '__proto__', '../../etc/passwd', '<script>', '\u0000', '𝒱'.repeat(50)),
);

/** Choices for the mutations, seeded so a run can be repeated (mulberry32). */
interface Rnd {
  nextInt(min: number, max: number): number;
}
function seeded(seed: number): Rnd {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { nextInt: (min, max) => min + Math.floor(next() * (max - min + 1)) };
}
const odd = (rnd: Rnd) => fc.sample(weird, { numRuns: 1, seed: rnd.nextInt(0, 2 ** 31 - 1) })[0];

/** A valid value with one path replaced by something odd (or removed), as a fuzzer of a schema would. */
function mutate(valid: Record<string, unknown>, rnd: Rnd): unknown {
  const keys = Object.keys(valid);
  const copy: Record<string, unknown> = { ...valid };
  const key = keys[rnd.nextInt(0, keys.length - 1)]!;
  const choice = rnd.nextInt(0, 4);
  if (choice === 0) delete copy[key];
  else if (choice === 1) copy[key] = odd(rnd);
  else if (choice === 2) copy[`x${rnd.nextInt(0, 9)}`] = odd(rnd);
  else if (choice === 3) return odd(rnd);
  else copy[key] = JSON.stringify(valid[key]);
  return copy;
}

/** `count` fuzzed requests over events, reports, report status, the security API, metrics and alerts. */
export function fuzzRequests(count: number, keys: { ingest: string; read: string }, seed = 42): FuzzTarget[] {
  const out: FuzzTarget[] = [];
  const r = seeded(seed);
  for (let i = 0; i < count; i++) {
    const mark = `fz${seed}_${i}`;
    const bearer = (k: string) => ({ authorization: `Bearer ${k}` });
    const json = { 'content-type': 'application/json' };
    const text = (v: unknown) => (r.nextInt(0, 9) === 0 ? String(v).slice(0, 200) + '{' : JSON.stringify(v));
    switch (i % 6) {
      case 0: {
        const event = {
          id: mark,
          type: 'otp.issued',
          occurredAt: new Date().toISOString(),
          account: { id: `fz_cus_${i % 50}` },
          otpId: `otp_${mark}`,
          channel: 'sms',
          purpose: 'login',
        };
        const body = r.nextInt(0, 2) === 0 ? mutate({ events: [event] }, r) : { events: [mutate(event, r)] };
        out.push({
          method: 'POST',
          path: '/api/v1/events',
          headers: { ...bearer(keys.ingest), ...json },
          body: text(body),
          marks: [mark],
        });
        break;
      }
      case 1: {
        const report = { category: 'other', email: `${mark}@example.com`, description: `fuzz ${mark}` };
        out.push({
          method: 'POST',
          path: '/api/v1/reports',
          headers: json,
          body: text(mutate(report, r)),
          marks: [mark],
        });
        break;
      }
      case 2: {
        const lookup = { reference: 'VR-ABCDEF', email: 'someone@example.com' };
        out.push({
          method: 'POST',
          path: '/api/v1/reports/status',
          headers: json,
          body: text(mutate(lookup, r)),
          marks: [],
        });
        break;
      }
      case 3: {
        const id = fc.sample(fc.string({ maxLength: 80 }), { numRuns: 1, seed: r.nextInt(0, 2 ** 31 - 1) })[0]!;
        out.push({
          method: 'GET',
          path: `/api/v1/accounts/${encodeURIComponent(id)}/security`,
          headers: bearer(keys.read),
          marks: [],
        });
        break;
      }
      default: {
        const query = mutate(
          { from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:00:00Z', granularity: 'hour', groupBy: 'channel' },
          r,
        );
        const params = new URLSearchParams();
        if (query && typeof query === 'object')
          for (const [k, v] of Object.entries(query as Record<string, unknown>))
            params.set(k, typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));
        const path = i % 6 === 4 ? '/api/v1/metrics/otp' : '/api/v1/alerts';
        out.push({ method: 'GET', path: `${path}?${params.toString()}`, headers: bearer(keys.read), marks: [] });
      }
    }
  }
  return out;
}

/** Sends the requests, `concurrency` at a time; returns each answer and the marks of the ones taken (2xx). */
export async function sendAll(baseUrl: string, requests: FuzzTarget[], concurrency: number) {
  const answers: Answer[] = [];
  const taken = new Set<string>();
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const req = requests[next++]!;
      const at = Date.now();
      try {
        // As a client should: a 429 or 503 with Retry-After is asked again after the wait (a few times).
        let res: Response;
        for (let attempt = 0; ; attempt++) {
          res = await fetch(`${baseUrl}${req.path}`, {
            method: req.method,
            headers: req.headers,
            body: req.body,
            signal: AbortSignal.timeout(20_000),
          });
          await res.arrayBuffer();
          const wait = res.headers.get('retry-after');
          if ((res.status !== 429 && res.status !== 503) || wait === null || attempt === 4) break;
          await sleep(Number(wait) * 1000);
        }
        if (res.ok) for (const m of req.marks) taken.add(m);
        answers.push({
          at,
          ms: Date.now() - at,
          status: res.status,
          retryAfter: res.headers.has('retry-after'),
          what: req.path.split('?')[0]!,
        });
      } catch {
        answers.push({ at, ms: Date.now() - at, status: 0, retryAfter: false, what: req.path.split('?')[0]! });
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { answers, taken };
}

/** A raw HTTP/1.1 request on a socket; resolves with the status line's code (0 if the server closed without one). */
export function rawRequest(
  port: number,
  head: string,
  send: (socket: net.Socket) => Promise<void>,
  timeoutMs: number,
): Promise<{ status: number; ms: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    let response = '';
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0);
      resolve({ status, ms: Date.now() - started });
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on('data', (d: Buffer) => {
      response += d.toString('latin1');
      if (/^HTTP\/1\.1 \d{3}/.test(response)) finish();
    });
    socket.on('error', finish);
    socket.on('close', finish);
    socket.on('connect', () => {
      socket.write(head);
      send(socket).catch(() => undefined);
    });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function statusSummary(answers: Answer[]): string {
  const counts = new Map<number, number>();
  for (const a of answers) counts.set(a.status, (counts.get(a.status) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([s, n]) => `${s === 0 ? 'no answer' : s}×${n.toLocaleString('en-US')}`)
    .join(' ');
}

export { percentile };
