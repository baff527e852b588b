import { describe, expect, it } from 'vitest';
import { EnvError, isHttps, parseEnv } from './env';

describe('environment', () => {
  it('has working defaults for an empty environment', () => {
    const env = parseEnv({});
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.VIGIL_DATA_DIR).toBe('.data/pglite');
    expect(env.PORT).toBe(3000);
    expect(env.VIGIL_DEMO).toBe(false);
    expect(isHttps(env)).toBe(false);
  });

  it('names every bad variable', () => {
    expect(() => parseEnv({ DATABASE_URL: 'mysql://x', PORT: 'eighty', NEXTAUTH_SECRET: 'short' })).toThrow(EnvError);
    try {
      parseEnv({ DATABASE_URL: 'mysql://x', PORT: 'eighty', NEXTAUTH_SECRET: 'short' });
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('DATABASE_URL');
      expect(message).toContain('PORT');
      expect(message).toContain('NEXTAUTH_SECRET');
    }
  });

  it('treats an https public URL as secure (Secure cookies, HSTS)', () => {
    expect(isHttps(parseEnv({ NEXTAUTH_URL: 'https://vigil.example.com' }))).toBe(true);
    expect(parseEnv({ VIGIL_DEMO: '1' }).VIGIL_DEMO).toBe(true);
  });
});
