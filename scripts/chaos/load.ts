import http from 'node:http';

/*
 * The chaos suite's traffic: ingest clients that behave as the platform does (resend the same batch, same event
 * ids, on 429, 503 or a broken connection, waiting Retry-After), readers of the APIs and console pages that record
 * every answer with its time, and a webhook receiver that dedupes by Vigil-Event-Id.
 */

export interface Answer {
  /** When the request was sent (epoch ms). */
  at: number;
  ms: number;
  /** HTTP status, or 0 when the connection failed. */
  status: number;
  retryAfter: boolean;
  what: string;
  /** A page that rendered the error notice. */
  errorPage?: boolean;
}

export interface IngestStats {
  sent: Set<string>;
  acked: Set<string>;
  answers: Answer[];
  /** 4xx other than 429 on a valid batch: a bug. */
  refused: number;
}

export const newIngestStats = (): IngestStats => ({ sent: new Set(), acked: new Set(), answers: [], refused: 0 });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Accounts the traffic spreads over. */
const accountPool = 2000;

/** A batch of logins and codes of `size` events with fresh ids, over the last hour. */
export function makeBatch(prefix: string, size: number): Record<string, unknown>[] {
  const now = Date.now();
  return Array.from({ length: size }, (_, i) => {
    const id = `${prefix}_${i}`;
    const account = { id: `chaos_cus_${Math.floor(Math.random() * accountPool)}` };
    const occurredAt = new Date(now - Math.floor(Math.random() * 3_600_000)).toISOString();
    const context = { ip: `203.0.113.${i % 200}`, deviceId: `dev_${i % 7}`, country: 'GB' };
    switch (i % 4) {
      case 0:
        return { id, type: 'login.succeeded', occurredAt, account, context };
      case 1:
        return { id, type: 'login.failed', reason: 'bad_password', occurredAt, account, context };
      case 2:
        return { id, type: 'otp.issued', occurredAt, account, otpId: `otp_${id}`, channel: 'email', purpose: 'login' };
      default:
        return {
          id,
          type: 'otp.verified',
          occurredAt,
          account,
          otpId: `otp_${id}`,
          channel: 'email',
          purpose: 'login',
        };
    }
  });
}

/**
 * Posts one batch until it is taken (200) or `giveUpAt` passes, as the platform would: the same body again after
 * 429, 503, another 5xx or a connection error.
 */
export async function postUntilTaken(
  baseUrl: string,
  key: string,
  events: Record<string, unknown>[],
  stats: IngestStats,
  giveUpAt: number,
): Promise<boolean> {
  const body = JSON.stringify({ events });
  for (const e of events) stats.sent.add(String(e.id));
  while (Date.now() < giveUpAt) {
    const at = Date.now();
    try {
      const res = await fetch(`${baseUrl}/api/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(20_000),
      });
      await res.arrayBuffer();
      const retryAfter = res.headers.get('retry-after');
      stats.answers.push({
        at,
        ms: Date.now() - at,
        status: res.status,
        retryAfter: retryAfter !== null,
        what: 'ingest',
      });
      if (res.status === 200) {
        for (const e of events) stats.acked.add(String(e.id));
        return true;
      }
      if (res.status === 429 || res.status >= 500) {
        await sleep(Math.min(2000, Number(retryAfter ?? 1) * 1000));
        continue;
      }
      stats.refused += 1;
      return false;
    } catch {
      stats.answers.push({ at, ms: Date.now() - at, status: 0, retryAfter: false, what: 'ingest' });
      await sleep(500);
    }
  }
  return false;
}

/** An ingest client: batch after batch until `stop()`, finishing the batch in hand (with retries until `drainBy`). */
export async function ingestClient(
  baseUrl: string,
  key: string,
  name: string,
  stats: IngestStats,
  options: { batchSize: number; stop: () => boolean; drainBy: () => number },
): Promise<void> {
  for (let seq = 0; !options.stop(); seq++) {
    await postUntilTaken(baseUrl, key, makeBatch(`${name}_${seq}`, options.batchSize), stats, options.drainBy());
  }
}

/** A reader: GETs `path` again and again until `stop()`, recording each answer. */
export async function reader(
  baseUrl: string,
  what: string,
  path: string,
  headers: Record<string, string>,
  answers: Answer[],
  stop: () => boolean,
): Promise<void> {
  while (!stop()) {
    const at = Date.now();
    try {
      const res = await fetch(`${baseUrl}${path}`, {
        headers,
        signal: AbortSignal.timeout(30_000),
        redirect: 'manual',
      });
      const text = await res.text();
      answers.push({
        at,
        ms: Date.now() - at,
        status: res.status,
        retryAfter: res.headers.get('retry-after') !== null,
        what,
        errorPage: text.includes('Something went wrong'),
      });
    } catch {
      answers.push({ at, ms: Date.now() - at, status: 0, retryAfter: false, what });
      await sleep(200);
    }
    await sleep(50);
  }
}

/** A webhook receiver on 127.0.0.1 that answers slowly (so deliveries are in flight) and dedupes by Vigil-Event-Id. */
export async function webhookReceiver(delayMs: number) {
  const seen = new Set<string>();
  let deliveries = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      deliveries += 1;
      const id = req.headers['vigil-event-id'];
      if (typeof id === 'string') seen.add(id);
      setTimeout(() => res.writeHead(200).end('ok'), delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/vigil`,
    seen,
    deliveries: () => deliveries,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export const percentile = (xs: number[], p: number) =>
  xs.length === 0 ? 0 : [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
