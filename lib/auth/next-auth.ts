import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import type { OAuthConfig } from 'next-auth/providers/oauth';
import { z } from 'zod';
import { getDb } from '@/lib/database';
import { env, isHttps } from '@/lib/env';
import { log } from '@/lib/log/logger';
import { oidcSettings, signInWithOidc, type OidcSettings } from './oidc';
import { signInWithPasskey } from './passkeys';
import { endStaffSession, sessionAbsoluteMs } from './staff-session';
import { signInStaff } from './staff-sign-in';

const SignInCredentials = z.object({
  email: z.string().trim().min(1).max(320),
  password: z.string().min(1).max(1024),
});

declare module 'next-auth/jwt' {
  interface JWT {
    /** The staff-session token; its SHA-256 is the session row's key. Encrypted inside the JWE cookie. */
    sid?: string;
  }
}

function header(headers: unknown, name: string): string | null {
  if (!headers || typeof headers !== 'object') return null;
  const value = (headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : null;
}

export function sessionCookieName(): string {
  return isHttps() ? '__Secure-next-auth.session-token' : 'next-auth.session-token';
}

/** The provider id of staff single sign-on: its callback is /api/auth/callback/oidc. */
export const oidcProviderId = 'oidc';

/** The IdP's claims, kept whole on the next-auth profile: signInWithOidc decides what they are worth. */
type OidcProfile = Record<string, unknown> & { sub: string };

function oidcProvider(settings: OidcSettings): OAuthConfig<OidcProfile> {
  return {
    id: oidcProviderId,
    name: settings.name,
    type: 'oauth',
    wellKnown: `${settings.issuer}/.well-known/openid-configuration`,
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    authorization: { params: { scope: 'openid email profile' + (settings.roleClaim ? ` ${settings.roleClaim}` : '') } },
    // The ID token's signature, issuer, audience and nonce are checked by openid-client; its claims are the profile.
    idToken: true,
    checks: ['pkce', 'state', 'nonce'],
    profile: (claims) => ({ id: String(claims.sub), email: typeof claims.email === 'string' ? claims.email : null }),
  };
}

/**
 * `clientIp` and `userAgent`: the client's, as the route adapter reads them (app/_adapters/client-ip.ts); they go
 * into the session row and the sign-in audit rows.
 */
export function authOptions(request: { clientIp?: string | null; userAgent?: string | null } = {}): NextAuthOptions {
  const sso = oidcSettings();
  return {
    secret: env().NEXTAUTH_SECRET,
    useSecureCookies: isHttps(),
    session: { strategy: 'jwt', maxAge: sessionAbsoluteMs / 1000 },
    pages: { signIn: '/login', error: '/login' },
    providers: [
      CredentialsProvider({
        name: 'Vigil',
        credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
        async authorize(credentials, req) {
          const parsed = SignInCredentials.safeParse(credentials);
          if (!parsed.success) return null;
          try {
            const result = await signInStaff(await getDb(), {
              ...parsed.data,
              ip: request.clientIp ?? null,
              userAgent: header(req.headers, 'user-agent'),
            });
            if (!result.ok) return null;
            return { id: result.staffId, sessionToken: result.token } as { id: string };
          } catch (error) {
            // next-auth would put a thrown message (SQL, hosts) into the redirect URL: log it, answer generically.
            log.error('staff sign-in failed unexpectedly', { requestId: header(req.headers, 'x-request-id'), error });
            return null;
          }
        },
      }),
      // "Sign in with a passkey": no password; the passkey (user verification required) is both factors and is never
      // locked out by failed password guesses (lib/auth/passkeys.ts).
      CredentialsProvider({
        id: 'passkey',
        name: 'Passkey',
        credentials: { response: { label: 'Passkey response', type: 'text' } },
        async authorize(credentials, req) {
          try {
            const response: unknown = JSON.parse(String(credentials?.response ?? 'null'));
            const result = await signInWithPasskey(await getDb(), response, {
              ip: request.clientIp ?? null,
              userAgent: header(req.headers, 'user-agent'),
            });
            return result.ok ? ({ id: result.staffId, sessionToken: result.token } as { id: string }) : null;
          } catch (error) {
            log.error('passkey sign-in failed unexpectedly', { requestId: header(req.headers, 'x-request-id'), error });
            return null;
          }
        },
      }),
      ...(sso ? [oidcProvider(sso)] : []),
    ],
    callbacks: {
      // Single sign-on: the IdP proved who it is; Vigil decides whether they get in (a refusal shows on /login).
      async signIn({ user, account, profile }) {
        if (account?.provider !== oidcProviderId) return true;
        if (!sso || !profile) return false;
        try {
          const result = await signInWithOidc(await getDb(), sso, profile as Record<string, unknown>, {
            ip: request.clientIp ?? null,
            userAgent: request.userAgent ?? null,
          });
          if (!result.ok) return false;
          // Without an adapter, next-auth hands this same object to the jwt callback below.
          (user as { sessionToken?: string }).sessionToken = result.token;
          return true;
        } catch (error) {
          log.error('single sign-on failed unexpectedly', { error });
          return false;
        }
      },
      jwt({ token, user }) {
        if (user) {
          token.sid = (user as { sessionToken?: string }).sessionToken;
          delete token.email;
          delete token.name;
          delete token.picture;
        }
        return token;
      },
      // The client-visible session carries nothing but its expiry; identity is read on the server.
      session({ session }) {
        return { expires: session.expires };
      },
    },
    events: {
      async signOut({ token }) {
        if (token.sid) await endStaffSession(await getDb(), token.sid, { clientIp: request.clientIp ?? null });
      },
    },
    logger: {
      error: (code, metadata) =>
        log.error('next-auth error', { code, metadata: metadata instanceof Error ? metadata.message : undefined }),
      warn: (code) => log.warn('next-auth warning', { code }),
      debug: () => undefined,
    },
  };
}
