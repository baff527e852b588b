/*
 * What failed, by name, from the JSON reports vitest and Playwright write: `npm test` prints these just
 * before its summary line, so the last lines of a CI log say what broke, not only how many.
 */
import path from 'node:path';

export type VitestReport = {
  numPassedTests: number;
  numFailedTests: number;
  testResults?: {
    name: string;
    status: string;
    message?: string;
    assertionResults?: { fullName: string; status: string }[];
  }[];
};

export function vitestFailures(report: VitestReport, root = process.cwd()): string[] {
  const names: string[] = [];
  for (const file of report.testResults ?? []) {
    const where = path.relative(root, file.name);
    const failedTests = (file.assertionResults ?? []).filter((t) => t.status === 'failed');
    for (const t of failedTests) names.push(`${where} › ${t.fullName}`);
    if (file.status === 'failed' && failedTests.length === 0)
      names.push(`${where}: ${(file.message ?? 'failed outside any test').split('\n')[0]}`);
  }
  return names;
}

export type PlaywrightSuite = {
  title: string;
  file?: string;
  specs?: { title: string; line: number; tests: { projectName: string; status: string }[] }[];
  suites?: PlaywrightSuite[];
};
export type PlaywrightReport = {
  stats: { expected: number; unexpected: number; flaky: number };
  suites?: PlaywrightSuite[];
};

export function playwrightFailures(report: PlaywrightReport): string[] {
  const names: string[] = [];
  // Top-level suites are files; the suites inside them are describe blocks.
  const walk = (suite: PlaywrightSuite, titles: string[], file: string) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests) {
        if (t.status === 'unexpected')
          names.push(`[${t.projectName}] ${file}:${spec.line} › ${[...titles, spec.title].join(' › ')}`);
      }
    }
    for (const child of suite.suites ?? []) walk(child, [...titles, child.title], file);
  };
  for (const suite of report.suites ?? []) walk(suite, [], suite.file ?? suite.title);
  return names;
}
