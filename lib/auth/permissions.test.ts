import { describe, expect, it } from 'vitest';
import { allPermissions, can, requirePermission, roleCan, type Permission } from './permissions';
import type { StaffActor } from './actor';

// The role table of the README ("Who may do what"), written out by hand: a change to permissions.ts must change this too.
const expected: Record<Permission, { agent: boolean; analyst: boolean; admin: boolean }> = {
  'overview.view': { agent: true, analyst: true, admin: true },
  'analytics.view': { agent: true, analyst: true, admin: true },
  'accounts.view': { agent: true, analyst: true, admin: true },
  'accounts.viewContacts': { agent: true, analyst: false, admin: true },
  'accounts.readSecurity': { agent: true, analyst: true, admin: true },
  'accounts.act': { agent: true, analyst: false, admin: true },
  'accounts.request2faOff': { agent: true, analyst: false, admin: true },
  'accounts.approve2faOff': { agent: false, analyst: false, admin: true },
  'alerts.view': { agent: true, analyst: true, admin: true },
  'alerts.manage': { agent: true, analyst: false, admin: true },
  'detection.configure': { agent: false, analyst: true, admin: true },
  'detection.backtest': { agent: false, analyst: true, admin: true },
  'reports.view': { agent: true, analyst: true, admin: true },
  'reports.triage': { agent: true, analyst: false, admin: true },
  'audit.view': { agent: false, analyst: true, admin: true },
  'staff.manage': { agent: false, analyst: false, admin: true },
  'apiKeys.manage': { agent: false, analyst: false, admin: true },
  'webhooks.manage': { agent: false, analyst: false, admin: true },
  'notifications.manage': { agent: false, analyst: false, admin: true },
  'streams.manage': { agent: false, analyst: false, admin: true },
  'reports.requestLink': { agent: false, analyst: false, admin: true },
  'stream.events': { agent: false, analyst: false, admin: true },
  'stream.alerts': { agent: false, analyst: false, admin: true },
  'stream.audit': { agent: false, analyst: false, admin: true },
  'retention.manage': { agent: false, analyst: false, admin: true },
  'accounts.export': { agent: false, analyst: false, admin: true },
  'accounts.erase': { agent: false, analyst: false, admin: true },
};

const actor = (role: StaffActor['role']): StaffActor => ({
  kind: 'staff',
  id: 'x',
  email: 'x@y.z',
  name: 'X',
  role,
  sessionId: 's',
});

describe('permission table', () => {
  it('covers every permission', () => {
    expect(Object.keys(expected).sort()).toEqual([...allPermissions].sort());
  });

  for (const permission of allPermissions) {
    for (const role of ['agent', 'analyst', 'admin'] as const) {
      it(`${role} ${expected[permission][role] ? 'may' : 'may not'} ${permission}`, () => {
        expect(roleCan(role, permission)).toBe(expected[permission][role]);
        expect(can(actor(role), permission)).toBe(expected[permission][role]);
        if (expected[permission][role]) expect(() => requirePermission(actor(role), permission)).not.toThrow();
        else
          expect(() => requirePermission(actor(role), permission)).toThrow(
            expect.objectContaining({ code: 'forbidden' }),
          );
      });
    }
  }

  it('denies no actor, no role and unknown roles everything', () => {
    for (const permission of allPermissions) {
      expect(can(null, permission)).toBe(false);
      expect(roleCan(undefined, permission)).toBe(false);
      expect(roleCan('superuser', permission)).toBe(false);
      expect(roleCan('', permission)).toBe(false);
      expect(() => requirePermission(undefined, permission)).toThrow(expect.objectContaining({ code: 'forbidden' }));
    }
  });

  it('lets the CLI operator do everything', () => {
    for (const permission of allPermissions)
      expect(can({ kind: 'system', id: null, email: 'cli:root', role: 'system' }, permission)).toBe(true);
  });
});
