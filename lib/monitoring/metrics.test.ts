import { describe, expect, it } from 'vitest';
import { httpRouteLabel } from './metrics';

describe('HTTP route labels', () => {
  it('names a route by its template, so ids never become series', () => {
    const id = '7f3c9a52-1d2e-4c5b-9a8f-0b1c2d3e4f50';
    expect(httpRouteLabel(`/api/v1/alerts/${id}`, { id })).toBe('/api/v1/alerts/[id]');
    expect(httpRouteLabel('/api/v1/accounts/cus%2042/security', { id: 'cus 42' })).toBe(
      '/api/v1/accounts/[id]/security',
    );
    expect(httpRouteLabel('/api/v1/events', {})).toBe('/api/v1/events');
    expect(httpRouteLabel('/api/v1/reports/%E0%A4%A', { id: 'x' })).toBe('/api/v1/reports/%E0%A4%A');
  });
});
