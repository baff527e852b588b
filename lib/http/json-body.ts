import { ApiError } from './api-error';

const defaultMaxBytes = 64 * 1024;

/** A small JSON request body: 415 unless it is sent as JSON, 413 over `maxBytes`, 400 if it does not parse. */
export async function jsonBody(request: Request, maxBytes = defaultMaxBytes): Promise<unknown> {
  if (!(request.headers.get('content-type') ?? '').toLowerCase().startsWith('application/json'))
    throw new ApiError(415, 'unsupported_media_type', 'Send JSON (Content-Type: application/json).');
  const text = await request.text();
  if (Buffer.byteLength(text) > maxBytes) throw new ApiError(413, 'too_large', `The body is over ${maxBytes} bytes.`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError(400, 'invalid_json', 'The body is not valid JSON.');
  }
}
