/** A POST /api/v1/events request as the platform sends it, for the route's tests. */
export function eventsRequest(
  body: unknown,
  init: { key?: string; contentType?: string; url?: string; headers?: Record<string, string> } = {},
): Request {
  const headers: Record<string, string> = { 'content-type': init.contentType ?? 'application/json', ...init.headers };
  if (init.key) headers.authorization = `Bearer ${init.key}`;
  return new Request(init.url ?? 'http://localhost/api/v1/events', {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
