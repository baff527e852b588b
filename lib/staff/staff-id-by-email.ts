import { sql } from 'drizzle-orm';
import { staffUsers } from '@/db/schema';
import { authorize, type ServiceContext } from '@/lib/context';
import { notFound } from '@/lib/errors';

/** The id of the staff member with this e-mail (any case): how the CLI names whom a command is about. */
export async function staffIdByEmail(ctx: ServiceContext, email: string): Promise<string> {
  authorize(ctx, 'staff.manage');
  const [row] = await ctx.db
    .select({ id: staffUsers.id })
    .from(staffUsers)
    .where(sql`lower(${staffUsers.email}) = ${email.trim().toLowerCase()}`);
  if (!row) throw notFound(`No staff member with e-mail ${email}`);
  return row.id;
}
