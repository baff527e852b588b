import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from '@/lib/env';
import { serverNodeArgs } from './build-fingerprint';

const node = (args: string[]) => spawnSync(process.execPath, args, { encoding: 'utf8' });

/*
 * A server's life in small: objects that stay (loaded code, caches) and a steady churn of short-lived ones
 * (requests). Prints the largest heap node committed meanwhile, in MB.
 */
const churn = `
const live = []; for (let i = 0; i < 300000; i++) live.push({ i, s: 'x'.repeat(50) + i });
let max = 0; const recent = [];
for (let round = 0; round < 400; round++) {
  const batch = []; for (let i = 0; i < 20000; i++) batch.push({ round, i, t: 'y' + i });
  recent.push(batch); if (recent.length > 5) recent.shift();
  max = Math.max(max, process.memoryUsage().heapTotal);
}
globalThis.live = live;
process.stdout.write(String(Math.round(max / 1048576)));
`;

describe('serverNodeArgs (how node runs the production server)', () => {
  it('are options this node takes as given (a misspelt one stops node with "bad option")', () => {
    for (const percent of [20, 100]) {
      const run = node([...serverNodeArgs(percent), '-e', 'process.stdout.write(JSON.stringify(process.execArgv))']);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual([`--heap-growing-percent=${percent}`, '-e', expect.any(String)]);
    }
    // 0: V8's own growth, no option.
    expect(serverNodeArgs(0)).toEqual([]);
  });

  it('follow VIGIL_HEAP_GROWING_PERCENT (20 by default, 0 for V8’s own growth), refusing a value out of range by name', () => {
    const argsFor = (value?: string) =>
      serverNodeArgs(
        parseEnv(value === undefined ? {} : { VIGIL_HEAP_GROWING_PERCENT: value }).VIGIL_HEAP_GROWING_PERCENT,
      );
    expect(argsFor()).toEqual(['--heap-growing-percent=20']);
    expect(argsFor('100')).toEqual(['--heap-growing-percent=100']);
    expect(argsFor('0')).toEqual([]);
    for (const bad of ['-5', 'fast', '1000']) expect(() => argsFor(bad)).toThrow(EnvError);
    expect(() => argsFor('fast')).toThrow(/VIGIL_HEAP_GROWING_PERCENT/);
  });

  it('keep the heap near what it holds live: under churn it stays well below what node lets it reach by default', () => {
    const byDefault = node(['-e', churn]);
    const asServed = node([...serverNodeArgs(parseEnv({}).VIGIL_HEAP_GROWING_PERCENT), '-e', churn]);
    expect(byDefault.status).toBe(0);
    expect(asServed.status).toBe(0);
    // Measured: 420–428 MB by default, 165–166 MB as served (about 60 MB live plus the churn in flight).
    expect(Number(asServed.stdout)).toBeLessThan(Number(byDefault.stdout) * 0.6);
  });
});
