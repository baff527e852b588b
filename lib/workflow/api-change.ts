import { z } from 'zod';
import { invalid, notFound } from '@/lib/errors';

/**
 * The first step of a staff change sent over the API (PATCH /api/v1/alerts/{id}, /api/v1/reports/{id}): a
 * malformed id is the same not-found as a missing one (ids cannot be probed), and the body must have one of the
 * shapes `body` accepts; the verb it then goes to checks each value and the actor's role.
 */
export function parseApiChange<T>(
  id: string,
  rawBody: unknown,
  spec: { missing: string; body: z.ZodType<T>; shapes: string },
): T {
  if (!z.uuid().safeParse(id).success) throw notFound(spec.missing);
  const parsed = spec.body.safeParse(rawBody);
  if (!parsed.success) {
    throw invalid(`Send ${spec.shapes}.`, { _: ['one change per request: status or assigneeId, with version'] });
  }
  return parsed.data;
}
