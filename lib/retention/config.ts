import { env, type Env } from '@/lib/env';

/*
 * How long each class of data is kept (docs/data-lifecycle.md), from the environment. The Data retention page, the
 * retention run and ingest's "expired" check all read it here.
 */

export const retentionClasses = ['events', 'codes', 'hourly', 'daily', 'cases', 'outbox', 'audit'] as const;
export type RetentionClass = (typeof retentionClasses)[number];

export const retentionVariables: Record<RetentionClass, keyof Env> = {
  events: 'VIGIL_RETENTION_EVENTS_DAYS',
  codes: 'VIGIL_RETENTION_CODES_DAYS',
  hourly: 'VIGIL_RETENTION_HOURLY_DAYS',
  daily: 'VIGIL_RETENTION_DAILY_DAYS',
  cases: 'VIGIL_RETENTION_CASES_DAYS',
  outbox: 'VIGIL_RETENTION_OUTBOX_DAYS',
  audit: 'VIGIL_RETENTION_AUDIT_DAYS',
};

/**
 * Days the class is kept; null = forever (the audit log unless VIGIL_RETENTION_AUDIT_DAYS is set). A code's pairing
 * row never outlives its events: the codes' window is the shorter of the two.
 */
export function retentionDays(kind: RetentionClass, e: Env = env()): number | null {
  const value = e[retentionVariables[kind]];
  const days = typeof value === 'number' ? value : null;
  if (kind !== 'codes' || days === null) return days;
  const events = retentionDays('events', e);
  return events === null ? days : Math.min(days, events);
}

/** The oldest instant the class keeps at `now` (null: kept forever). */
export function retentionCutoff(kind: RetentionClass, now = new Date(), e: Env = env()): Date | null {
  const days = retentionDays(kind, e);
  return days === null ? null : new Date(now.getTime() - days * 86_400_000);
}
