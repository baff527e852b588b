import { afterEach, describe, expect, it, vi } from 'vitest';
import { log } from './logger';

afterEach(() => vi.restoreAllMocks());

describe('server log', () => {
  it('never prints query parameters or fields named like secrets', () => {
    const lines: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => void lines.push(line));
    const cause = Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' });
    const error = Object.assign(
      new Error('Failed query: update "staff_users" set "password_hash" = $1\nparams: $argon2id$v=19$secret-hash'),
      { cause },
    );
    log.error('write failed', { error, password: 'hunter2', apiKey: 'vgl_live_x', requestId: 'r1' });
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    expect(line).not.toContain('argon2id');
    expect(line).not.toContain('hunter2');
    expect(line).not.toContain('vgl_live_x');
    expect(JSON.parse(line)).toMatchObject({
      level: 'error',
      requestId: 'r1',
      error: { message: 'Failed query: update "staff_users" set "password_hash" = $1', cause: { code: '23505' } },
    });
  });
});
