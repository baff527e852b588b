import { apiKeyScopes } from '@/db/schema';
import { accountsOpenApi } from '@/lib/accounts/openapi';
import { alertsOpenApi } from '@/lib/alerts/openapi';
import { detectionOpenApi } from '@/lib/detection/openapi';
import { sessionCookieName } from '@/lib/auth/next-auth';
import { env } from '@/lib/env';
import { healthOpenApi } from '@/lib/health/openapi';
import { ingestOpenApi } from '@/lib/ingest/openapi';
import { metricsOpenApi } from '@/lib/metrics/openapi';
import { reportsOpenApi } from '@/lib/reports/openapi';
import { streamsOpenApi } from '@/lib/streams/openapi';
import { ErrorBody, jsonSchema, publicOperation, type OpenApiFragment, type PathItem } from './components';

/** GET /api/v1/openapi.json (app/api/v1/openapi.json/route.ts) documents itself. */
const documentOpenApi: OpenApiFragment = {
  tag: { name: 'Contract', description: 'This document' },
  paths: {
    '/api/v1/openapi.json': {
      get: {
        operationId: 'getOpenApiDocument',
        summary: 'This OpenAPI document (public)',
        tags: ['Contract'],
        security: publicOperation,
        responses: {
          '200': { description: 'The OpenAPI 3.1 document', content: { 'application/json': { schema: {} } } },
        },
      },
    },
  },
};

/** Every feature's part of the contract, in the order the document lists them. */
export const openApiFragments: readonly OpenApiFragment[] = [
  ingestOpenApi,
  metricsOpenApi,
  alertsOpenApi,
  detectionOpenApi,
  accountsOpenApi,
  reportsOpenApi,
  streamsOpenApi,
  documentOpenApi,
  healthOpenApi,
];

/** The fragments merged: a path or schema name two fragments both define is a programming error. */
export function assemble(fragments: readonly OpenApiFragment[]) {
  const paths: Record<string, PathItem> = {};
  const schemas: Record<string, unknown> = { Error: jsonSchema(ErrorBody, 'output') };
  for (const f of fragments) {
    for (const [path, item] of Object.entries(f.paths)) {
      if (paths[path]) throw new Error(`OpenAPI: ${path} is defined by two fragments`);
      paths[path] = item;
    }
    for (const [name, schema] of Object.entries(f.schemas ?? {})) {
      if (schemas[name]) throw new Error(`OpenAPI: schema ${name} is defined twice`);
      schemas[name] = schema;
    }
  }
  return { paths, schemas, tags: fragments.map((f) => f.tag) };
}

/** The public URL when NEXTAUTH_URL is set, else the server that serves this document. */
function servers() {
  const configured = env().NEXTAUTH_URL;
  return configured
    ? [{ url: new URL(configured).origin, description: 'This Vigil (NEXTAUTH_URL)' }]
    : [{ url: '/', description: 'The server that serves this document' }];
}

function buildDocument() {
  const { paths, schemas, tags } = assemble(openApiFragments);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Vigil API',
      version: '1.0.0',
      description:
        'The identity platform posts login and OTP events to Vigil and reads figures, alerts and account security states. Authenticate with `Authorization: Bearer <API key>`; keys carry scopes (' +
        apiKeyScopes.join(', ') +
        '). Staff pages call some operations with their session cookie instead. Every error answers `{ error, message }`; 429 and 503 carry Retry-After.',
    },
    servers: servers(),
    tags,
    paths,
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'A Vigil API key (vgl_live_…) with the scope named' },
        staffSession: {
          type: 'apiKey',
          in: 'cookie',
          name: sessionCookieName(),
          description: 'A signed-in staff session, from Vigil’s own pages only (cross-site requests are refused)',
        },
      },
      schemas,
    },
  };
}

let cached: ReturnType<typeof buildDocument> | undefined;

/** The machine API's contract, assembled (once per process) from each feature's fragment and zod schemas. */
export function openApiDocument() {
  cached ??= buildDocument();
  return cached;
}
