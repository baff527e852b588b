/**
 * Lints the served OpenAPI document (lib/openapi/document.ts) with Redocly's recommended rules:
 * `tsx scripts/openapi-lint.ts`. Exits non-zero when Redocly reports an error.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openApiDocument } from '@/lib/openapi/document';

const dir = mkdtempSync(path.join(tmpdir(), 'vigil-openapi-'));
const file = path.join(dir, 'openapi.json');
try {
  writeFileSync(file, JSON.stringify(openApiDocument(), null, 2));
  const redocly = path.join(process.cwd(), 'node_modules', '.bin', 'redocly');
  const result = spawnSync(redocly, ['lint', '--extends=recommended', '--format=stylish', file], {
    stdio: 'inherit',
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  });
  if (result.error) throw result.error;
  process.exitCode = result.status ?? 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
