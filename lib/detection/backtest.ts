import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '@/db/client';
import { arrayOf } from '@/db/sql-helpers';
import type { AlertRule, AlertSubjectType } from '@/db/schema';
import { detectSubjects, type HitSink, type SubjectChunk } from './run-detection';
import { ruleList } from './rules';
import { loadDetectionSettings, type DetectionSettings } from './settings';
import { dayMs } from './types';
import { ruleBit, type SubjectWork } from './work';

/*
 * A backtest: one rule re-run read-only over the stored events of the last `days`, with proposed settings, exactly
 * as detection runs it (detectSubjects, the same loaders and rule code) but with every event of the span counted
 * as new and the hits counted instead of filed. Then the alerts it would raise are set against the alerts the rule
 * did raise in the span, and against what staff decided: alerts resolved or dismissed, reports resolved as
 * confirmed fraud. Nothing is written and no subject lock is taken, so ingest and detection never wait for it.
 */

/** Subjects a read-only transaction evaluates: each one reads its own events, so the cost follows the store's size. */
const subjectsPerChunk = 500;
/** How many subjects of each kind of difference the result lists (the counts are always whole). */
const sampleSize = 20;

export interface BacktestSubject {
  subjectType: AlertSubjectType;
  subjectId: string;
}

export interface BacktestDifference {
  count: number;
  /** Distinct accounts behind these alerts (the account itself, or the accounts in an IP's or prefix's evidence). */
  accounts: number;
  /** Of those accounts, the ones with a fraud report resolved as confirmed fraud. */
  confirmedFraudAccounts: number;
  sample: BacktestSubject[];
}

export interface BacktestResult {
  rule: AlertRule;
  days: number;
  from: string;
  to: string;
  /** Subjects (accounts, IPs or countries) whose events were read. */
  subjects: number;
  /** Alerts (one per subject, as a fresh detection run files them) the proposed settings would raise. */
  wouldRaise: number;
  /** Subjects the rule did raise an alert on in the span (an alert seen in it). */
  raised: number;
  /** Raised both times. */
  kept: number;
  /** Would be raised, were not. */
  added: BacktestDifference;
  /** Were raised, would not be; with what staff decided about them. */
  removed: BacktestDifference & { resolved: number; dismissed: number; active: number };
  /** The sentence the rules page shows. */
  summary: string;
}

/** A subject's hits in a backtest: what a fresh detection run would file as one alert. */
export interface SubjectHits {
  subject: BacktestSubject;
  hits: number;
  evidence: Set<string>;
  accountIds: Set<string>;
}

export interface BacktestInput {
  rule: AlertRule;
  /** The rule's proposed settings (parsed by the settings schema). */
  settings: DetectionSettings[AlertRule];
  days: number;
  now?: Date;
}

/** Called after each chunk; answering false stops the run (cancelled). */
export type BacktestProgress = (done: number, total: number) => Promise<boolean>;

export class BacktestCancelled extends Error {
  constructor() {
    super('backtest cancelled');
  }
}

const key = (s: BacktestSubject) => `${s.subjectType}:${s.subjectId}`;

/** The subjects with events in the span that the rule could look at, as detection work covering the whole span. */
async function subjectsOf(db: Db, subject: AlertSubjectType, from: Date, to: Date): Promise<string[]> {
  const span = sql`occurred_at >= ${from.toISOString()}::timestamptz and occurred_at <= ${to.toISOString()}::timestamptz`;
  if (subject === 'account') {
    const rows = await queryRows<{ id: string }>(
      db,
      sql`select account_id as id from login_events where ${span}
          union select account_id from otp_events where ${span}
          union select account_id from account_events where ${span}`,
    );
    return rows.map((r) => r.id);
  }
  if (subject === 'ip') {
    const rows = await queryRows<{ ip: string }>(
      db,
      sql`select distinct host(ip) as ip from login_events where ${span} and outcome = 'failed' and ip is not null`,
    );
    return rows.map((r) => r.ip);
  }
  const rows = await queryRows<{ code: string }>(
    db,
    sql`select distinct country_code as code from otp_prefix_rollup_minute
         where minute >= ${from.toISOString()}::timestamptz and minute <= ${to.toISOString()}::timestamptz`,
  );
  return rows.map((r) => r.code);
}

/**
 * Every subject's hits over the span with the given settings: the alerts a fresh detection run over a copy of
 * the data would raise (one per subject with a hit; its evidence the union of the hits').
 */
