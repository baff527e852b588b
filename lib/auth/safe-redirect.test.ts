import { describe, expect, it } from 'vitest';
import { safeCallbackPath } from './safe-redirect';

describe('sign-in callback path', () => {
  it('keeps same-site paths', () => {
    expect(safeCallbackPath('/accounts?q=nadia')).toBe('/accounts?q=nadia');
  });
  it('refuses anything that could leave the site', () => {
    for (const bad of [
      'https://evil.example',
      '//evil.example',
      '/\\evil.example',
      '/\t/evil.example',
      '/\n/evil.example',
      'javascript:alert(1)',
      '',
      42,
      undefined,
      '/login',
    ]) {
      expect(safeCallbackPath(bad)).toBe('/');
    }
  });
});
