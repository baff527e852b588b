import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { settings } from '@/db/schema';

/**
 * The next-auth secret when none is configured: generated once and kept in the database, so every Vigil
 * server of an installation shares it and it survives restarts.
 */
export async function installationSecret(db: Db): Promise<string> {
  await db
    .insert(settings)
    .values({ key: 'nextauth_secret', value: randomBytes(32).toString('base64url') })
    .onConflictDoNothing();
  const [row] = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, 'nextauth_secret'));
  if (typeof row?.value !== 'string') throw new Error('could not read the installation secret');
  return row.value;
}
