import { Faker, en } from '@faker-js/faker';
import type { IngestEvent } from '@/lib/ingest/event-schema';
import { demoAccount, type DemoAccount } from './demo-profiles';
import { EventFactory, hourMs, type OtpChannel } from './event-factory';
import { incidentAccounts, plantIncidents } from './incidents';

export interface SeedOptions {
  accounts: number;
  days: number;
  seed: number;
  /** The range ends here (exclusive); fixed in tests so output is reproducible. */
  end: Date;
}

export const defaultSeedOptions = { accounts: 400, days: 30, seed: 7 } as const;

const dayMs = 24 * hourMs;
// Share of the day's traffic per UTC hour: quiet nights, a lunch bump and an evening peak.
// Monday..Sunday (getUTCDay order is Sunday first).
const weekdayFactor = [1.25, 0.9, 0.95, 0.95, 1.0, 1.1, 1.3];

const tripDestinations = ['ES', 'IT', 'PT', 'GR', 'US', 'GB', 'FR', 'JP'];

/**
 * Customers travel: about one in a hundred leaves on a given day for 3–9 days. The days of the flights out
 * and back have no activity, so nobody signs in from two continents an hour apart (that is an incident).
 * Returns false on a travel day.
 */
function travel(fx: EventFactory, a: DemoAccount, day: number, days: number, isFirstDay: boolean): boolean {
  if (a.trip) {
    if (day <= a.trip.untilDay) return true;
    a.trip = undefined;
    return false;
  }
  const planned = a.plannedTrip && day === days - a.plannedTrip.startsDaysAgo ? a.plannedTrip : undefined;
  if (isFirstDay || !(planned || (a.randomTrips !== false && fx.f.number.float() < 0.01))) return true;
  const country = planned?.country ?? fx.f.helpers.arrayElement(tripDestinations.filter((c) => c !== a.country));
  a.trip = { country, untilDay: day + (planned?.days ?? fx.f.number.int({ min: 3, max: 9 })) };
  return false;
}

function accountDay(fx: EventFactory, a: DemoAccount, dayStart: number, factor: number, isFirstDay: boolean) {
  const f = fx.f;
  if (isFirstDay && a.twoFactor) {
    fx.push({
      type: 'account.2fa_changed',
      enabled: true,
      method: a.twoFactor,
      account: fx.accountRef(a),
      context: fx.context(a),
      at: dayStart + 60_000,
    });
  }
  for (let i = fx.poisson(a.activity * factor); i > 0; i--) fx.signIn(a, fx.momentIn(dayStart));
  for (let i = fx.poisson(0.12 * factor); i > 0; i--) {
    const channel: OtpChannel = a.twoFactor === 'totp' ? 'totp' : f.number.float() < 0.72 ? 'sms' : 'email';
    fx.otpFlow(a, fx.momentIn(dayStart), channel, 'transaction', fx.context(a));
  }
  for (let i = fx.poisson(0.07 * factor); i > 0; i--)
    fx.otpFlow(a, fx.momentIn(dayStart), 'sms', 'delivery', fx.context(a));
  if (f.number.float() < 0.004) {
    const ctx = fx.context(a);
    const flow = fx.otpFlow(a, fx.momentIn(dayStart), 'email', 'password_reset', ctx);
    if (flow.verified)
      fx.push({ type: 'account.password_changed', account: fx.accountRef(a), context: ctx, at: flow.at + 30_000 });
  }
  if (f.number.float() < 0.002) {
    const ctx = fx.context(a);
    const flow = fx.otpFlow(a, fx.momentIn(dayStart), 'sms', 'contact_change', ctx);
    if (flow.verified) {
      a.email = `${a.email.split('@')[0]}.${f.string.numeric(2)}@example.com`;
      fx.push({
        type: 'account.contact_changed',
        field: 'email',
        account: fx.accountRef(a),
        context: ctx,
        at: flow.at + 20_000,
      });
    }
  }
}

export interface DemoDataset {
  accounts: DemoAccount[];
  /** Day by day, so a caller can store and report progress as it goes. */
  days(): Generator<{ day: number; events: IngestEvent[] }>;
}

/** Deterministic for a given seed and end time: the same options give the same events, ids included. */
export function demoDataset(options: SeedOptions): DemoDataset {
  const f = new Faker({ locale: [en], seed: options.seed });
  const accounts = [
    ...incidentAccounts.map((a) => ({ ...a, devices: [...a.devices], trip: undefined, randomTrips: false })),
    ...Array.from({ length: options.accounts }, (_, i) => demoAccount(f, i, options.days)),
  ];
  const lastMidnight = Math.floor(options.end.getTime() / dayMs) * dayMs;
  const firstDay = lastMidnight - (options.days - 1) * dayMs;
  return {
    accounts,
    *days() {
      const fx = new EventFactory(
        f,
        `${options.seed.toString(36)}a${options.accounts.toString(36)}d${options.days.toString(36)}`,
        options.end,
      );
      for (let day = 0; day < options.days; day++) {
        const dayStart = firstDay + day * dayMs;
        const factor = weekdayFactor[new Date(dayStart).getUTCDay()] ?? 1;
        for (const a of accounts) {
          if (day >= a.joinedDay && travel(fx, a, day, options.days, day === a.joinedDay))
            accountDay(fx, a, dayStart, factor, day === a.joinedDay);
        }
        if (day === options.days - 1) plantIncidents(fx, accounts, firstDay, options.end.getTime());
        const events = fx.events
          .splice(0)
          .sort((x, y) => (x.occurredAt < y.occurredAt ? -1 : x.occurredAt > y.occurredAt ? 1 : 0));
        yield { day, events };
      }
    },
  };
}
