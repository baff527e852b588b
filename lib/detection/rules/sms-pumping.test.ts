import { describe, expect, it } from 'vitest';
import { defaultDetectionSettings } from '../settings';
import { minuteMs, type DetectionEvent, type PrefixMinute } from '../types';
import { evidenceSpans, pumpingWindows, smsPumping } from './sms-pumping';

const s = defaultDetectionSettings.sms_pumping;
const t0 = Date.parse('2026-06-01T12:00:00Z');

/** `n` codes to numbers under `prefix` (a 6-digit stored prefix is derived), spread over `minutes`, a share verified. */
function wave(prefix: string, n: number, minutes: number, verifiedShare: number, start = t0) {
  const counts: PrefixMinute[] = [];
  const events: DetectionEvent[] = [];
  for (let i = 0; i < n; i++) {
    const at = start + Math.floor((i * minutes * minuteMs) / n);
    const number = `${prefix}${String(1_000_000 + i).slice(1)}${i % 10}`;
    const verified = Math.floor((i + 1) * verifiedShare) > Math.floor(i * verifiedShare) ? 1 : 0;
    counts.push({ minute: at - (at % minuteMs), prefix: number.slice(0, 10), issued: 1, verified });
    events.push({
      eventId: `${prefix}-${i}`,
      type: 'otp.issued',
      occurredAt: at,
      accountId: `acc-${i % 4}`,
      account: `cus_${i % 4}`,
      channel: 'sms',
      destination: number,
    });
  }
  return { counts, events };
}

const run = (...waves: ReturnType<typeof wave>[]) =>
  smsPumping.evaluate(
    { events: waves.flatMap((w) => w.events), prefixCounts: waves.flatMap((w) => w.counts), countryCode: '234' },
    s,
  );

describe('sms_pumping', () => {
  it('60 unused codes to one prefix in 9 minutes is one hit on that prefix, with the codes, numbers and accounts', () => {
    const [hit, ...rest] = run(wave('+234905', 60, 9, 0));
    expect(rest).toEqual([]);
    expect(hit!.evidence).toHaveLength(60);
    expect(hit!.details).toMatchObject({
      prefix: '+234905',
      countryCode: '234',
      codes: 60,
      numbers: 60,
      accountCount: 4,
      verifiedRate: 0,
      othersRate: null,
    });
  });

  it('hides nowhere: 8 % used beside the country’s ordinary, mostly used codes still fires', () => {
    const hits = run(wave('+234905', 200, 10, 0.08), wave('+234803', 40, 10, 0.85));
    expect(hits.map((h) => h.details.prefix)).toEqual(['+234905']);
    expect(hits[0]!.details.othersRate).toBeCloseTo(0.85, 1);
  });

  it('a long wave is one hit, not one per window', () => {
    const hits = run(wave('+234905', 300, 30, 0));
    expect(hits).toHaveLength(1);
    expect(hits[0]!.evidence).toHaveLength(300);
  });

  it('look-alikes raise nothing: below the count, a popular prefix, a share at the rate, a carrier outage', () => {
    expect(run(wave('+234905', 49, 10, 0))).toEqual([]);
    expect(run(wave('+234905', 150, 10, 0.85))).toEqual([]);
    expect(run(wave('+234905', 60, 10, 0.15))).toEqual([]);
    // The whole country converts badly: this prefix (5 %) is not below half the rest (7.5 %).
    expect(run(wave('+234905', 60, 10, 0.05), wave('+234806', 40, 10, 0.075), wave('+234808', 40, 10, 0.075))).toEqual(
      [],
    );
  });

  it('codes spread wider than the window do not add up', () => {
    expect(run(wave('+234905', 60, 25, 0))).toEqual([]);
  });

  it('the prefix length is a setting: three digits group +234905 and +234906 apart, one digit together', () => {
    const a = wave('+234905', 30, 9, 0);
    const b = wave('+234906', 30, 9, 0);
    const counts = [...a.counts, ...b.counts];
    expect(pumpingWindows(counts, '234', s)).toEqual([]);
    const wide = pumpingWindows(counts, '234', { ...s, prefixDigits: 1 });
    expect(new Set(wide.map((w) => w.prefix))).toEqual(new Set(['+2349']));
  });

  it('codes are read as evidence only where the counts show pumping, and only inside its windows', () => {
    const busy = wave('+234803', 400, 30, 0.85);
    const pumped = wave('+234905', 300, 30, 0, t0 + 60 * minuteMs);
    // A busy prefix whose codes are used reaches the count in every window, and needs no read.
    expect(evidenceSpans(busy.counts, '234', s)).toEqual([]);
    const spans = evidenceSpans([...busy.counts, ...pumped.counts], '234', s);
    expect(spans.map((x) => x.prefix)).toEqual(['+234905']);
    // The span covers every code the hit takes as evidence, and no minute before the wave.
    const [hit] = run(busy, pumped);
    expect(spans[0]!.from).toBe(t0 + 60 * minuteMs);
    for (const e of hit!.evidence) {
      expect(e.occurredAt).toBeGreaterThanOrEqual(spans[0]!.from);
      expect(e.occurredAt).toBeLessThan(spans[0]!.to);
    }
    expect(hit!.evidence).toHaveLength(300);
  });

  it('only SMS and voice codes are evidence', () => {
    expect(smsPumping.evidence({ type: 'otp.issued', channel: 'sms' })).toBe(true);
    expect(smsPumping.evidence({ type: 'otp.issued', channel: 'voice' })).toBe(true);
    expect(smsPumping.evidence({ type: 'otp.issued', channel: 'email' })).toBe(false);
    expect(smsPumping.evidence({ type: 'otp.verified', channel: 'sms' })).toBe(false);
  });
});
