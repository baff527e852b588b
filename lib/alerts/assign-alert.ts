import { z } from 'zod';
import { authorize, type ServiceContext } from '@/lib/context';
import { parseInput } from '@/lib/validation';
import { assignCase } from '@/lib/workflow/assign-case';
import { alertCase, AlertRef, type AlertChangeResult } from './alert-workflow';

const AssignInput = AlertRef.extend({ assigneeId: z.uuid('is not a staff id').nullable() });

/** Sets who works the alert (an active agent or admin), or nobody. Closed alerts keep their assignee. */
export async function assignAlert(
  ctx: ServiceContext,
  input: { alertId: string; version: number | string; assigneeId: string | null },
): Promise<AlertChangeResult> {
  authorize(ctx, 'alerts.manage');
  const data = parseInput(AssignInput, input);
  const { changed, message, state } = await assignCase(ctx, alertCase, { ...data, id: data.alertId });
  return { changed, message, alert: state };
}
