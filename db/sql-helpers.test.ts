import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from './client';
import { arrayOf, jsonbRows } from './sql-helpers';
import { setupTestDatabase } from './testing/test-database';

const { db } = setupTestDatabase();

describe('jsonbRows', () => {
  it('unpacks positional rows into typed columns, in order, with undefined and null as null', async () => {
    const rows = await queryRows<{
      id: string;
      at: string;
      n: string;
      ok: boolean | null;
      ip: string | null;
      note: string | null;
    }>(
      db(),
      sql`select id, at::text, n::text, ok, host(ip) as ip, note
          from ${jsonbRows('id uuid, at timestamptz, n bigint, ok boolean, ip inet, note text', [
            [
              '00000000-0000-4000-8000-000000000001',
              '2026-11-20T09:15:00.123Z',
              42,
              true,
              '2001:db8::1',
              'a "quoted", text',
            ],
            ['00000000-0000-4000-8000-000000000002', '2026-11-20T10:00:00+02:00', 7, undefined, null, undefined],
          ])} as t order by id`,
    );
    expect(rows).toEqual([
      {
        id: '00000000-0000-4000-8000-000000000001',
        at: '2026-11-20 09:15:00.123+00',
        n: '42',
        ok: true,
        ip: '2001:db8::1',
        note: 'a "quoted", text',
      },
      {
        id: '00000000-0000-4000-8000-000000000002',
        at: '2026-11-20 08:00:00+00',
        n: '7',
        ok: null,
        ip: null,
        note: null,
      },
    ]);
  });

  it('an empty list is an empty table', async () => {
    expect(await queryRows(db(), sql`select * from ${jsonbRows('id uuid', [])} as t`)).toEqual([]);
  });
});

describe('arrayOf', () => {
  it('is a typed array for = any(…)', async () => {
    const [row] = await queryRows<{ hit: boolean; miss: boolean; n: string }>(
      db(),
      sql`select 2::bigint = any(${arrayOf([1, 2, 3], 'bigint')}) as hit, 'x' = any(${arrayOf(['a', 'b'])}) as miss, cardinality(${arrayOf(['00000000-0000-4000-8000-000000000001'], 'uuid')})::text as n`,
    );
    expect(row).toEqual({ hit: true, miss: false, n: '1' });
  });
});
