import type { Db } from '@/db/client';
import { log } from '@/lib/log/logger';

/*
 * A background loop inside the server process (no extra process to start): one pass at a time, every
 * `intervalMs`, straight away again while passes find work. Its timer is unref'd so it never keeps a
 * process alive. Next may evaluate instrumentation in more than one bundle of the same process, so each
 * loop runs once per process (keyed by name). Several Vigil servers may each run one: the passes claim
 * their rows (FOR UPDATE SKIP LOCKED, with a lease), so two servers never take the same work.
 */

export interface BackgroundLoop {
  /** Stops scheduling passes and waits for the one in progress. */
  stop(): Promise<void>;
}

export interface BackgroundLoopOptions {
  intervalMs: number;
  /** Wait after a failed pass (the database unreachable, say), so the log is not flooded. */
  errorIntervalMs: number;
  /** What the log says when a pass fails. */
  failureMessage: string;
}

const globalForLoops = globalThis as unknown as { vigilBackgroundLoops?: Map<string, BackgroundLoop> };
const loops = (globalForLoops.vigilBackgroundLoops ??= new Map<string, BackgroundLoop>());

/** Starts the named loop (or returns it, if this process runs it already). A pass returns whether it found work. */
export function startBackgroundLoop(
  name: string,
  getDb: () => Promise<Db>,
  pass: (db: Db) => Promise<boolean>,
  options: BackgroundLoopOptions,
): BackgroundLoop {
  const running = loops.get(name);
  if (running) return running;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;

  const schedule = (delayMs: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      inFlight = once().finally(() => {
        inFlight = undefined;
      });
    }, delayMs);
    timer.unref();
  };

  const once = async () => {
    try {
      schedule((await pass(await getDb())) ? 0 : options.intervalMs);
    } catch (error) {
      log.error(options.failureMessage, { error });
      schedule(options.errorIntervalMs);
    }
  };

  const loop: BackgroundLoop = {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await inFlight;
      if (loops.get(name) === loop) loops.delete(name);
    },
  };
  loops.set(name, loop);
  schedule(0);
  return loop;
}

/** Stops every loop this process runs, each after its pass in progress (graceful shutdown, scripts/serve.ts). */
export async function stopBackgroundLoops(): Promise<string[]> {
  const running = [...loops.entries()];
  await Promise.all(running.map(([, loop]) => loop.stop()));
  return running.map(([name]) => name);
}
