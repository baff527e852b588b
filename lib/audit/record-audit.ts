import type { Tx } from '@/db/client';
import { auditLog } from '@/db/schema';
import type { Actor } from '@/lib/auth/actor';

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
 * Writes the audit row inside the caller's transaction: if it fails, the action rolls back with it
 * (SECURITY.md #27). Every staff write goes through here.
 */
export async function recordAudit(tx: Tx, actor: Actor, entry: AuditEntry): Promise<void> {
  await tx.insert(auditLog).values({
    actorId: actor.id,
    actorEmail: actor.email,
    actorRole: actor.role,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    reason: entry.reason ?? null,
    before: withoutSecrets(entry.before),
    after: withoutSecrets(entry.after),
    requestId: actor.requestId ?? null,
    ip: actor.ip ?? null,
  });
}
