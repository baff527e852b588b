import { env } from '@/lib/env';
import { apiRoute } from '@/app/_adapters/api-route';
import { ingestEvents } from '@/lib/ingest/ingest-batch';
import { maxBatchBytes } from '@/lib/ingest/validate-batch';

export const dynamic = 'force-dynamic';

/** The platform's events: key (401/403), rate (429), content type (415), size (413), JSON and schema (400). */
export const POST = apiRoute(
  {
    auth: 'key',
    scope: 'events:write',
    rate: 'ingest',
    maxInFlight: () => env().VIGIL_INGEST_MAX_IN_FLIGHT,
    body: {
      maxBytes: maxBatchBytes,
      tooLarge: `A batch body is at most ${maxBatchBytes} bytes (1 MiB).`,
      tooLargeReason: 'payload_too_large',
      notJson: 'Send the batch as Content-Type: application/json.',
    },
  },
  ({ ctx, body }) => ingestEvents(ctx, body),
);
