import { sql } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { jsonb } from '@/db/sql-helpers';
import { halfEarthKm } from './geo';
import { loadAccountEvents, loadIpFailures, loadPrefixCodes, loadPrefixCounts } from './load-events';
import { recordHit, type AlertSubject, type HitOutcome } from './record-alerts';
import { ruleList } from './rules';
import { evidenceSpans } from './rules/sms-pumping';
import { loadDetectionSettings, type DetectionSettings } from './settings';
import {
  dayMs,
  hourMs,
  minuteMs,
  type DetectionEvent,
  type RuleDefinition,
  type RuleHit,
  type RuleInput,
} from './types';
import { emptyWork, ruleBit, workSize, type DetectionWork, type SubjectWork } from './work';

const subjectsPerTransaction = 250;

export interface DetectionOutcome {
  opened: number;
  updated: number;
  /** Subjects whose chunk failed (a database error): the caller retries them; the other chunks still ran. */
  failed?: DetectionWork;
}

/** How far around the new events an account's rules must look (the widest enabled window, at least a day). */
export function accountLookaround(s: DetectionSettings): number {
  return Math.max(
    dayMs,
    s.unrequested_otp_burst.windowMinutes * minuteMs,
    s.otp_guessing.windowMinutes * minuteMs,
    s.password_bruteforce.windowMinutes * minuteMs,
    s.contact_change_then_risk.windowHours * hourMs,
    (halfEarthKm / s.impossible_travel.maxSpeedKmh) * hourMs,
  );
}

/** The rule's own settings: the definitions are keyed by rule, so this lookup always matches. */
function evaluate(rule: RuleDefinition, input: RuleInput, settings: DetectionSettings) {
  return rule.evaluate(input, settings[rule.rule]);
}

/** A transaction-scoped advisory lock per subject, taken in one global order: one run at a time per account or IP, across servers. */
async function lockSubjects(tx: Tx, keys: string[]): Promise<void> {
  await tx.execute(
    sql`select pg_advisory_xact_lock(h) from (
          select distinct hashtextextended(k, 0) as h from jsonb_array_elements_text(${jsonb(keys)}) as k order by h
        ) as ordered`,
  );
}

/** The enabled rules among those the subject's new events could trigger. */
const rulesOf = (enabled: RuleDefinition[], work: SubjectWork) =>
  enabled.filter((r) => (work.rules & ruleBit(r.rule)) !== 0);

/** A new event of the subject: one its batch brought, or (a backtest) any event inside the subject's span. */
const isNew = (work: SubjectWork, e: DetectionEvent) =>
  work.newEventIds.has(e.eventId) || (work.allNew === true && e.occurredAt >= work.from && e.occurredAt <= work.to);

function hitsFor(rulesToRun: RuleDefinition[], input: RuleInput, settings: DetectionSettings, work: SubjectWork) {
  const touchesNew = (evidence: DetectionEvent[]) => evidence.some((e) => isNew(work, e));
  return rulesToRun.flatMap((rule) =>
    evaluate(rule, input, settings)
      .filter((hit) => touchesNew(hit.evidence))
      .map((hit) => ({ rule, hit })),
  );
}

/** What a pass does with each hit: file it as an alert (runDetection) or count it (a backtest, which writes nothing). */
export type HitSink = (rule: RuleDefinition, subject: AlertSubject, hit: RuleHit, work: SubjectWork) => Promise<void>;

/** The subjects of one kind each, with their work: what one pass evaluates. */
export interface SubjectChunk {
  accounts: [string, SubjectWork][];
  ips: [string, SubjectWork][];
  countries: [string, SubjectWork][];
}

/**
 * Loads the chunk's events and evaluates the enabled rules on them, handing every hit that touches a new event to
 * `sink`. Reads only: runDetection calls it holding the subjects' locks and files the hits; a backtest calls it
 * in a read-only transaction with proposed settings.
 */
export async function detectSubjects(
  tx: Tx,
  settings: DetectionSettings,
  enabled: RuleDefinition[],
  { accounts, ips, countries }: SubjectChunk,
  sink: HitSink,
) {
  const accountRules = enabled.filter((r) => r.subject === 'account');
  const ipRules = enabled.filter((r) => r.subject === 'ip');

  if (accounts.length > 0) {
    const around = accountLookaround(settings);
    const history =
      Math.max(settings.new_device_new_country.lookbackDays, settings.contact_change_then_risk.knownDeviceDays) * dayMs;
    const loaded = await loadAccountEvents(
      tx,
      accounts.map(([accountId, w]) => ({
        accountId,
        since: new Date(w.from - around),
        until: new Date(w.to + around),
        historySince: new Date(
          w.from - (rulesOf(accountRules, w).some((r) => r.readsHistory) ? Math.max(history, around) : around),
        ),
      })),
    );
    for (const [accountId, work] of accounts) {
      const account = loaded.get(accountId);
      if (!account) continue;
      const subject: AlertSubject = { type: 'account', id: account.account, accountId };
      for (const { rule, hit } of hitsFor(
        rulesOf(accountRules, work),
        { events: account.events, accountFirstEventAt: account.firstEventAt },
        settings,
        work,
      )) {
        await sink(rule, subject, hit, work);
      }
    }
  }

  if (ips.length > 0) {
    const around = settings.credential_stuffing.windowMinutes * minuteMs;
    const failures = await loadIpFailures(
      tx,
      ips.map(([ip, w]) => ({ ip, since: new Date(w.from - around), until: new Date(w.to + around) })),
    );
    const workByIp = new Map(ips);
    for (const [ip, events] of failures) {
      // The loader spells IPs the way PostgreSQL does; an IPv6 address may have been sent in another form.
      const work = workByIp.get(ip) ?? ips.find(([, w]) => events.some((e) => w.newEventIds.has(e.eventId)))?.[1];
      if (!work) continue;
      const subject: AlertSubject = { type: 'ip', id: ip, accountId: null };
      for (const { rule, hit } of hitsFor(rulesOf(ipRules, work), { events }, settings, work)) {
        await sink(rule, subject, hit, work);
      }
    }
  }

  if (countries.length > 0) await detectPrefixes(tx, settings, enabled, countries, sink);
}

