import { streamRoute } from '../stream-route';

export const dynamic = 'force-dynamic';

/** GET /api/v1/stream/events — an API key with the stream:events scope (app/api/v1/stream/stream-route.ts). */
export const GET = streamRoute('events');
