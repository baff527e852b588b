import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { buildIsCurrent, buildVigil, serverEntry, serverNodeArgs } from '../build-fingerprint';
import { parseEnv } from '@/lib/env';

/** The production server (scripts/serve.ts) as one node process the suite can signal, with its RSS sampled. */
export interface VigilServer {
  baseUrl: string;
  start(): Promise<void>;
  /** SIGKILL: no chance to finish anything. */
  kill(): Promise<void>;
  /** SIGTERM, then waits for the exit; resolves with its exit code. */
  terminate(): Promise<number | null>;
  /** The highest resident set size seen (sampled every 200 ms while it runs), in MB. */
  peakRssMb(): number;
  /** The resident set size now, in MB. */
  currentRssMb(): number;
  resetPeak(): void;
  running(): boolean;
}

export function ensureBuild(): void {
  if (buildIsCurrent()) return;
  console.log('chaos: building Vigil (production build)…');
  if (!buildVigil()) throw new Error('the build failed');
}

function rssMb(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : 0;
  } catch {
    return 0;
  }
}

export function vigilServer(port: number, env: Record<string, string>, logFile: string): VigilServer {
  let child: ChildProcess | undefined;
  let exited: Promise<number | null> = Promise.resolve(null);
  let peak = 0;
  let sampler: NodeJS.Timeout | undefined;
  const baseUrl = `http://127.0.0.1:${port}`;
  const log = fs.openSync(logFile, 'a');

  const server: VigilServer = {
    baseUrl,
    async start() {
      // The heap bound as `npm start` sets it (VIGIL_HEAP_GROWING_PERCENT, default 20): scenario 3 measures its memory.
      const heapArgs = serverNodeArgs(
        parseEnv({
          VIGIL_HEAP_GROWING_PERCENT: env.VIGIL_HEAP_GROWING_PERCENT ?? process.env.VIGIL_HEAP_GROWING_PERCENT,
        }).VIGIL_HEAP_GROWING_PERCENT,
      );
      child = spawn(
        process.execPath,
        [...heapArgs, ...(process.env.VIGIL_CHAOS_NODE_ARGS ?? '').split(' ').filter(Boolean), serverEntry],
        {
          env: {
            ...process.env,
            ...env,
            NODE_ENV: 'production',
            PORT: String(port),
            VIGIL_HOST: '127.0.0.1',
            NEXTAUTH_URL: `http://localhost:${port}`,
            NEXT_TELEMETRY_DISABLED: '1',
          },
          stdio: ['ignore', log, log],
        },
      );
      const proc = child;
      exited = new Promise((resolve) => proc.on('exit', (code) => resolve(code)));
      sampler = setInterval(() => {
        if (proc.pid) peak = Math.max(peak, rssMb(proc.pid));
      }, 200);
      for (let i = 0; i < 600; i++) {
        if (proc.exitCode !== null)
          throw new Error(`the server exited during start (code ${proc.exitCode}); see ${logFile}`);
        try {
          if ((await fetch(`${baseUrl}/api/health`)).status === 200 && proc.exitCode === null) return;
        } catch {
          // not listening yet
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`the server did not become ready; see ${logFile}`);
    },
    async kill() {
      child?.kill('SIGKILL');
      await exited;
      clearInterval(sampler);
    },
    async terminate() {
      child?.kill('SIGTERM');
      const code = await exited;
      clearInterval(sampler);
      return code;
    },
    peakRssMb: () => peak,
    currentRssMb: () => (child?.pid ? rssMb(child.pid) : 0),
    resetPeak: () => {
      peak = 0;
    },
    running: () => child !== undefined && child.exitCode === null && child.signalCode === null,
  };
  return server;
}
