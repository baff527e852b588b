import { ServiceError } from '@/lib/errors';

export interface JsonBodyOptions {
  maxBytes?: number;
  /** The 413 message; the default names the cap. */
  tooLarge?: string;
  /** The `error` of a 413 (the ingest contract says `payload_too_large`). */
  tooLargeReason?: string;
  /** The 415 message. */
  notJson?: string;
}

const defaultMaxBytes = 64 * 1024;

/**
 * A JSON request body, read as a stream and cut off at the cap (a declared Content-Length over it is refused
 * before a byte is read): 415 unless it is sent as JSON, 413 over the cap, 400 if it does not parse.
 */
export async function readJsonBody(request: Request, options: JsonBodyOptions = {}): Promise<unknown> {
  const maxBytes = options.maxBytes ?? defaultMaxBytes;
  if (!/^application\/json\s*(;|$)/i.test(request.headers.get('content-type') ?? '')) {
    throw new ServiceError('unsupported_media_type', options.notJson ?? 'Send JSON (Content-Type: application/json).');
  }
  const tooLarge = () =>
    new ServiceError('too_large', options.tooLarge ?? `The body is over ${maxBytes} bytes.`, {
      reason: options.tooLargeReason,
    });
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  let text = '';
  if (request.body) {
    const reader = request.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        throw tooLarge();
      }
      chunks.push(value);
    }
    text = new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(chunks));
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ServiceError('invalid', 'The body is not valid JSON.', { reason: 'invalid_json' });
  }
}
