import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A throwaway PostgreSQL cluster the chaos suite owns, so it can stop it hard and start it again. Run as the
 * `postgres` user when the suite runs as root (initdb refuses root). Listens on 127.0.0.1 only.
 */
export interface Cluster {
  port: number;
  url: (database?: string) => string;
  start(): void;
  /** `pg_ctl stop -m immediate`: the crash of a database server (no checkpoint, connections cut). */
  crash(): void;
  destroy(): void;
}

const asRoot = process.getuid?.() === 0;

function pgBin(): string {
  const versions = fs
    .readdirSync('/usr/lib/postgresql')
    .filter((v) => fs.existsSync(`/usr/lib/postgresql/${v}/bin/pg_ctl`))
    .sort((a, b) => Number(a) - Number(b));
  if (versions.length === 0) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql');
  return `/usr/lib/postgresql/${versions.at(-1)}/bin`;
}

function run(command: string, args: string[]): void {
  const result = asRoot
    ? spawnSync('su', ['postgres', '-s', '/bin/sh', '-c', [command, ...args.map((a) => `'${a}'`)].join(' ')], {
        encoding: 'utf8',
      })
    : spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0)
    throw new Error(`${path.basename(command)} failed: ${result.stderr || result.stdout || result.error?.message}`);
}

export function createCluster(port: number): Cluster {
  const bin = pgBin();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-chaos-pg-'));
  if (asRoot) execFileSync('chown', ['postgres', dir]);
  const data = path.join(dir, 'data');
  run(`${bin}/initdb`, ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off`;
  const cluster: Cluster = {
    port,
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    start: () => run(`${bin}/pg_ctl`, ['-D', data, '-o', options, '-l', path.join(dir, 'log'), '-w', 'start']),
    crash: () => run(`${bin}/pg_ctl`, ['-D', data, '-m', 'immediate', 'stop']),
    destroy: () => {
      try {
        run(`${bin}/pg_ctl`, ['-D', data, '-m', 'fast', 'stop']);
      } catch {
        // already stopped
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  cluster.start();
  return cluster;
}