/**
 * The prefix rule for the countries whose SMS and voice codes a batch brought: the figures come from the
 * minute rollup; codes are read, as evidence, only under the prefixes and inside the windows those counts show pumping.
 */
async function detectPrefixes(
  tx: Tx,
  settings: DetectionSettings,
  enabled: RuleDefinition[],
  countries: [string, SubjectWork][],
  sink: HitSink,
) {
  const prefixRules = enabled.filter((r) => r.subject === 'prefix');
  const s = settings.sms_pumping;
  const around = s.windowMinutes * minuteMs;
  const span = (w: SubjectWork) => ({ since: new Date(w.from - around), until: new Date(w.to + around) });
  const counts = await loadPrefixCounts(
    tx,
    countries.map(([countryCode, w]) => ({ countryCode, ...span(w) })),
  );
  for (const [countryCode, work] of countries) {
    const minutes = counts.get(countryCode) ?? [];
    // Codes are read only under prefixes whose counts already show pumping, and only inside those windows.
    const spans = evidenceSpans(minutes, countryCode, s);
    if (spans.length === 0) continue;
    const codes = await loadPrefixCodes(tx, spans);
    for (const { rule, hit } of hitsFor(
      rulesOf(prefixRules, work),
      { events: codes, prefixCounts: minutes, countryCode },
      settings,
      work,
    )) {
      const subject: AlertSubject = { type: 'prefix', id: String(hit.details.prefix), accountId: null };
      await sink(rule, subject, hit, work);
    }
  }
}

/**
 * Runs every enabled rule for the subjects a batch touched, after the batch committed, so it sees the
 * events of concurrent batches too. Subjects go in chunks, each in one transaction holding their locks;
 * a hit counts only if its evidence includes one of the batch's new events (a replay raises nothing).
 */
export async function runDetection(db: Db, work: DetectionWork): Promise<DetectionOutcome> {
  const tally: Record<HitOutcome, number> = { opened: 0, updated: 0, unchanged: 0 };
  if (workSize(work) === 0) return { opened: 0, updated: 0 };
  const settings = await loadDetectionSettings(db);
  const enabled = ruleList.filter((r) => settings[r.rule].enabled);
  // Subjects none of whose possible rules is enabled are not even locked or read.
  const hasRules = ([, w]: [string, SubjectWork]) => rulesOf(enabled, w).length > 0;
  const accounts = [...work.accounts].filter(hasRules);
  const ips = [...work.ips].filter(hasRules);
  const countries = [...work.countries].filter(hasRules);
  const failed = emptyWork();
  let lastError: unknown;
  const longest = Math.max(accounts.length, ips.length, countries.length);
  for (let i = 0; i < longest; i += subjectsPerTransaction) {
    const accountPart = accounts.slice(i, i + subjectsPerTransaction);
    const ipPart = ips.slice(i, i + subjectsPerTransaction);
    const countryPart = countries.slice(i, i + subjectsPerTransaction);
    const chunkTally: Record<HitOutcome, number> = { opened: 0, updated: 0, unchanged: 0 };
    try {
      await db.transaction(async (tx) => {
        await lockSubjects(tx, [
          ...accountPart.map(([id]) => `vigil:detect:account:${id}`),
          ...ipPart.map(([ip]) => `vigil:detect:ip:${ip}`),
          ...countryPart.map(([code]) => `vigil:detect:country:${code}`),
        ]);
        const file: HitSink = async (rule, subject, hit, work) => {
          chunkTally[await recordHit(tx, rule, subject, hit, work.newEventIds)] += 1;
        };
        await detectSubjects(
          tx,
          settings,
          enabled,
          { accounts: accountPart, ips: ipPart, countries: countryPart },
          file,
        );
      });
      for (const k of ['opened', 'updated', 'unchanged'] as const) tally[k] += chunkTally[k];
    } catch (error) {
      lastError = error;
      for (const [k, w] of accountPart) failed.accounts.set(k, w);
      for (const [k, w] of ipPart) failed.ips.set(k, w);
      for (const [k, w] of countryPart) failed.countries.set(k, w);
    }
  }
  if (workSize(failed) === accounts.length + ips.length + countries.length && lastError)
    throw lastError instanceof Error ? lastError : new Error('detection failed', { cause: lastError });
  return {
    opened: tally.opened,
    updated: tally.updated,
    ...(workSize(failed) > 0 ? { failed } : {}),
  };
}
