import type { IncomingMessage, ServerResponse } from 'node:http';
import { countPageAdmission } from '@/lib/monitoring/metrics';
import { securityHeaders } from './security-headers.mjs';

/*
 * Admission for console and public pages in the production server (scripts/serve.ts). A page render holds a few
 * megabytes of React tree and query results until its last byte is sent, and the two cores render only so many at
 * once: fifty renders at a time took as long each as eight, and held the server's heap at 200 MB live (chaos
 * scenario 3). So at most `maxInFlight` pages render at once; the next `maxQueued` wait their turn, each for up to
 * `maxWaitMs`; any page beyond, or one that waited that long, is answered 503 with Retry-After at once, by a small
 * page that retries by itself. A waiting request holds its parsed headers only.
 *
 * The API routes are not here: they have their own refusals (rate limits, the ingest route's in-flight cap,
 * app/_adapters/api-route.ts), and neither are Next's static files or GET /metrics.
 */

export interface AdmissionLimits {
  maxInFlight: number;
  maxQueued: number;
  maxWaitMs: number;
}

interface Waiter {
  admit: () => void;
  timer: NodeJS.Timeout;
}

/** Slots for `maxInFlight` at once and a queue of `maxQueued` that wait at most `maxWaitMs` each. */
export class Admission {
  private running = 0;
  private readonly queue: Waiter[] = [];

  constructor(private readonly limits: AdmissionLimits) {}

  /** Resolves to a release function once admitted, or to null when refused (queue full or waited too long). */
  enter(): Promise<(() => void) | null> {
    if (this.running < this.limits.maxInFlight) return Promise.resolve(this.take());
    if (this.queue.length >= this.limits.maxQueued) return Promise.resolve(null);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        admit: () => {
          clearTimeout(waiter.timer);
          resolve(this.take());
        },
        timer: setTimeout(() => {
          const at = this.queue.indexOf(waiter);
          if (at !== -1) this.queue.splice(at, 1);
          resolve(null);
        }, this.limits.maxWaitMs),
      };
      this.queue.push(waiter);
    });
  }

  /** Requests rendering and waiting now. */
  load(): { running: number; queued: number } {
    return { running: this.running, queued: this.queue.length };
  }

  private take(): () => void {
    this.running += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running -= 1;
      this.queue.shift()?.admit();
    };
  }
}

/** GET or HEAD of a page: not an API route, not Next's own files (there is no public/ folder), not /metrics. */
export function isPageRequest(req: IncomingMessage): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  return !/^\/(api|_next|metrics|favicon\.ico)(\/|\?|$)/.test(req.url ?? '/');
}

export const busyRetryAfterSeconds = 2;

const busyPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${busyRetryAfterSeconds}"><title>Vigil is busy</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 32rem; margin: 4rem auto; padding: 0 1rem; line-height: 1.5">
<h1 style="font-size: 1.25rem">Vigil is busy</h1>
<p>Too many pages are being opened at once. This page will try again in ${busyRetryAfterSeconds} seconds.</p>
</body></html>
`;

function refuse(req: IncomingMessage, res: ServerResponse): void {
  for (const { key, value } of securityHeaders) res.setHeader(key, value);
  res.writeHead(503, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Retry-After': String(busyRetryAfterSeconds),
  });
  res.end(req.method === 'HEAD' ? undefined : busyPage);
}

/** A node request handler that admits pages through `admission` and hands every request to `next`. */
export function withPageAdmission(
  next: (req: IncomingMessage, res: ServerResponse) => unknown,
  admission: Admission,
): (req: IncomingMessage, res: ServerResponse) => Promise<unknown> {
  return async (req, res) => {
    if (!isPageRequest(req)) return next(req, res);
    const release = await admission.enter();
    countPageAdmission(release ? 'admitted' : 'refused');
    if (!release) return refuse(req, res);
    // 'close' comes when the response is done or the client went away, whichever is first.
    res.once('close', release);
    if (res.destroyed || req.socket.destroyed) return release();
    try {
      return await next(req, res);
    } catch (error) {
      release();
      throw error;
    }
  };
}
