import { phoneChannels, shortenPrefix } from '@/lib/ingest/phone-prefix';
import { minuteMs, type EvidenceFacts, type PrefixMinute, type RuleDefinition } from '../types';
import { distinct } from './windows';

const isPhoneCode = (e: EvidenceFacts) =>
  e.type === 'otp.issued' && e.channel !== null && e.channel !== undefined && phoneChannels.includes(e.channel);

interface Tally {
  issued: number;
  verified: number;
}

/** What one window of one prefix looked like, and the country's other prefixes beside it. */
export interface PumpingWindow {
  prefix: string;
  from: number;
  to: number;
  issued: number;
  verified: number;
  verifiedRate: number;
  /** The verified share of the country's other prefixes in the same window; null when they sent no codes. */
  othersRate: number | null;
}

const rate = (t: Tally) => (t.issued === 0 ? 0 : t.verified / t.issued);

/**
 * Every window of `windowMinutes` minutes (starting on a minute a prefix had codes) in which one prefix
 * reached `minIssued` codes while its verified share stayed under `maxVerifiedPercent` and under half the
 * share of the country's other prefixes — a carrier outage lowers a whole country, pumping lowers one
 * range of numbers. With no other traffic from the country the rate alone decides. Pure: the counts come
 * from the minute rollup (lib/ingest/rollups.ts), cut to the rule's prefix length.
 */
export function pumpingWindows(
  counts: readonly PrefixMinute[],
  countryCode: string,
  s: { minIssued: number; windowMinutes: number; prefixDigits: number; maxVerifiedPercent: number },
): PumpingWindow[] {
  const byPrefix = new Map<string, Map<number, Tally>>();
  const country = new Map<number, Tally>();
  const add = (map: Map<number, Tally>, m: PrefixMinute) => {
    const t = map.get(m.minute) ?? { issued: 0, verified: 0 };
    t.issued += m.issued;
    t.verified += m.verified;
    map.set(m.minute, t);
  };
  for (const m of counts) {
    const prefix = shortenPrefix(m.prefix, countryCode, s.prefixDigits);
    const minutes = byPrefix.get(prefix) ?? new Map<number, Tally>();
    byPrefix.set(prefix, minutes);
    add(minutes, m);
    add(country, m);
  }
  const sum = (map: Map<number, Tally>, from: number) => {
    const t = { issued: 0, verified: 0 };
    for (let m = from; m < from + s.windowMinutes * minuteMs; m += minuteMs) {
      const x = map.get(m);
      if (x) {
        t.issued += x.issued;
        t.verified += x.verified;
      }
    }
    return t;
  };
  const found: PumpingWindow[] = [];
  for (const [prefix, minutes] of byPrefix) {
    for (const start of [...minutes.keys()].sort((a, b) => a - b)) {
      if ((minutes.get(start)?.issued ?? 0) === 0) continue;
      const mine = sum(minutes, start);
      if (mine.issued < s.minIssued) continue;
      const all = sum(country, start);
      const others = { issued: all.issued - mine.issued, verified: all.verified - mine.verified };
      const verifiedRate = rate(mine);
      const othersRate = others.issued === 0 ? null : rate(others);
      if (verifiedRate * 100 >= s.maxVerifiedPercent) continue;
      if (othersRate !== null && verifiedRate >= othersRate / 2) continue;
      found.push({ prefix, from: start, to: start + s.windowMinutes * minuteMs, ...mine, verifiedRate, othersRate });
    }
  }
  return found;
}

/** Where one prefix's pumping windows lie: the only codes the rule can take as its evidence. */
export interface EvidenceSpan {
  prefix: string;
  from: number;
  to: number;
}

/**
 * The span of each prefix's pumping windows. A busy prefix whose codes are used gives none, so the run reads
 * codes from the store only where the counts already show pumping (a country's big ranges reach `minIssued`
 * every few minutes: reading their codes on every batch made the evidence read grow with the traffic).
 */
export function evidenceSpans(
  counts: readonly PrefixMinute[],
  countryCode: string,
  s: Parameters<typeof pumpingWindows>[2],
): EvidenceSpan[] {
  const spans = new Map<string, EvidenceSpan>();
  for (const w of pumpingWindows(counts, countryCode, s)) {
    const span = spans.get(w.prefix);
    if (span) {
      span.from = Math.min(span.from, w.from);
      span.to = Math.max(span.to, w.to);
    } else spans.set(w.prefix, { prefix: w.prefix, from: w.from, to: w.to });
  }
  return [...spans.values()];
}

/**
 * SMS pumping (toll fraud): codes sent by SMS or voice to numbers under one prefix, far more than are
 * ever used. The subject is the prefix, not an account; overlapping windows of one prefix are one hit,
 * its evidence the codes issued to that prefix inside them.
 */
export const smsPumping: RuleDefinition<'sms_pumping'> = {
  rule: 'sms_pumping',
  subject: 'prefix',
  severity: 'high',
  title: 'SMS pumping',
  evidence: isPhoneCode,
  describe: (s) =>
    `${s.minIssued} or more SMS or voice codes within ${s.windowMinutes} min to one number prefix (country code + ${s.prefixDigits} digits), under ${s.maxVerifiedPercent} % verified and under half the rate of the country's other prefixes.`,
  evaluate({ events, prefixCounts = [], countryCode = '' }, s) {
    const windows = pumpingWindows(prefixCounts, countryCode, s);
    const runs = new Map<string, PumpingWindow[][]>();
    for (const w of windows.sort((a, b) => a.from - b.from)) {
      const list = runs.get(w.prefix) ?? [];
      const last = list.at(-1);
      if (last && w.from <= last.at(-1)!.to) last.push(w);
      else list.push([w]);
      runs.set(w.prefix, list);
    }
    return [...runs].flatMap(([prefix, list]) =>
      list.flatMap((run) => {
        const from = run[0]!.from;
        const to = Math.max(...run.map((w) => w.to));
        const evidence = events.filter(
          (e) => isPhoneCode(e) && e.destination?.startsWith(prefix) && e.occurredAt >= from && e.occurredAt < to,
        );
        if (evidence.length === 0) return [];
        const peak = run.reduce((a, b) => (b.issued > a.issued ? b : a));
        return [
          {
            evidence,
            details: {
              prefix,
              countryCode,
              issued: peak.issued,
              verified: peak.verified,
              verifiedRate: peak.verifiedRate,
              othersRate: peak.othersRate,
              windowMinutes: s.windowMinutes,
              codes: evidence.length,
              numbers: distinct(evidence.map((e) => e.destination)).length,
              accountCount: distinct(evidence.map((e) => e.accountId)).length,
              accounts: distinct(evidence.map((e) => e.account)).slice(0, 100),
            },
          },
        ];
      }),
    );
  },
};
