import { z } from 'zod';
import { jsonContent, jsonSchema, ok, publicOperation, type OpenApiFragment } from '@/lib/openapi/components';

/** What GET /api/health answers (app/api/health/route.ts, DatabaseHealth in lib/health/check-database.ts). */
export const HealthBody = z.object({
  status: z.enum(['ok', 'unavailable']),
  database: z.object({
    status: z.enum(['up', 'down']),
    engine: z.enum(['postgres', 'pglite']).nullable(),
    latencyMs: z.number().int().nullable(),
  }),
});

export const healthOpenApi: OpenApiFragment = {
  tag: { name: 'Health', description: 'Liveness for load balancers and monitors' },
  paths: {
    '/api/health': {
      get: {
        operationId: 'getHealth',
        summary: 'Whether Vigil and its database answer (public)',
        tags: ['Health'],
        security: publicOperation,
        responses: {
          '200': ok('Up', 'Health'),
          '503': {
            description: 'The database does not answer within 4 s',
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
