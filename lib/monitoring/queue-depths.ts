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
}

/** One round trip; an empty queue has age 0. */
export async function readQueueDepths(db: Db): Promise<QueueDepths> {
  const [row] = await queryRows<Record<keyof QueueDepths, string | number | null>>(
    db,
    sql`select
          (select count(*) from detection_backlog) as "detectionBacklogRows",
          (select extract(epoch from now() - min(created_at)) from detection_backlog) as "detectionBacklogOldestSeconds",
          (select count(*) from outbox where status = 'pending') as "outboxPendingRows",
          (select extract(epoch from now() - min(created_at)) from outbox where status = 'pending') as "outboxOldestPendingSeconds"`,
  );
  const number = (value: string | number | null | undefined) => Math.max(0, Number(value ?? 0));
  return {
    detectionBacklogRows: number(row?.detectionBacklogRows),
    detectionBacklogOldestSeconds: number(row?.detectionBacklogOldestSeconds),
    outboxPendingRows: number(row?.outboxPendingRows),
    outboxOldestPendingSeconds: number(row?.outboxOldestPendingSeconds),
  };
}
