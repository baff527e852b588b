import { eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { staffUsers } from '@/db/schema';
import { notFound } from '@/lib/errors';

/** Locks the staff row for the rest of the transaction; unknown ids and malformed ids get the same 404. */
export async function lockStaff(tx: DbOrTx, staffId: string) {
  const [row] = await tx.select().from(staffUsers).where(eq(staffUsers.id, staffId)).for('update');
  if (!row) throw notFound('Staff member not found');
  return row;
}

export async function staffIdByEmail(db: DbOrTx, email: string): Promise<string> {
  const [row] = await db
    .select({ id: staffUsers.id })
    .from(staffUsers)
    .where(sql`lower(${staffUsers.email}) = ${email.trim().toLowerCase()}`);
  if (!row) throw notFound(`No staff member with e-mail ${email}`);
  return row.id;
}
