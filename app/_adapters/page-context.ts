import { headers } from 'next/headers';
import { getDb } from '@/lib/database';
import { requireStaff } from '@/lib/auth/current-actor';
import { serviceContext, type ServiceContext } from '@/lib/context';
import { clientIp } from './client-ip';

/**
 * The service context of a console page (a server component): the signed-in staff member, or a redirect to
 * sign-in. Pages pass it to lib/ reads, which check the permission themselves.
 */
export async function pageContext(): Promise<ServiceContext> {
  const actor = await requireStaff();
  const h = await headers();
  return serviceContext(await getDb(), actor, { requestId: h.get('x-request-id'), clientIp: clientIp(h) });
}
