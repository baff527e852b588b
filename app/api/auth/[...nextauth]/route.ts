import NextAuth from 'next-auth';
import { clientIp } from '@/app/_adapters/client-ip';
import { authOptions } from '@/lib/auth/next-auth';

// next-auth's own handler (sign-in, sign-out, CSRF); the client's address goes into the sign-in audit rows.
const handler = (req: Request, ctx: { params: Promise<{ nextauth: string[] }> }) =>
  (NextAuth(authOptions({ clientIp: clientIp(req.headers) })) as (req: Request, ctx: unknown) => Promise<Response>)(
    req,
    ctx,
  );

export { handler as GET, handler as POST };
