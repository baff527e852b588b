import { z } from 'zod';
import {
  apiKey,
  databaseUnavailable,
  errorResponse,
  jsonSchema,
  ok,
  queryParameters,
  staffSession,
  type Operation,
  type OpenApiFragment,
} from '@/lib/openapi/components';
import { loginFailureReasons } from './definitions';
import { LoginMetricsQuery, maxRangeDays, OtpMetricsQuery } from './metrics-query';

// The answers of lib/metrics/otp-metrics.ts and login-metrics.ts; each figure is defined in lib/metrics/definitions.ts.
const count = z.number().int().min(0);
const rate = (what: string) => z.number().nullable().describe(`${what}; null when the denominator is 0`);

const OtpFigures = z.object({
  issued: count,
  verified: count,
  failed: count,
  failedByReason: z.object({ incorrect: count, expired: count, max_attempts: count }),
  deliveryFailed: count,
  conversionRate: rate('verified ÷ issued (a bucket can exceed 1)'),
  failureRate: rate('failed ÷ (failed + verified)'),
  deliveryFailureRate: rate('delivery_failed ÷ issued'),
});
const LoginFigures = z.object({
  succeeded: count,
  failed: count,
  failedByReason: z.object(
    Object.fromEntries(loginFailureReasons.map((r) => [r, count])) as Record<
      (typeof loginFailureReasons)[number],
      typeof count
    >,
  ),
  failureRate: rate('login.failed ÷ all login events'),
});

function metricsBody<F extends z.ZodType, B extends z.ZodType, G extends z.ZodType>(figures: F, bucket: B, groupBy: G) {
  return z.object({
    from: z.iso.datetime(),
    to: z.iso.datetime(),
    granularity: z.enum(['hour', 'day']),
    groupBy,
    series: z.array(
      z.object({
        key: z.string().describe('`all` without grouping, else the group (`unknown` for events without a country)'),
        buckets: z.array(bucket),
      }),
    ),
    totals: figures.describe('Ratios of the summed counts'),
  });
}

const start = { start: z.iso.datetime().describe('The UTC start of the bucket') };
export const OtpMetricsBody = metricsBody(OtpFigures, OtpFigures.extend(start), OtpMetricsQuery.shape.groupBy.unwrap());
export const LoginMetricsBody = metricsBody(
  LoginFigures,
  LoginFigures.extend(start),
  LoginMetricsQuery.shape.groupBy.unwrap(),
);

const parameterHelp = {
  from: 'Start of the range (inclusive), on a UTC hour or day boundary as granularity says',
  to: `End of the range (exclusive), after from, at most ${maxRangeDays} days later`,
  country: 'ISO 3166-1 alpha-2 code in capitals, or `unknown`',
};

function metricsOperation(operationId: string, summary: string, query: z.ZodObject, body: string): Operation {
  return {
    operationId,
    summary,
    description:
      'Buckets are UTC hours or days, `[from, to)`; a bucket without events is zeros. An API key needs the metrics:read scope (a signed-in staff session with analytics works too).',
    tags: ['Metrics'],
    security: [apiKey('metrics:read'), staffSession],
    parameters: queryParameters(query, parameterHelp),
    responses: {
      '200': ok('Series of buckets and totals', body),
      '400': errorResponse('A parameter is invalid (`invalid_parameter`, named in `parameter`)'),
      '401': errorResponse('No API key and no staff session, or a key sent anywhere but the Authorization header'),
      '403': errorResponse(
        'The key lacks the metrics:read scope, a staff role without analytics, or a cross-site request with a session cookie',
      ),
      '503': databaseUnavailable(),
    },
  };
}

/** GET /api/v1/metrics/otp and /api/v1/metrics/logins (lib/metrics/metrics-http.ts). */
export const metricsOpenApi: OpenApiFragment = {
  tag: { name: 'Metrics', description: 'OTP and login figures, read from the rollups' },
  paths: {
    '/api/v1/metrics/otp': {
      get: metricsOperation(
        'getOtpMetrics',
        'OTP issuance, conversion and failures per bucket',
        OtpMetricsQuery,
        'OtpMetrics',
      ),
    },
    '/api/v1/metrics/logins': {
      get: metricsOperation(
        'getLoginMetrics',
        'Login outcomes and failure reasons per bucket',
        LoginMetricsQuery,
        'LoginMetrics',
      ),
    },
  },
  schemas: {
    OtpMetrics: jsonSchema(OtpMetricsBody, 'output'),
    LoginMetrics: jsonSchema(LoginMetricsBody, 'output'),
  },
};
