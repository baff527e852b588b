/** What one subject (an account or an IP) needs looked at: its new events and their time span. */
export interface SubjectWork {
  from: number;
  to: number;
  newEventIds: Set<string>;
  /**
   * A new successful login, account change or transaction code needs the account's longer history
   * (which devices and countries it has been seen from).
   */
  needsHistory: boolean;
}

/** The subjects a stored batch touched: Vigil account ids, and IPs of failed logins (the only IP rule). */
export interface DetectionWork {
  accounts: Map<string, SubjectWork>;
  ips: Map<string, SubjectWork>;
}

export interface NewEvent {
  eventId: string;
  accountId: string;
  occurredAt: string;
  type: string;
  ip?: string | undefined;
  purpose?: string | undefined;
}

const needsHistory = (e: NewEvent) => e.type === 'login.succeeded' || e.type.startsWith('account.') || (e.type === 'otp.issued' && e.purpose === 'transaction');

export const emptyWork = (): DetectionWork => ({ accounts: new Map(), ips: new Map() });

function add(map: Map<string, SubjectWork>, key: string, at: number, eventId: string, history: boolean) {
  const work = map.get(key);
  if (!work) {
    map.set(key, { from: at, to: at, newEventIds: new Set([eventId]), needsHistory: history });
    return;
  }
  work.from = Math.min(work.from, at);
  work.to = Math.max(work.to, at);
  work.newEventIds.add(eventId);
  work.needsHistory ||= history;
}

export function workFor(events: readonly NewEvent[]): DetectionWork {
  const work = emptyWork();
  for (const e of events) {
    const at = Date.parse(e.occurredAt);
    add(work.accounts, e.accountId, at, e.eventId, needsHistory(e));
    if (e.type === 'login.failed' && e.ip) add(work.ips, e.ip, at, e.eventId, false);
  }
  return work;
}

/** Folds `more` into `into` (the queue coalesces batches that touch the same subjects). */
export function mergeWork(into: DetectionWork, more: DetectionWork): DetectionWork {
  for (const [kind, map] of [['accounts', more.accounts], ['ips', more.ips]] as const) {
    for (const [key, w] of map) {
      const have = into[kind].get(key);
      if (!have) into[kind].set(key, { ...w, newEventIds: new Set(w.newEventIds) });
      else {
        have.from = Math.min(have.from, w.from);
        have.to = Math.max(have.to, w.to);
        for (const id of w.newEventIds) have.newEventIds.add(id);
        have.needsHistory ||= w.needsHistory;
      }
    }
  }
  return into;
}

export const workSize = (w: DetectionWork) => w.accounts.size + w.ips.size;

/** A subject's work as stored in the backlog: [key, from, to, needsHistory (0/1), event ids]. */
type StoredSubject = [string, number, number, 0 | 1, string[]];

/** The work in a compact JSON form for the detection backlog (arrays, no repeated field names). */
export interface StoredWork {
  a: StoredSubject[];
  i: StoredSubject[];
}

const storeSubjects = (map: Map<string, SubjectWork>): StoredSubject[] =>
  Array.from(map, ([key, w]) => [key, w.from, w.to, w.needsHistory ? 1 : 0, [...w.newEventIds]]);

const loadSubjects = (subjects: StoredSubject[]): Map<string, SubjectWork> =>
  new Map(subjects.map(([key, from, to, history, ids]) => [key, { from, to, needsHistory: history === 1, newEventIds: new Set(ids) }]));

export const workToJson = (work: DetectionWork): StoredWork => ({ a: storeSubjects(work.accounts), i: storeSubjects(work.ips) });

export const workFromJson = (stored: StoredWork): DetectionWork => ({ accounts: loadSubjects(stored.a), ips: loadSubjects(stored.i) });
