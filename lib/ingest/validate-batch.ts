import { ApiError } from '@/lib/http/api-error';
import { IngestEvent } from './event-schema';

export const maxEventsPerBatch = 1000;
export const maxBatchBytes = 1024 * 1024;

export interface EventIssue {
  index: number | null;
  path: string;
  message: string;
}

/**
 * Checks a parsed body against the contract. Any invalid event rejects the whole batch (nothing of it is
 * stored), with every issue named by event index and path.
 */
export function validateBatch(body: unknown): IngestEvent[] {
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { events?: unknown }).events)) {
    throw new ApiError(400, 'invalid_events', 'The body must be an object with an "events" array.', {
      details: [
        { index: null, path: 'events', message: 'required: an array of 1 to 1000 events' },
      ] satisfies EventIssue[],
    });
  }
  const raw = (body as { events: unknown[] }).events;
  if (raw.length > maxEventsPerBatch) {
    throw new ApiError(
      413,
      'payload_too_large',
      `A batch holds at most ${maxEventsPerBatch} events; this one has ${raw.length}.`,
    );
  }
  if (raw.length === 0) {
    throw new ApiError(400, 'invalid_events', 'The batch is empty.', {
      details: [{ index: null, path: 'events', message: 'must contain 1 to 1000 events' }],
    });
  }
  const events: IngestEvent[] = [];
  const details: EventIssue[] = [];
  raw.forEach((candidate, index) => {
    const parsed = IngestEvent.safeParse(candidate);
    if (parsed.success) events.push(parsed.data);
    else
      for (const issue of parsed.error.issues)
        details.push({ index, path: ['events', index, ...issue.path].join('.'), message: issue.message });
  });
  if (details.length > 0) {
    throw new ApiError(
      400,
      'invalid_events',
      `${new Set(details.map((d) => d.index)).size} of ${raw.length} events are invalid; nothing was stored.`,
      {
        details: details.slice(0, 100),
      },
    );
  }
  return events;
}
