import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '@/db/client';

/** The work queues behind Vigil's background loops, as GET /metrics reports them (lib/monitoring/metrics.ts). */
export interface QueueDepths {
  /** Batches whose detection has not finished (lib/detection/backlog.ts), and how old the oldest is. */
  detectionBacklogRows: number;
  detectionBacklogOldestSeconds: number;
  /** Webhooks and customer notices not delivered yet, retries included (lib/outbox/worker.ts), and the oldest's age. */
  outboxPendingRows: number;
  outboxOldestPendingSeconds: number;
  /** The same per destination: `webhook` (the platform), `notice` (customers), `channel` (the security team). */
  outboxByDestination: Record<'webhook' | 'notice' | 'channel', { pending: number; oldestSeconds: number }>;
  /** Notification channels whose last attempt failed (nobody is told through them until they recover). */
  channelsFailing: number;
}

/** One round trip; an empty queue has age 0. */
export async function readQueueDepths(db: Db): Promise<QueueDepths> {
  const [row] = await queryRows<Record<Exclude<keyof QueueDepths, 'outboxByDestination'>, string | number | null>>(
    db,
    sql`select
          (select count(*) from detection_backlog) as "detectionBacklogRows",
          (select extract(epoch from now() - min(created_at)) from detection_backlog) as "detectionBacklogOldestSeconds",
          (select count(*) from outbox where status = 'pending') as "outboxPendingRows",
          (select extract(epoch from now() - min(created_at)) from outbox where status = 'pending') as "outboxOldestPendingSeconds",
          (select count(*) from notification_channels where failing_since is not null) as "channelsFailing"`,
  );
  const perKind = await queryRows<{ kind: string; pending: string | number; oldest: string | number | null }>(
    db,
    sql`select kind, count(*) as pending, extract(epoch from now() - min(created_at)) as oldest
          from outbox where status = 'pending' group by kind`,
  );
  const number = (value: string | number | null | undefined) => Math.max(0, Number(value ?? 0));
  return {
    detectionBacklogRows: number(row?.detectionBacklogRows),
    detectionBacklogOldestSeconds: number(row?.detectionBacklogOldestSeconds),
    outboxPendingRows: number(row?.outboxPendingRows),
    outboxOldestPendingSeconds: number(row?.outboxOldestPendingSeconds),
    outboxByDestination: Object.fromEntries(
      (['webhook', 'notice', 'channel'] as const).map((kind) => {
        const found = perKind.find((k) => k.kind === kind);
        return [kind, { pending: number(found?.pending), oldestSeconds: number(found?.oldest) }];
      }),
    ) as QueueDepths['outboxByDestination'],
    channelsFailing: number(row?.channelsFailing),
  };
}
