import { getDb, type Db } from '@/db/client';
import { authenticateApiKey } from '@/lib/api-keys/authenticate-api-key';
import { consumeApiRate } from '@/lib/api-keys/rate-limit';
import { env } from '@/lib/env';
import { ApiError } from '@/lib/http/api-error';
import { handleApi, json } from '@/lib/http/api-response';
import { withDeadline } from '@/lib/http/database-errors';
import { ingestBatch } from './ingest-batch';
import { maxBatchBytes, validateBatch } from './validate-batch';

async function readLimited(request: Request, limit: number): Promise<string> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(chunks));
}

const tooLarge = () =>
  new ApiError(413, 'payload_too_large', `A batch body is at most ${maxBatchBytes} bytes (1 MiB).`);

/**
 * POST /api/v1/events. Checks run in the contract's order: key (401/403), rate (429), content type (415),
 * size (413), JSON and schema (400); then the batch is stored all-or-nothing.
 */
export function handleIngestRequest(
  request: Request,
  options: { db?: () => Promise<Db>; ratePerSecond?: number } = {},
): Promise<Response> {
  // One deadline for the whole request: a hanging database gets a 503 within 5 s, not 5 s per query.
  return handleApi(request, () => withDeadline(ingest(request, options)));
}

async function ingest(
  request: Request,
  options: { db?: () => Promise<Db>; ratePerSecond?: number },
): Promise<Response> {
  const db = await (options.db ?? getDb)();
  const client = await authenticateApiKey(db, request, 'events:write');
  await consumeApiRate(db, client.keyId, options.ratePerSecond ?? env().VIGIL_INGEST_RATE_LIMIT);
  const contentType = request.headers.get('content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(contentType)) {
    throw new ApiError(415, 'unsupported_media_type', 'Send the batch as Content-Type: application/json.');
  }
  const text = await readLimited(request, maxBatchBytes);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiError(400, 'invalid_json', 'The body is not valid JSON.');
  }
  const events = validateBatch(body);
  const result = await ingestBatch(db, events);
  return json({ accepted: result.accepted, duplicates: result.duplicates });
}
