import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { SecurityState } from '@/lib/accounts/security-state';
import type { DatabaseHealth } from '@/lib/health/check-database';
import type { LoginMetrics } from '@/lib/metrics/login-metrics';
import type { OtpMetrics } from '@/lib/metrics/otp-metrics';
import type { publicReportStatus } from '@/lib/reports/public-status';
import type { AlertChangeResult as AlertChangeResultType } from '@/lib/alerts/alert-workflow';
import type { ReportChangeResult as ReportChangeResultType } from '@/lib/reports/report-workflow';
import type { SecurityStateBody } from '@/lib/accounts/openapi';
import type { ApiAlert } from '@/lib/alerts/api-alert';
import type { AlertChangeResult } from '@/lib/alerts/openapi';
import type { alertsForApi } from '@/lib/alerts/alerts-for-api';
import type { HealthBody } from '@/lib/health/openapi';
import type { Readiness } from '@/lib/health/readiness';
import type { LoginMetricsBody, OtpMetricsBody } from '@/lib/metrics/openapi';
import type { ReportChangeResult, ReportStatusAnswer } from '@/lib/reports/openapi';
import { assemble, openApiDocument, openApiFragments } from './document';
import type { BacktestJob } from '@/lib/detection/backtest-jobs';
import type { BacktestJobBody } from '@/lib/detection/openapi';

const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
const root = path.resolve(import.meta.dirname, '../..');

/** Every route file under app/api/v1 with the HTTP methods it exports. */
function machineRoutes(dir = path.join(root, 'app/api/v1')): { file: string; segments: string[]; methods: string[] }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return machineRoutes(full);
    if (entry.name !== 'route.ts') return [];
    const source = readFileSync(full, 'utf8');
    const exported = methods.filter((m) =>
      new RegExp(`export\\s+(?:async\\s+)?(?:function\\s+${m}\\b|const\\s+${m}\\b)`).test(source),
    );
    const segments = path.relative(path.join(root, 'app'), path.dirname(full)).split(path.sep);
    return [{ file: path.relative(root, full), segments, methods: exported }];
  });
}

/** The documented path a route folder serves: a `[id]` segment matches any `{parameter}` there. */
function documentedPath(segments: string[], paths: string[]): string[] {
  return paths.filter((p) => {
    const parts = p.split('/').slice(1);
    return (
      parts.length === segments.length &&
      parts.every((part, i) => (/^\[.+\]$/.test(segments[i]!) ? /^\{.+\}$/.test(part) : part === segments[i]))
    );
  });
}

type Operation = { operationId: string; security: unknown[]; parameters?: { name: string; in: string }[] };
const doc = openApiDocument() as unknown as {
  servers: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
};
const operations = Object.entries(doc.paths).flatMap(([p, item]) =>
  Object.entries(item).map(([method, op]) => ({ path: p, method, op })),
);

describe('the OpenAPI document', () => {
  it('documents every machine route and every method it exports', () => {
    const routes = machineRoutes();
    expect(routes.length).toBeGreaterThanOrEqual(10);
    for (const route of routes) {
      expect(route.methods, route.file).not.toHaveLength(0);
      const matches = documentedPath(route.segments, Object.keys(doc.paths));
      expect(matches, route.file).toHaveLength(1);
      const documented = doc.paths[matches[0]!]!;
      for (const method of route.methods) {
        const op = documented[method.toLowerCase()];
        expect(op, `${method} ${matches[0]}`).toBeDefined();
        // The folder's [id] segment is a documented path parameter, under whatever name the contract gives it.
        for (const name of matches[0]!.match(/\{[^}]+\}/g) ?? [])
          expect(
            op!.parameters?.some((p) => p.in === 'path' && `{${p.name}}` === name),
            name,
          ).toBe(true);
      }
    }
  });

  it('documents no machine path that has no route', () => {
    const routes = machineRoutes();
    for (const p of Object.keys(doc.paths).filter((p) => p.startsWith('/api/v1/')))
      expect(
        routes.some((r) => documentedPath(r.segments, [p]).length === 1),
        p,
      ).toBe(true);
  });

  it('marks public operations with security: [] and protects every other one', () => {
    const open = operations.filter((o) => o.op.security.length === 0).map((o) => o.op.operationId);
    expect(open.sort()).toEqual(['fileReport', 'getHealth', 'getOpenApiDocument', 'reportStatus']);
    for (const { op } of operations) expect(Array.isArray(op.security), op.operationId).toBe(true);
  });

  it('has servers, and unique operation ids', () => {
    expect(doc.servers.length).toBeGreaterThan(0);
    expect(doc.servers[0]!.url).toMatch(/^(\/|https?:\/\/)/);
    const ids = operations.map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('refuses two fragments that define the same path', () => {
    expect(() => assemble([...openApiFragments, openApiFragments[0]!])).toThrow(/defined by two fragments/);
  });

  it('describes the same shapes the handlers answer', () => {
    expectTypeOf<Awaited<ReturnType<typeof alertsForApi>>['alerts'][number]>().toEqualTypeOf<ApiAlert>();
    expectTypeOf<z.infer<typeof SecurityStateBody>>().toEqualTypeOf<SecurityState>();
    // The handlers' types hold intersections (figures & { start }): equal as shapes, so compared both ways.
    expectTypeOf<z.infer<typeof OtpMetricsBody>>().toExtend<OtpMetrics>();
    expectTypeOf<OtpMetrics>().toExtend<z.infer<typeof OtpMetricsBody>>();
    expectTypeOf<z.infer<typeof LoginMetricsBody>>().toExtend<LoginMetrics>();
    expectTypeOf<LoginMetrics>().toExtend<z.infer<typeof LoginMetricsBody>>();
    expectTypeOf<z.infer<typeof AlertChangeResult>>().toEqualTypeOf<AlertChangeResultType>();
    expectTypeOf<z.infer<typeof ReportChangeResult>>().toEqualTypeOf<ReportChangeResultType>();
    expectTypeOf<z.infer<typeof ReportStatusAnswer>>().toEqualTypeOf<Awaited<ReturnType<typeof publicReportStatus>>>();
    expectTypeOf<z.infer<typeof HealthBody>['database']>().toEqualTypeOf<DatabaseHealth | null>();
    expectTypeOf<Readiness>().toExtend<z.infer<typeof HealthBody>>();
    expectTypeOf<z.infer<typeof BacktestJobBody>>().toExtend<BacktestJob>();
    expectTypeOf<BacktestJob>().toExtend<z.infer<typeof BacktestJobBody>>();
  });
});
