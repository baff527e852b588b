import { z } from 'zod';
import { getDb, type Db } from '@/db/client';
import type { StaffActor } from '@/lib/auth/actor';
import { invalid, notFound } from '@/lib/errors';
import { ApiError } from './api-error';
import { sessionCaller } from './api-caller';
import { handleApi, json } from './api-response';
import { withDeadline } from './database-errors';
import { jsonBody } from './json-body';

/**
 * One staff change to one record over the machine API (PATCH /api/v1/alerts/{id}, /api/v1/reports/{id}).
 * API keys are refused (they read or file, they never act); the caller is the signed-in staff member, from
 * our own pages; a malformed id is the same 404 as a missing one; the body must have one of the shapes
 * `body` accepts (the services then check each value and the actor's role) → 200 with the result.
 */
export function handleStaffChange<T>(
  request: Request,
  id: string,
  options: { db?: () => Promise<Db> },
  spec: {
    keyRefusal: string;
    missing: string;
    body: z.ZodType<T>;
    shapes: string;
    apply: (db: Db, actor: StaffActor, change: T) => Promise<unknown>;
  },
): Promise<Response> {
  return handleApi(request, () =>
    withDeadline(
      (async () => {
        const db = await (options.db ?? getDb)();
        if (request.headers.has('authorization')) throw new ApiError(403, 'forbidden', spec.keyRefusal);
        const actor = await sessionCaller(request);
        if (!z.uuid().safeParse(id).success) throw notFound(spec.missing);
        const parsed = spec.body.safeParse(await jsonBody(request));
        if (!parsed.success)
          throw invalid(`Send ${spec.shapes}.`, { _: ['one change per request: status or assigneeId, with version'] });
        return json(await spec.apply(db, actor, parsed.data));
      })(),
    ),
  );
}
