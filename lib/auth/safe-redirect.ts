const base = 'http://vigil.invalid';

/**
 * Only same-site paths: `/accounts?q=x` yes; `//evil.example`, `https://…`, `/\evil`, `/\t/evil` no.
 * The value is resolved the way a browser would (which drops tabs and newlines) and must stay on our origin.
 */
export function safeCallbackPath(raw: unknown, fallback = '/'): string {
  if (typeof raw !== 'string' || raw.length > 2000 || !raw.startsWith('/')) return fallback;

  if (/[\u0000-\u001f\u007f\\]/.test(raw)) return fallback;
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    return fallback;
  }
  if (url.origin !== base || url.pathname.startsWith('//') || url.pathname.startsWith('/login')) return fallback;
  return `${url.pathname}${url.search}`;
}
