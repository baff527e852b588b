import { ServiceError } from '@/lib/errors';
import { IngestEvent } from './event-schema';

export const maxEventsPerBatch = 1000;
export const maxBatchBytes = 1024 * 1024;

export interface EventIssue {
  index: number | null;
  path: string;
  message: string;
}

const invalidEvents = (message: string, details: EventIssue[]) =>
  new ServiceError('invalid', message, { reason: 'invalid_events', extra: { details } });

/**
 * Checks a parsed body against the contract. Any invalid event rejects the whole batch (nothing of it is
 * stored), with every issue named by event index and path.
 */
export function validateBatch(body: unknown): IngestEvent[] {
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { events?: unknown }).events)) {
    throw invalidEvents('The body must be an object with an "events" array.', [
      { index: null, path: 'events', message: 'required: an array of 1 to 1000 events' },
    ]);
  }
  const raw = (body as { events: unknown[] }).events;
  if (raw.length > maxEventsPerBatch) {
    throw new ServiceError(
      'too_large',
      `A batch holds at most ${maxEventsPerBatch} events; this one has ${raw.length}.`,
      {
        reason: 'payload_too_large',
      },
    );
  }
  if (raw.length === 0) {
    throw invalidEvents('The batch is empty.', [
      { index: null, path: 'events', message: 'must contain 1 to 1000 events' },
    ]);
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
    throw invalidEvents(
      `${new Set(details.map((d) => d.index)).size} of ${raw.length} events are invalid; nothing was stored.`,
      details.slice(0, 100),
    );
  }
  return events;
}
