import type { StaffRole } from '@/db/schema';
import { forbidden } from '@/lib/errors';
import type { Actor } from './actor';

/** The role → permission table (ARCHITECTURE.md, invariant 1). Deny by default: a permission not listed for a role is refused. */
export const permissionsByRole = {
  agent: [
    'overview.view',
    'analytics.view',
    'accounts.view',
    'accounts.viewContacts',
    'accounts.readSecurity',
    'accounts.act',
    'accounts.request2faOff',
    'alerts.view',
    'alerts.manage',
    'reports.view',
    'reports.triage',
  ],
  analyst: [
    'overview.view',
    'analytics.view',
    'accounts.view',
    'accounts.readSecurity',
    'alerts.view',
    'detection.configure',
    'detection.backtest',
    'reports.view',
    'audit.view',
  ],
  admin: [
    'overview.view',
    'analytics.view',
    'accounts.view',
    'accounts.viewContacts',
    'accounts.readSecurity',
    'accounts.act',
    'accounts.request2faOff',
    'accounts.approve2faOff',
    'alerts.view',
    'alerts.manage',
    'detection.configure',
    'detection.backtest',
    'reports.view',
    'reports.triage',
    'audit.view',
    'staff.manage',
    'apiKeys.manage',
    'webhooks.manage',
    'notifications.manage',
    'streams.manage',
    'reports.requestLink',
    'stream.events',
    'stream.alerts',
    'stream.audit',
    'retention.manage',
    'accounts.export',
    'accounts.erase',
  ],
} as const satisfies Record<StaffRole, readonly string[]>;

export type Permission = (typeof permissionsByRole)['admin'][number];
export const allPermissions: readonly Permission[] = permissionsByRole.admin;

export function roleCan(role: string | null | undefined, permission: Permission): boolean {
  if (role !== 'agent' && role !== 'analyst' && role !== 'admin') return false;
  return (permissionsByRole[role] as readonly string[]).includes(permission);
}

/** Which API-key scope grants a permission to a machine caller (reads, and the "not me" link); nothing else is open to keys. */
const scopeForPermission: Partial<Record<Permission, string>> = {
  'analytics.view': 'metrics:read',
  'alerts.view': 'alerts:read',
  'accounts.readSecurity': 'accounts:read',
  'stream.events': 'stream:events',
  'stream.alerts': 'stream:alerts',
  'stream.audit': 'stream:audit',
  'accounts.export': 'accounts:export',
  'accounts.erase': 'accounts:erase',
  // The platform asks for a "not me" link for its own messages.
  'reports.requestLink': 'reports:write',
};

export function can(actor: Actor | null | undefined, permission: Permission): boolean {
  if (!actor || actor.kind === 'public') return false;
  if (actor.kind === 'system') return true; // the operator at the shell (vigil CLI) owns the database anyway
  if (actor.kind === 'api') {
    const scope = scopeForPermission[permission];
    return scope !== undefined && actor.scopes.includes(scope);
  }
  return roleCan(actor.role, permission);
}

/** First line of every lib/data read and lib/services write. */
export function requirePermission(actor: Actor | null | undefined, permission: Permission): asserts actor is Actor {
  if (!can(actor, permission)) throw forbidden();
}
