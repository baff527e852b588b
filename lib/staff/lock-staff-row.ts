import { eq } from 'drizzle-orm';
import { staffUsers } from '@/db/schema';
import type { TxContext } from '@/lib/context';
import { notFound } from '@/lib/errors';

/**
 * Loads the staff row and locks it for the rest of the transaction, so two admins cannot interleave changes
 * to one member. Unknown ids get not-found. The verb that calls it has already authorized.
 */
export async function lockStaffRow(tx: TxContext, staffId: string) {
  const [row] = await tx.db.select().from(staffUsers).where(eq(staffUsers.id, staffId)).for('update');
  if (!row) throw notFound('Staff member not found');
  return row;
}
