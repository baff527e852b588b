import { describe, expect, it } from 'vitest';
import { playwrightFailures, vitestFailures } from './test-report';

describe('vitestFailures', () => {
  it('names each failed test with its file, and a file that failed outside any test by its first message line', () => {
    const names = vitestFailures(
      {
        numPassedTests: 1,
        numFailedTests: 1,
        testResults: [
          {
            name: '/repo/lib/a.test.ts',
            status: 'failed',
            assertionResults: [
              { fullName: 'a works', status: 'passed' },
              { fullName: 'a › fails', status: 'failed' },
            ],
          },
          {
            name: '/repo/lib/b.test.ts',
            status: 'failed',
            message: 'Cannot find module x\n  at stack',
            assertionResults: [],
          },
          { name: '/repo/lib/c.test.ts', status: 'passed', assertionResults: [{ fullName: 'c', status: 'passed' }] },
        ],
      },
      '/repo',
    );
    expect(names).toEqual(['lib/a.test.ts › a › fails', 'lib/b.test.ts: Cannot find module x']);
  });

  it('names nothing when everything passed or the report has no results', () => {
    expect(vitestFailures({ numPassedTests: 0, numFailedTests: 0 })).toEqual([]);
  });
});

describe('playwrightFailures', () => {
  it('names unexpected results with project, file, line and the describe titles; flaky and passed ones are not named', () => {
    const names = playwrightFailures({
      stats: { expected: 2, unexpected: 1, flaky: 1 },
      suites: [
        {
          title: 'alerts.spec.ts',
          file: 'alerts.spec.ts',
          specs: [{ title: 'top level', line: 3, tests: [{ projectName: 'chromium', status: 'expected' }] }],
          suites: [
            {
              title: 'alert queue',
              file: 'alerts.spec.ts',
              specs: [
                { title: 'bulk dismiss', line: 70, tests: [{ projectName: 'chromium', status: 'unexpected' }] },
                { title: 'retried', line: 90, tests: [{ projectName: 'chromium', status: 'flaky' }] },
              ],
            },
          ],
        },
      ],
    });
    expect(names).toEqual(['[chromium] alerts.spec.ts:70 › alert queue › bulk dismiss']);
  });
});
