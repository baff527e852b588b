import fs from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { afterAll, describe, expect, it } from 'vitest';

// The layering of ARCHITECTURE.md is enforced by eslint.config.mjs: each probe below breaks one rule and must be
// refused by `npm run lint`, and the allowed direction must pass.
const root = path.resolve(import.meta.dirname, '..');
const tag = `layering_probe_${process.pid}`;
const probes: Record<string, { file: string; text: string }> = {
  appImportsDb: { file: `app/${tag}.ts`, text: "export { accounts } from '@/db/schema';\n" },
  componentImportsDb: {
    file: `components/${tag}.ts`,
    text: "export { getDb } from '@/lib/database';\nexport { openDatabase } from '@/db/client';\n",
  },
  libImportsApp: { file: `lib/${tag}.ts`, text: "export { apiRoute } from '@/app/_adapters/api-route';\n" },
  libSpeaksHttp: { file: `lib/${tag}_http.ts`, text: 'export const answer = () => new Response("no");\n' },
  dbImportsLib: { file: `db/${tag}.ts`, text: "export { env } from '@/lib/env';\n" },
  cycleA: { file: `lib/${tag}_a.ts`, text: `export { b } from './${tag}_b';\nexport const a = 1;\n` },
  cycleB: { file: `lib/${tag}_b.ts`, text: `export { a } from './${tag}_a';\nexport const b = 2;\n` },
  allowed: { file: `app/${tag}_ok.ts`, text: "export { getDb } from '@/lib/database';\n" },
};

afterAll(() => {
  for (const { file } of Object.values(probes)) fs.rmSync(path.join(root, file), { force: true });
});

describe('the layering is enforced by lint', () => {
  it('refuses every backward import, HTTP in lib/ and import circles; allows app/ → lib/', async () => {
    for (const { file, text } of Object.values(probes)) fs.writeFileSync(path.join(root, file), text);
    const eslint = new ESLint({ cwd: root });
    const results = await eslint.lintFiles(Object.values(probes).map((p) => p.file));
    const rulesOf = (probe: keyof typeof probes) =>
      results.find((r) => r.filePath === path.join(root, probes[probe]!.file))!.messages.map((m) => m.ruleId);
    expect(rulesOf('appImportsDb')).toContain('no-restricted-imports');
    expect(rulesOf('componentImportsDb')).toEqual(['no-restricted-imports']);
    expect(rulesOf('libImportsApp')).toContain('no-restricted-imports');
    expect(rulesOf('libSpeaksHttp')).toContain('no-restricted-globals');
    expect(rulesOf('dbImportsLib')).toContain('no-restricted-imports');
    expect([...rulesOf('cycleA'), ...rulesOf('cycleB')]).toContain('import/no-cycle');
    expect(rulesOf('allowed')).toEqual([]);
  }, 180_000);
});
