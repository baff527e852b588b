import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { staffFactors } from '@/db/schema';
import { setupTestDatabase } from '@/db/testing/test-database';
import { makeStaff } from '@/lib/testing/fixtures';
import { rekeySecrets } from './rekey';
import { open, seal } from './secret-box';

const { db } = setupTestDatabase();

describe('vigil staff rekey', () => {
  it('re-encrypts every seed under the new key; a second run changes nothing; an unknown key changes nothing', async () => {
    const [oldKey, newKey, strangerKey] = [randomBytes(32), randomBytes(32), randomBytes(32)];
    const staff = await makeStaff(db(), 'agent');
    const [factor] = await db()
      .insert(staffFactors)
      .values({
        staffId: staff.actor.id,
        kind: 'totp',
        label: 'app',
        secretCiphertext: seal('JBSWY3DPEHPK3PXP', oldKey),
      })
      .returning();
    const first = await rekeySecrets(db(), oldKey, newKey);
    expect(first.rekeyed).toBeGreaterThanOrEqual(1);
    const [after] = await db().select().from(staffFactors).where(eq(staffFactors.id, factor!.id));
    expect(open(after!.secretCiphertext!, newKey)).toBe('JBSWY3DPEHPK3PXP');
    expect(() => open(after!.secretCiphertext!, oldKey)).toThrow();
    expect((await rekeySecrets(db(), oldKey, newKey)).rekeyed).toBe(0);
    await expect(rekeySecrets(db(), strangerKey, randomBytes(32))).rejects.toThrow();
    const [still] = await db().select().from(staffFactors).where(eq(staffFactors.id, factor!.id));
    expect(still!.secretCiphertext).toBe(after!.secretCiphertext);
  });
});
