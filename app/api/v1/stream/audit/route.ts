import { streamRoute } from '../stream-route';

export const dynamic = 'force-dynamic';

/** GET /api/v1/stream/audit — an API key with the stream:audit scope (app/api/v1/stream/stream-route.ts). */
export const GET = streamRoute('audit');
