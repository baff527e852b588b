import { eq, sql } from 'drizzle-orm';
import { fc, test } from '@fast-check/vitest';
import { beforeAll, describe, expect, it } from 'vitest';
import { accounts } from '@/db/schema';
import { loginEvent, makeStaff, uniqueSuffix } from '@/lib/testing/fixtures';
import { queryRows } from '@/db/client';
import { setupTestDatabase } from '@/db/testing/test-database';
import type { Actor, StaffActor } from '@/lib/auth/actor';
import { serviceContext } from '@/lib/context';
import { storeEvents } from '@/lib/ingest/store-events';
import { escapeLike, getAccount, searchAccounts, searchText } from './accounts';

const { db } = setupTestDatabase();
const as = (actor: Actor) => serviceContext(db(), actor);
const tag = uniqueSuffix();
let agent: StaffActor;
let analyst: StaffActor;

const people = [
  { id: `cus_${tag}_ana`, email: `ana.lima.${tag}@example.com`, phone: '+447700900111', name: 'Ana Lima' },
  { id: `cus_${tag}_ben`, email: `ben_10%.${tag}@example.org`, phone: '+13125550199', name: 'Ben Percent' },
  { id: `cus_${tag}_cat`, email: `cat.${tag}@example.net`, phone: '+4915112345678', name: "Cat O'Hara" },
];

beforeAll(async () => {
  agent = (await makeStaff(db(), 'agent')).actor;
  analyst = (await makeStaff(db(), 'analyst')).actor;
  const base = Date.parse('2026-05-01T10:00:00Z');
  await db().transaction((tx) =>
    storeEvents(
      tx,
      people.map((p, i) =>
        loginEvent(p.id, new Date(base + i * 60_000), { account: { id: p.id, email: p.email, phone: p.phone } }),
      ),
    ),
  );
  for (const p of people) await db().update(accounts).set({ displayName: p.name }).where(eq(accounts.externalId, p.id));
});

const ids = async (q: string, actor = agent) =>
  (await searchAccounts(as(actor), { q })).items.map((a) => a.externalId).sort();

