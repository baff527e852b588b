import { NextResponse, type NextRequest } from 'next/server';

/*
 * Runs before every request: gives it a request id, a CSP nonce and the security headers, and sends
 * signed-out visitors of staff pages to sign-in. It is a convenience, never the check: every page,
 * route and action authorizes again in lib/ (a request that skips this proxy gets nothing more).
 */

const publicPages = ['/login', '/report', '/enrol'];
const sessionCookies = ['next-auth.session-token', '__Secure-next-auth.session-token'];

function isHttps(): boolean {
  return (process.env.NEXTAUTH_URL ?? '').startsWith('https:');
}

function contentSecurityPolicy(nonce: string): string {
  const dev = process.env.NODE_ENV === 'development';
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    // Charts set inline style attributes, which a nonce cannot cover.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(isHttps() ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const isPublic = publicPages.some((p) => pathname === p || pathname.startsWith(`${p}/`));
  if (!isPublic && !sessionCookies.some((name) => request.cookies.has(name))) {
    const login = new URL('/login', request.url);
    if (pathname !== '/') login.searchParams.set('callbackUrl', pathname + search);
    return NextResponse.redirect(login);
  }

  const requestId = crypto.randomUUID();
  const nonce = Buffer.from(crypto.randomUUID()).toString('base64');
  const csp = contentSecurityPolicy(nonce);
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('x-request-id', requestId); // never trust one sent by the client
  requestHeaders.set('x-nonce', nonce);
  requestHeaders.set('Content-Security-Policy', csp);

  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('x-request-id', requestId);
  response.headers.set('Content-Security-Policy', csp);
  // A page opened from another site cannot reach back into this one through window.opener.
  response.headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  if (isHttps()) response.headers.set('Strict-Transport-Security', 'max-age=63072000; includeSubDomains');
  return response;
}

// The machine API (/api/…) skips the proxy: it has no pages to protect, its handlers authenticate every
// call themselves and mint their own request ids, and the platform's hot paths save the extra hop. So does
// the Prometheus scrape (/metrics, exactly): app/metrics/route.ts checks its token or loopback peer itself.
export const config = {
  matcher: [{ source: '/((?!api/|metrics$|_next/static|_next/image|favicon.ico).*)' }],
};