export async function replayRule(
  db: Db,
  input: BacktestInput,
  progress: BacktestProgress = () => Promise.resolve(true),
): Promise<{ from: Date; to: Date; subjects: number; hits: Map<string, SubjectHits> }> {
  const to = input.now ?? new Date();
  const from = new Date(to.getTime() - input.days * dayMs);
  const definition = ruleList.find((r) => r.rule === input.rule)!;
  const settings = { ...(await loadDetectionSettings(db)), [input.rule]: input.settings };
  const enabled = input.settings.enabled ? [definition] : [];
  const hits = new Map<string, SubjectHits>();
  const ids = enabled.length > 0 ? await subjectsOf(db, definition.subject, from, to) : [];
  const sink: HitSink = (_rule, subject, hit) => {
    const s = { subjectType: subject.type, subjectId: subject.id };
    const entry = hits.get(key(s)) ?? { subject: s, hits: 0, evidence: new Set(), accountIds: new Set() };
    entry.hits += 1;
    for (const e of hit.evidence) {
      entry.evidence.add(e.eventId);
      entry.accountIds.add(e.accountId);
    }
    hits.set(key(s), entry);
    return Promise.resolve();
  };
  for (let i = 0; i < ids.length; i += subjectsPerChunk) {
    const work = (): SubjectWork => ({
      from: from.getTime(),
      to: to.getTime(),
      newEventIds: new Set(),
      rules: ruleBit(input.rule),
      allNew: true,
    });
    const part = ids.slice(i, i + subjectsPerChunk).map((id): [string, SubjectWork] => [id, work()]);
    const chunk: SubjectChunk = {
      accounts: definition.subject === 'account' ? part : [],
      ips: definition.subject === 'ip' ? part : [],
      countries: definition.subject === 'prefix' ? part : [],
    };
    await db.transaction((tx) => detectSubjects(tx, settings, enabled, chunk, sink), { accessMode: 'read only' });
    if (!(await progress(Math.min(i + subjectsPerChunk, ids.length), ids.length))) throw new BacktestCancelled();
  }
  return { from, to, subjects: ids.length, hits };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

function sentence(r: Omit<BacktestResult, 'summary'>): string {
  const span = `in ${plural(r.days, 'day')}`;
  if (r.added.count === 0 && r.removed.count === 0)
    return `These settings would have raised the same ${plural(r.wouldRaise, 'alert')} ${span} as the rule did.`;
  const parts: string[] = [];
  if (r.added.count > 0)
    parts.push(
      `This change would have raised ${plural(r.added.count, 'more alert')} ${span}; ${r.added.confirmedFraudAccounts.toLocaleString('en-US')} of the ${plural(r.added.accounts, 'account')} had a confirmed fraud report.`,
    );
  if (r.removed.count > 0)
    parts.push(
      `${r.added.count > 0 ? 'It' : 'This change'} would not have raised ${plural(r.removed.count, 'alert')} the rule raised ${span}: staff resolved ${r.removed.resolved.toLocaleString('en-US')}, dismissed ${r.removed.dismissed.toLocaleString('en-US')}, ${r.removed.active.toLocaleString('en-US')} still open; ${r.removed.confirmedFraudAccounts.toLocaleString('en-US')} of the ${plural(r.removed.accounts, 'account')} had a confirmed fraud report.`,
    );
  return parts.join(' ');
}

/** The backtest: the replay set against the alerts the rule raised in the span and against staff decisions. */
export async function backtestRule(db: Db, input: BacktestInput, progress?: BacktestProgress): Promise<BacktestResult> {
  const replay = await replayRule(db, input, progress);
  const raisedRows = await queryRows<{
    subject_type: AlertSubjectType;
    subject_id: string;
    statuses: string[];
    account_ids: string[];
  }>(
    db,
    sql`select a.subject_type, a.subject_id, array_agg(distinct a.status) as statuses,
               coalesce(array_agg(distinct ev.account_id) filter (where ev.account_id is not null), '{}') as account_ids
          from alerts a left join alert_evidence ev on ev.alert_id = a.id
         where a.rule = ${input.rule} and a.last_seen >= ${replay.from.toISOString()}::timestamptz
         group by a.subject_type, a.subject_id`,
  );
  const raised = new Map(
    raisedRows.map((r) => [
      key({ subjectType: r.subject_type, subjectId: r.subject_id }),
      {
        subject: { subjectType: r.subject_type, subjectId: r.subject_id },
        statuses: r.statuses,
        accountIds: r.account_ids,
      },
    ]),
  );
  const added = [...replay.hits.values()].filter((h) => !raised.has(key(h.subject)));
  const removed = [...raised.values()].filter((r) => !replay.hits.has(key(r.subject)));
  const addedAccounts = new Set(added.flatMap((h) => [...h.accountIds]));
  const removedAccounts = new Set(removed.flatMap((r) => r.accountIds));
  const confirmed = await confirmedFraudAccounts(db, [...addedAccounts, ...removedAccounts]);
  const countConfirmed = (accounts: Set<string>) => [...accounts].filter((a) => confirmed.has(a)).length;
  // A subject staff handled more than once counts by its most telling decision: resolved, then dismissed.
  const decided = (status: string) => removed.filter((r) => decisionOf(r.statuses) === status).length;
  const result: Omit<BacktestResult, 'summary'> = {
    rule: input.rule,
    days: input.days,
    from: replay.from.toISOString(),
    to: replay.to.toISOString(),
    subjects: replay.subjects,
    wouldRaise: replay.hits.size,
    raised: raised.size,
    kept: replay.hits.size - added.length,
    added: {
      count: added.length,
      accounts: addedAccounts.size,
      confirmedFraudAccounts: countConfirmed(addedAccounts),
      sample: added.slice(0, sampleSize).map((h) => h.subject),
    },
    removed: {
      count: removed.length,
      accounts: removedAccounts.size,
      confirmedFraudAccounts: countConfirmed(removedAccounts),
      resolved: decided('resolved'),
      dismissed: decided('dismissed'),
      active: decided('active'),
      sample: removed.slice(0, sampleSize).map((r) => r.subject),
    },
  };
  return { ...result, summary: sentence(result) };
}

function decisionOf(statuses: string[]): 'resolved' | 'dismissed' | 'active' {
  if (statuses.includes('resolved')) return 'resolved';
  if (statuses.includes('dismissed')) return 'dismissed';
  return 'active';
}

async function confirmedFraudAccounts(db: Db, accountIds: string[]): Promise<Set<string>> {
  if (accountIds.length === 0) return new Set();
  const rows = await queryRows<{ id: string }>(
    db,
    sql`select distinct account_id as id from fraud_reports
         where resolution = 'confirmed_fraud' and account_id = any(${arrayOf(accountIds, 'uuid')})`,
  );
  return new Set(rows.map((r) => r.id));
}
