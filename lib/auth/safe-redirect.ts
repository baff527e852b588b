/** Only same-site paths: `/accounts?q=x` yes; `//evil.example`, `https://…`, `/\evil` no. */
export function safeCallbackPath(raw: unknown, fallback = '/'): string {
  if (typeof raw !== 'string' || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return fallback;
  if (raw.startsWith('/login')) return fallback;
  return raw.slice(0, 2000);
}
