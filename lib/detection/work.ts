import { alertRules, type AlertRule, type AlertSubjectType } from '@/db/schema';
import type { PhonePrefix } from '@/lib/ingest/phone-prefix';
import { ruleList } from './rules';
import type { EvidenceFacts } from './types';

/** What one subject (an account or an IP) needs looked at: its new events and their time span. */
export interface SubjectWork {
  from: number;
  to: number;
  newEventIds: Set<string>;
  /**
   * The rules a new event of the subject could be evidence for (a set of `ruleBit`s): the only rules run
   * for it. A hit counts only if its evidence includes a new event, so the others cannot raise anything.
   */
  rules: number;
  /** A backtest: every event of the subject from `from` to `to` counts as new (a fresh run over stored history). */
  allNew?: boolean;
}

/**
 * The subjects a stored batch touched: Vigil account ids, IPs, and country calling codes of SMS and voice
 * destinations (the pumping rule compares a country's prefixes with each other), each with a new event some
 * rule could use.
 */
export interface DetectionWork {
  accounts: Map<string, SubjectWork>;
  ips: Map<string, SubjectWork>;
  countries: Map<string, SubjectWork>;
}

export interface NewEvent extends EvidenceFacts {
  eventId: string;
  accountId: string;
  occurredAt: string;
  ip?: string | undefined;
  destination?: { at: PhonePrefix | null } | undefined;
}

/**
 * A rule's bit in a subject's rule set: its place in `alertRules`, a list that only ever grows (it is the
 * database's list of rules), so the sets stored in the detection backlog keep their meaning.
 */
export const ruleBit = (rule: AlertRule): number => 1 << alertRules.indexOf(rule);

/** Every rule: the set for work stored before subjects carried their own. */
const allRules = alertRules.reduce((set, rule) => set | ruleBit(rule), 0);
const historyRules = ruleList.filter((r) => r.readsHistory).reduce((set, r) => set | ruleBit(r.rule), 0);

/** The rules of one kind of subject that an event can be evidence for. */
function rulesFor(e: EvidenceFacts, subject: AlertSubjectType): number {
  let set = 0;
  for (const rule of ruleList) if (rule.subject === subject && rule.evidence(e)) set |= ruleBit(rule.rule);
  return set;
}

export const emptyWork = (): DetectionWork => ({ accounts: new Map(), ips: new Map(), countries: new Map() });

function add(map: Map<string, SubjectWork>, key: string, at: number, eventId: string, rules: number) {
  const work = map.get(key);
  if (!work) {
    map.set(key, { from: at, to: at, newEventIds: new Set([eventId]), rules });
    return;
  }
  work.from = Math.min(work.from, at);
  work.to = Math.max(work.to, at);
  work.newEventIds.add(eventId);
  work.rules |= rules;
}

/** What detection has to do for a batch's new events: their subjects, with the rules each could trigger. */
export function workFor(events: readonly NewEvent[]): DetectionWork {
  const work = emptyWork();
  for (const e of events) {
    const at = Date.parse(e.occurredAt);
    // An event no rule could use as evidence gives its subject nothing to do (most OTP verifications, 2FA turned on).
    const accountRules = rulesFor(e, 'account');
    if (accountRules !== 0) add(work.accounts, e.accountId, at, e.eventId, accountRules);
    if (e.ip) {
      const ipRules = rulesFor(e, 'ip');
      if (ipRules !== 0) add(work.ips, e.ip, at, e.eventId, ipRules);
    }
    const country = e.destination?.at?.countryCode;
    if (country) {
      const prefixRules = rulesFor(e, 'prefix');
      if (prefixRules !== 0) add(work.countries, country, at, e.eventId, prefixRules);
    }
  }
  return work;
}

/** Folds `more` into `into` (the queue coalesces batches that touch the same subjects). */
export function mergeWork(into: DetectionWork, more: DetectionWork): DetectionWork {
  for (const [kind, map] of [
    ['accounts', more.accounts],
    ['ips', more.ips],
    ['countries', more.countries],
  ] as const) {
    for (const [key, w] of map) {
      const have = into[kind].get(key);
      if (!have) into[kind].set(key, { ...w, newEventIds: new Set(w.newEventIds) });
      else {
        have.from = Math.min(have.from, w.from);
        have.to = Math.max(have.to, w.to);
        for (const id of w.newEventIds) have.newEventIds.add(id);
        have.rules |= w.rules;
      }
    }
  }
  return into;
}

export const workSize = (w: DetectionWork) => w.accounts.size + w.ips.size + w.countries.size;

/**
 * A subject's work as stored in the backlog: [key, from, to, needs history (0/1), event ids, rules]. Work
 * stored before the rule set existed has five fields and runs every rule; the history flag is still
 * written for servers of that version.
 */
type StoredSubject = [string, number, number, 0 | 1, string[], number?];

/** The work in a compact JSON form for the detection backlog (arrays, no repeated field names). */
export interface StoredWork {
  a: StoredSubject[];
  i: StoredSubject[];
  /** Country calling codes (absent in work stored before the pumping rule). */
  c?: StoredSubject[];
}

const storeSubjects = (map: Map<string, SubjectWork>): StoredSubject[] =>
  Array.from(map, ([key, w]) => [key, w.from, w.to, w.rules & historyRules ? 1 : 0, [...w.newEventIds], w.rules]);

const loadSubjects = (subjects: StoredSubject[]): Map<string, SubjectWork> =>
  new Map(
    subjects.map(([key, from, to, , ids, rules]) => [
      key,
      { from, to, newEventIds: new Set(ids), rules: rules ?? allRules },
    ]),
  );

export const workToJson = (work: DetectionWork): StoredWork => ({
  a: storeSubjects(work.accounts),
  i: storeSubjects(work.ips),
  c: storeSubjects(work.countries),
});

export const workFromJson = (stored: StoredWork): DetectionWork => ({
  accounts: loadSubjects(stored.a),
  ips: loadSubjects(stored.i),
  countries: loadSubjects(stored.c ?? []),
});
