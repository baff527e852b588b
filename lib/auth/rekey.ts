import { eq, isNotNull } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { staffFactors } from '@/db/schema';
import { open, seal } from './secret-box';

/**
 * Re-encrypts every staff secret (authenticator seeds) from `from` to `to`, in one transaction: after a key
 * rotation (`vigil staff rekey`), or when moving from the key file to VIGIL_ENCRYPTION_KEY. A secret already under
 * `to` is left as it is, so a repeated run is harmless; one that neither key opens stops the run and changes nothing.
 */
export async function rekeySecrets(
  db: DbOrTx,
  from: Buffer,
  to: Buffer,
): Promise<{ rekeyed: number; already: number }> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .select({ id: staffFactors.id, sealed: staffFactors.secretCiphertext })
      .from(staffFactors)
      .where(isNotNull(staffFactors.secretCiphertext))
      .for('update');
    let rekeyed = 0;
    let already = 0;
    for (const row of rows) {
      let plain: string;
      try {
        plain = open(row.sealed!, from);
      } catch {
        open(row.sealed!, to); // throws when neither key opens it: the transaction rolls back
        already += 1;
        continue;
      }
      await tx
        .update(staffFactors)
        .set({ secretCiphertext: seal(plain, to) })
        .where(eq(staffFactors.id, row.id));
      rekeyed += 1;
    }
    return { rekeyed, already };
  });
}
