import { z } from 'zod';

/*
 * What every feature's OpenAPI fragment (lib/<feature>/openapi.ts) shares: the fragment shape, the error body
 * every handler answers through lib/http/api-response.ts, the security schemes, and response helpers.
 * lib/openapi/document.ts assembles the fragments into the served document.
 */

type Json = Record<string, unknown>;

/** One HTTP operation of a path item. */
export interface Operation extends Json {
  operationId: string;
  summary: string;
  tags: string[];
  /** `[]` for public operations; otherwise the schemes that are accepted (any one of them). */
  security: Json[];
  responses: Record<string, Json>;
}

export type PathItem = Partial<Record<'get' | 'post' | 'put' | 'patch' | 'delete', Operation>> & Json;

/** What a feature contributes to the document. */
export interface OpenApiFragment {
  tag: { name: string; description: string };
  paths: Record<string, PathItem>;
  schemas?: Record<string, Json>;
}

/** A zod schema as JSON Schema, as clients send it (`io: 'input'`) or as the server answers (`'output'`). */
export const jsonSchema = (s: z.ZodType, io: 'input' | 'output' = 'input') =>
  z.toJSONSchema(s, { unrepresentable: 'any', io }) as Json;

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

export const jsonContent = (schema: Json) => ({ 'application/json': { schema } });

export const ok = (description: string, schemaName: string) => ({
  description,
  content: jsonContent(ref(schemaName)),
});

/** The body of every error answer (lib/http/api-response.ts): `error` and `message`, plus what the case adds. */
export const ErrorBody = z.object({
  error: z.string().describe('A machine-readable code, e.g. `unauthorized`, `invalid`, `rate_limited`'),
  message: z.string().describe('What went wrong, for a person'),
  fieldErrors: z
    .record(z.string(), z.array(z.string()))
    .optional()
    .describe('With 400 `invalid`: each wrong field (dotted path) and what is wrong with it'),
  current: z.unknown().optional().describe('With 409 `conflict`: the record as it is now'),
  parameter: z.string().optional().describe('With 400 `invalid_parameter`: the query parameter at fault'),
  requestId: z.string().optional().describe('With 503 and 500: quote it when reporting a problem'),
});

const retryAfterHeader = {
  'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer', minimum: 1 } },
};

/** An error answer with the shared body. */
export const errorResponse = (description: string, headers?: Json) => ({
  description,
  ...(headers ? { headers } : {}),
  content: jsonContent(ref('Error')),
});

/** 429 and 503 carry Retry-After (lib/api-keys/rate-limit.ts, lib/reports/public-rate.ts, lib/http/api-response.ts). */
export const retryLater = (description: string) => errorResponse(description, retryAfterHeader);

export const databaseUnavailable = () => retryLater('The database is unavailable; retry after Retry-After seconds');

/** Security requirements (lib/http/api-caller.ts: an API key in the Authorization header, else a staff session). */
export const apiKey = (scope: string) => ({ apiKey: [scope] });
export const staffSession = { staffSession: [] };
export const publicOperation: Json[] = [];

/** The error codes of a small JSON body (lib/http/json-body.ts). */
export const jsonBodyErrors = (maxBytes = '64 KiB') => ({
  '413': errorResponse(`The body is over ${maxBytes}`),
  '415': errorResponse('Content-Type is not application/json'),
});

/**
 * A staff change (lib/http/staff-change.ts): API keys are refused, the caller is the signed-in staff member from
 * our own pages, a malformed id is the same 404 as a missing one, then the body, the services and the version.
 */
export function staffChangeResponses(what: string, resultSchema: string, fields400: string, conflicts: string) {
  return {
    '200': ok('Changed (or already so: `changed` is false)', resultSchema),
    '400': errorResponse(`Malformed JSON (\`invalid_json\`), or not one of the accepted shapes, or ${fields400}`),
    '401': errorResponse('No staff session'),
    '403': errorResponse(
      `An API key was sent (keys cannot change ${what}s), a cross-site request, or a role that may not do this`,
    ),
    '404': errorResponse(`No ${what} with this id (a malformed id gives the same answer)`),
    '409': errorResponse(`${conflicts}; \`current\` holds the ${what} as it is now`),
    ...jsonBodyErrors(),
    '503': databaseUnavailable(),
  };
}

/** The query parameters of a zod object schema (as clients send them), each described where `descriptions` says. */
export function queryParameters(s: z.ZodObject, descriptions: Record<string, string> = {}) {
  const js = jsonSchema(s) as { properties: Record<string, Json>; required?: string[] };
  return Object.entries(js.properties).map(([name, schema]) => ({
    name,
    in: 'query',
    required: js.required?.includes(name) ?? false,
    ...(descriptions[name] ? { description: descriptions[name] } : {}),
    schema,
  }));
}

export const pathParameter = (name: string, description: string, schema: Json = { type: 'string' }) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema,
});
