import { streamRoute } from '../stream-route';

export const dynamic = 'force-dynamic';

/** GET /api/v1/stream/alerts — an API key with the stream:alerts scope (app/api/v1/stream/stream-route.ts). */
export const GET = streamRoute('alerts');
