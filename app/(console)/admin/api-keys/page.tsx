import type { Metadata } from 'next';
import { DataTable } from '@/components/tables/data-table';
import { notFound } from 'next/navigation';
import { pageContext } from '@/app/_adapters/page-context';
import { CreateApiKeyForm } from '@/components/forms/create-api-key-form';
import { RevokeApiKeyButton } from '@/components/forms/revoke-api-key-button';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { mono, td } from '@/components/ui/styles';
import { TimeAgo } from '@/components/ui/time-ago';
import { can } from '@/lib/auth/permissions';
import { apiKeyScopes } from '@/lib/api-keys/api-key-schemas';
import { listApiKeys } from '@/lib/api-keys/list-api-keys';

export const metadata: Metadata = { title: 'API keys' };

export default async function ApiKeysPage() {
  const ctx = await pageContext();
  if (!can(ctx.actor, 'apiKeys.manage')) notFound();
  const keys = await listApiKeys(ctx);
  const now = new Date();
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-xl font-semibold">API keys</h1>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Keys let the platform post events and read state. Send them as{' '}
          <code className={mono}>Authorization: Bearer &lt;key&gt;</code>. Vigil stores only a hash: a key is shown
          once, when it is created. The API is described at{' '}
          <a href="/api/v1/openapi.json" className="text-indigo-700 hover:underline dark:text-indigo-300">
            /api/v1/openapi.json
          </a>
          .
        </p>
      </div>
      <Card title="Create an API key">
        <CreateApiKeyForm scopes={apiKeyScopes} />
      </Card>
      {keys.length === 0 ? (
        <EmptyState title="No API keys yet">
          Create one above for each service of the platform that sends events, so each can be revoked on its own.
        </EmptyState>
      ) : (
        <DataTable label="API keys" columns={['Name', 'Key', 'Scopes', 'Created', 'Last used', 'State']}>
          {keys.map((k) => (
            <tr key={k.id}>
              <td className={td}>{k.name}</td>
              <td className={`${td} ${mono}`}>{k.prefix}…</td>
              <td className={td}>
                <div className="flex flex-wrap gap-1">
                  {k.scopes.map((s) => (
                    <Badge key={s}>{s}</Badge>
                  ))}
                </div>
              </td>
              <td className={td}>
                <TimeAgo date={k.createdAt} now={now} />{' '}
                <span className="text-xs text-slate-500">by {k.createdBy}</span>
              </td>
              <td className={td}>
                <TimeAgo date={k.lastUsedAt} now={now} />
              </td>
              <td className={td}>
                {k.revokedAt ? (
                  <Badge tone="critical">revoked</Badge>
                ) : (
                  <RevokeApiKeyButton apiKeyId={k.id} name={k.name} />
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </div>
  );
}
