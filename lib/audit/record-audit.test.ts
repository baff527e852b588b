import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLog, staffUsers } from '@/db/schema';
import { systemActor, uniqueSuffix } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/db/testing/test-database';
import type { Actor } from '@/lib/auth/actor';
import { serviceContext, withTransaction } from '@/lib/context';
import { createStaff } from '@/lib/staff/create-staff';
import { recordAudit } from './record-audit';

const { db } = setupTestDatabase();

async function oneAuditRow() {
  await withTransaction(serviceContext(db(), systemActor), (tx) =>
    recordAudit(tx, { action: 'test.write', targetType: 'test', targetId: uniqueSuffix() }),
  );
  const [row] = await db()
    .select()
    .from(auditLog)
    .orderBy(sql`${auditLog.id} desc`)
    .limit(1);
  return row!;
}

describe('audit log', () => {
  it('refuses UPDATE, DELETE and TRUNCATE in the database itself', async () => {
    const row = await oneAuditRow();
    await expect(db().execute(sql`update audit_log set action = 'tampered' where id = ${row.id}`)).rejects.toThrow();
    await expect(db().execute(sql`delete from audit_log where id = ${row.id}`)).rejects.toThrow();
    await expect(db().execute(sql`truncate audit_log`)).rejects.toThrow();
    const [still] = await db().select().from(auditLog).where(eq(auditLog.id, row.id));
    expect(still?.action).toBe('test.write');
  });

  it('never stores secret fields in before/after snapshots', async () => {
    await withTransaction(serviceContext(db(), systemActor), (tx) =>
      recordAudit(tx, {
        action: 'test.secret',
        targetType: 'test',
        targetId: 'secret-check',
        after: { role: 'admin', passwordHash: 'x', password: 'y', sessionToken: 'z', apiKey: 'k' },
      }),
    );
    const [row] = await db().select().from(auditLog).where(eq(auditLog.targetId, 'secret-check'));
    expect(row!.after).toEqual({ role: 'admin' });
  });

  it('rolls the action back when the audit row cannot be written', async () => {
    const email = `rollback.${uniqueSuffix()}@test.vigil`;
    // An actor the audit table rejects (actor e-mail is NOT NULL) makes the audit insert fail.
    const broken = { ...systemActor, email: null } as unknown as Actor;
    await expect(
      createStaff(serviceContext(db(), broken), { email, name: 'Rollback', role: 'agent' }),
    ).rejects.toThrow();
    expect(await db().select().from(staffUsers).where(eq(staffUsers.email, email))).toHaveLength(0);
  });
});
