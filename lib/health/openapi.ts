import { z } from 'zod';
import { jsonContent, jsonSchema, ok, publicOperation, type OpenApiFragment } from '@/lib/openapi/components';

/** What GET /api/health answers (app/api/health/route.ts, DatabaseHealth in lib/health/check-database.ts). */
export const HealthBody = z.object({
  status: z.enum(['ok', 'unavailable']),
  /** Only on a 503: the database does not answer, or the server is shutting down (lib/health/readiness.ts). */
  reason: z.enum(['database', 'shutting_down']).optional(),
  /** Null while shutting down: the database is no longer probed. */
  database: z
    .object({
      status: z.enum(['up', 'down']),
      engine: z.enum(['postgres', 'pglite']).nullable(),
      latencyMs: z.number().int().nullable(),
    })
    .nullable(),
});

export const healthOpenApi: OpenApiFragment = {
  tag: { name: 'Health', description: 'Liveness for load balancers and monitors' },
  paths: {
    '/api/health': {
      get: {
        operationId: 'getHealth',
        summary: 'Whether this server should get traffic: it and its database answer (public)',
        tags: ['Health'],
        security: publicOperation,
        responses: {
          '200': ok('Up', 'Health'),
          '503': {
            description:
              'Not ready: the database does not answer within 4 s (`reason: database`) or the server is shutting down (`reason: shutting_down`)',
            headers: {
              'Retry-After': {
                description: 'Seconds to wait before retrying',
                schema: { type: 'integer', minimum: 1 },
              },
            },
            content: jsonContent({ $ref: '#/components/schemas/Health' }),
          },
        },
      },
    },
  },
  schemas: { Health: jsonSchema(HealthBody, 'output') },
};
