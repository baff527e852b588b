import { eq, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Actor } from '@/lib/auth/actor';

/** The alert and report queues' assignee filter: `me`, `unassigned`, or one staff member's id. */
export function assigneeCondition(column: PgColumn, assignee: string | undefined, actor: Actor): SQL | undefined {
  if (assignee === 'unassigned') return sql`${column} is null`;
  if (assignee === 'me') return actor.id ? eq(column, actor.id) : sql`false`;
  return assignee ? eq(column, assignee) : undefined;
}
