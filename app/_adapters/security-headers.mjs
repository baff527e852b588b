/*
 * The headers every response of Vigil carries: next.config.js sets them on what Next answers, and the routes the
 * node:http server answers itself (app/_adapters/direct-routes.ts) set the same list. Plain JavaScript so that
 * next.config.js can import it.
 */
export const securityHeaders = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()' },
];
