import { auditLog } from '@/db/schema';
import type { TxContext } from '@/lib/context';

export interface AuditEntry {
  /** `entity.verb`, e.g. `staff.disable`. */
  action: `${string}.${string}`;
  targetType: string;
  targetId: string;
  reason?: string | null;
  /** Only the changed fields, never a secret (hashes, tokens, passwords). */
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

/** Field names that hold secrets (exact names or suffixes), never a field that merely mentions a password. */
const secretField =
  /^(password|secret|token|key|apiKey)$|(Hash|Token|Secret|Password)$|^(password_hash|token_hash|api_key)$/i;

function withoutSecrets(snapshot: Record<string, unknown> | null | undefined) {
  if (!snapshot) return null;
  return Object.fromEntries(Object.entries(snapshot).filter(([k]) => !secretField.test(k)));
}

/**
 * Writes the audit row inside the caller's transaction: if it fails, the change rolls back with it. Every
 * staff write goes through here; the actor, request id and client IP come from the service context.
 */
export async function recordAudit(ctx: TxContext, entry: AuditEntry): Promise<void> {
  await ctx.db.insert(auditLog).values({
    actorId: ctx.actor.id,
    actorEmail: ctx.actor.email,
    actorRole: ctx.actor.role,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    reason: entry.reason ?? null,
    before: withoutSecrets(entry.before),
    after: withoutSecrets(entry.after),
    requestId: ctx.requestId ?? ctx.actor.requestId ?? null,
    ip: ctx.clientIp ?? ctx.actor.ip ?? null,
  });
}
