import { describe, expect, it } from 'vitest';
import { partitionName, periodEnd, periodsBetween, periodStart, rangeOfPartition } from './partitions';

const iso = (d: Date) => d.toISOString().slice(0, 10);

describe('event partitions: parts of a month', () => {
  it('cuts every month at the 1st, 8th, 15th and 22nd, the last part running to the month’s end', () => {
    const at = (s: string) => iso(periodStart(new Date(s)));
    expect(at('2026-12-01T00:00:00Z')).toBe('2026-12-01');
    expect(at('2026-12-07T23:59:59.999Z')).toBe('2026-12-01');
    expect(at('2026-12-08T00:00:00Z')).toBe('2026-12-08');
    expect(at('2026-12-21T12:00:00Z')).toBe('2026-12-15');
    expect(at('2026-12-31T23:59:59Z')).toBe('2026-12-22');
    expect(iso(periodEnd(new Date('2026-12-22T00:00:00Z')))).toBe('2027-01-01');
    expect(iso(periodEnd(new Date('2027-02-22T00:00:00Z')))).toBe('2027-03-01'); // 7 days
    expect(iso(periodEnd(new Date('2026-12-15T00:00:00Z')))).toBe('2026-12-22');
    // Whole months, without a gap or an overlap, across a year's end.
    const parts = periodsBetween(new Date('2026-11-20T00:00:00Z'), new Date('2027-01-09T00:00:00Z'));
    expect(parts.map(iso)).toEqual([
      '2026-11-15',
      '2026-11-22',
      '2026-12-01',
      '2026-12-08',
      '2026-12-15',
      '2026-12-22',
      '2027-01-01',
      '2027-01-08',
    ]);
    for (let i = 1; i < parts.length; i++) expect(periodEnd(parts[i - 1]!)).toEqual(parts[i]);
  });

  it('names a part by its first day, and reads both kinds of name back (a whole month made before parts too)', () => {
    expect(partitionName('otp_events', new Date('2026-12-09T10:00:00Z'))).toBe('otp_events_p2026_12_08');
    expect(rangeOfPartition('otp_events_p2026_12_08')).toEqual({
      from: new Date('2026-12-08T00:00:00Z'),
      to: new Date('2026-12-15T00:00:00Z'),
      held: false,
    });
    expect(rangeOfPartition('login_events_p2026_12_22_held')).toEqual({
      from: new Date('2026-12-22T00:00:00Z'),
      to: new Date('2027-01-01T00:00:00Z'),
      held: true,
    });
    expect(rangeOfPartition('login_events_p2026_11')).toEqual({
      from: new Date('2026-11-01T00:00:00Z'),
      to: new Date('2026-12-01T00:00:00Z'),
      held: false,
    });
    expect(rangeOfPartition('audit_log_p2021_01')?.to).toEqual(new Date('2021-02-01T00:00:00Z'));
    // Not a part Vigil makes: a day that starts no part, or a name of someone else's.
    expect(rangeOfPartition('login_events_p2026_12_09')).toBeNull();
    expect(rangeOfPartition('login_events_archive')).toBeNull();
  });
});
