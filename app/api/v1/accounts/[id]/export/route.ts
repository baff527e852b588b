import { apiRoute } from '@/app/_adapters/api-route';
import { exportAccount } from '@/lib/accounts/export-account';
import { log } from '@/lib/log/logger';

export const dynamic = 'force-dynamic';

/**
 * GET /api/v1/accounts/{platformAccountId}/export — everything Vigil holds about the customer as one JSON document
 * (lib/accounts/export-account.ts), streamed. An API key with accounts:export, or an admin's session (the account
 * page's download). Audited before it starts.
 */
export const GET = apiRoute<{ id: string }>(
  {
    auth: 'key-or-staff',
    scope: 'accounts:export',
    rate: 'read',
    forbidden: 'This API key may not export accounts (it needs the accounts:export scope).',
  },
  async ({ ctx, params }) => {
    const { chunks } = await exportAccount(ctx, params.id);
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const next = await chunks.next();
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(next.value));
        } catch (error) {
          // Headers are gone already: the document ends short (invalid JSON), and the log says why.
          log.error('account export failed mid-stream', { requestId: ctx.requestId, error });
          controller.error(error);
        }
      },
      async cancel() {
        await chunks.return(undefined);
      },
    });
    const file = `vigil-export-${params.id.replace(/[^\w.-]/g, '_').slice(0, 80)}.json`;
    return new Response(body, {
      status: 200,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'content-disposition': `attachment; filename="${file}"`,
        'cache-control': 'no-store',
      },
    });
  },
);
