import { describe, expect, it } from 'vitest';
import { parseQueueFilters } from '@/lib/alerts/alert-reads';
import { AuditFilters } from '@/lib/audit/audit-log';
import { hrefWith, paramList, utcFromLocalInput } from './search-params';

describe('datetime-local fields in console filters', () => {
  it('are read as UTC; other values pass through for the schema to judge', () => {
    expect(utcFromLocalInput('2026-11-26T09:30')).toBe('2026-11-26T09:30:00Z');
    expect(utcFromLocalInput('2026-11-26T09:30:00Z')).toBe('2026-11-26T09:30:00Z');
    expect(utcFromLocalInput(undefined)).toBeUndefined();
  });

  it('the alert queue and the audit search both understand them, and drop nonsense', () => {
    expect(parseQueueFilters({ since: '2026-11-26T09:30', until: 'yesterday' })).toMatchObject({
      since: '2026-11-26T09:30:00Z',
      until: undefined,
    });
    expect(AuditFilters.parse({ from: '2026-11-26T09:30', to: '2026-11-27T00:00' })).toMatchObject({
      from: '2026-11-26T09:30:00Z',
      to: '2026-11-27T00:00:00Z',
    });
  });
});

describe('links that keep the filters', () => {
  it('keep every value of a repeated parameter, replace the changed ones', () => {
    const query = { kind: ['login', 'code'], from: '2026-06-01', after: 'abc' };
    expect(hrefWith('/accounts/x', query, { after: null, before: 'def' })).toBe(
      '/accounts/x?kind=login&kind=code&from=2026-06-01&before=def',
    );
    expect(paramList(query, 'kind')).toEqual(['login', 'code']);
    expect(paramList(query, 'from')).toEqual(['2026-06-01']);
    expect(paramList(query, 'missing')).toEqual([]);
    expect(paramList({ kind: Array(50).fill('login') }, 'kind')).toHaveLength(20);
  });
});
