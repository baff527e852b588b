import NextAuth from 'next-auth';
import { clientIp } from '@/app/_adapters/client-ip';
import { authOptions } from '@/lib/auth/next-auth';

// next-auth's own handler (sign-in, sign-out, CSRF, the SSO callback); the client's address and user agent go into
// the session row and the sign-in audit rows.
const handler = (req: Request, ctx: { params: Promise<{ nextauth: string[] }> }) =>
  (
    NextAuth(authOptions({ clientIp: clientIp(req.headers), userAgent: req.headers.get('user-agent') })) as (
      req: Request,
      ctx: unknown,
    ) => Promise<Response>
  )(req, ctx);

export { handler as GET, handler as POST };