describe('account search', () => {
  it('finds by part of the e-mail, case-insensitively', async () => {
    expect(await ids(`ANA.LIMA.${tag}`)).toEqual([people[0]!.id]);
  });

  it('finds by platform id, by name, and by phone digits however they are typed', async () => {
    expect(await ids(`${tag}_cat`)).toEqual([people[2]!.id]);
    expect(await ids("o'hara")).toEqual([people[2]!.id]);
    expect(await ids('+44 7700 900111')).toEqual([people[0]!.id]);
    expect(await ids('5550199')).toEqual([people[1]!.id]);
  });

  it('matches through one trigram index over all four columns (the query repeats its expression exactly)', async () => {
    const plan = await db().transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      return queryRows<{ 'QUERY PLAN': string }>(
        tx,
        sql`explain select ${accounts.id} from ${accounts} where ${searchText} like ${'%ana.lima%'}`,
      );
    });
    expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toContain('accounts_search_trgm_idx');
    const trigramIndexes = await queryRows<{ indexname: string }>(
      db(),
      sql`select indexname from pg_indexes where tablename = 'accounts' and indexdef like '%gin_trgm_ops%'`,
    );
    expect(trigramIndexes.map((r) => r.indexname)).toEqual(['accounts_search_trgm_idx']);
  });

  it('takes % and _ literally', async () => {
    expect(escapeLike('10%_\\')).toBe('10\\%\\_\\\\');
    expect(await ids(`ben_10%.${tag}`)).toEqual([people[1]!.id]);
    // "_" would match any character if it were a wildcard: "ana_lima" must not find "ana.lima".
    expect(await ids(`ana_lima.${tag}`)).toEqual([]);
    expect(await ids('%')).toEqual([people[1]!.id]);
  });

  test.prop([fc.string({ maxLength: 300 })], { numRuns: 60 })('never errors, whatever is typed', async (q) => {
    const result = await searchAccounts(as(agent), { q });
    expect(Array.isArray(result.items)).toBe(true);
  });

  it('ignores characters the database cannot store instead of failing', async () => {
    expect(await ids(`ana.lima.${tag}\u0000`)).toEqual([people[0]!.id]);
    expect(await ids('\ud800')).toEqual(expect.any(Array));
  });

  it('treats SQL fragments as text', async () => {
    expect(await ids("' or 1=1 --")).toEqual([]);
    expect(await ids('"; drop table accounts; --')).toEqual([]);
    expect((await db().select().from(accounts)).length).toBeGreaterThanOrEqual(3);
  });

  it('lets masked roles find contacts only by the whole value, so fragments cannot unmask them', async () => {
    expect(await ids(`ana.lima.${tag}`, analyst)).toEqual([]);
    expect(await ids('+4477009001', analyst)).toEqual([]);
    expect(await ids(people[0]!.email.toUpperCase(), analyst)).toEqual([people[0]!.id]);
    expect(await ids('+44 7700 900111', analyst)).toEqual([people[0]!.id]);
    expect(await ids('Ana Li', analyst)).toEqual([people[0]!.id]);
  });

  it('masks contacts for analysts, shows them to agents', async () => {
    const [forAnalyst] = (await searchAccounts(as(analyst), { q: people[0]!.email })).items;
    expect(forAnalyst?.email).toBe('a***@e***.com');
    expect(forAnalyst?.phone).toBe('+44 ••• ••• 0111');
    const [forAgent] = (await searchAccounts(as(agent), { q: `ana.lima.${tag}` })).items;
    expect(forAgent?.email).toBe(people[0]!.email);
    const detail = await getAccount(as(analyst), forAgent!.id);
    expect(detail).toMatchObject({ email: 'a***@e***.com', contactsMasked: true });
  });

  it('pages with a cursor, most recently active first, without repeats', async () => {
    const first = await searchAccounts(as(agent), { q: tag }, 2);
    expect(first.items.map((a) => a.externalId)).toEqual([people[2]!.id, people[1]!.id]);
    expect(first.next).not.toBeNull();
    const second = await searchAccounts(as(agent), { q: tag, after: first.next }, 2);
    expect(second.items.map((a) => a.externalId)).toEqual([people[0]!.id]);
    expect(second.next).toBeNull();
    // A tampered cursor is ignored (first page), never an error.
    expect((await searchAccounts(as(agent), { q: tag, after: 'garbage!!' }, 2)).items).toHaveLength(2);
    const yearZero = Buffer.from('0000-01-01T00:00:00Z|00000000-0000-4000-8000-000000000000').toString('base64url');
    expect((await searchAccounts(as(agent), { q: tag, after: yearZero }, 2)).items).toHaveLength(2);
  });

  it('moves an account to the top when it is active again, and a late older event does not move it back', async () => {
    const later = Date.parse('2026-05-02T08:00:00Z');
    await db().transaction((tx) => storeEvents(tx, [loginEvent(people[0]!.id, new Date(later))]));
    await db().transaction((tx) => storeEvents(tx, [loginEvent(people[0]!.id, new Date(later - 3_600_000))]));
    const first = await searchAccounts(as(agent), { q: tag }, 2);
    expect(first.items.map((a) => a.externalId)).toEqual([people[0]!.id, people[2]!.id]);
    const detail = await getAccount(as(agent), first.items[0]!.id);
    expect(detail.lastEventAt.toISOString()).toBe(new Date(later).toISOString());
    expect(detail.firstEventAt.toISOString()).toBe('2026-05-01T10:00:00.000Z');
  });

  it('gives the same not-found for unknown and malformed ids', async () => {
    await expect(getAccount(as(agent), '00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(getAccount(as(agent), "1' or '1'='1")).rejects.toMatchObject({ code: 'not_found' });
  });
});
