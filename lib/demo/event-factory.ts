import type { Faker } from '@faker-js/faker';
import type { IngestEvent } from '@/lib/ingest/event-schema';
import type { DemoAccount } from './demo-profiles';

export const hourMs = 3_600_000;
// Share of the day's traffic in each UTC hour.
const hourWeights = [2, 1, 1, 1, 1, 2, 3, 5, 6, 6, 6, 7, 8, 7, 6, 6, 6, 7, 9, 10, 10, 9, 6, 4];

type Ctx = NonNullable<IngestEvent['context']>;
/** An event before it gets its id and timestamp (distributes over the union of event types). */
type EventDraft = IngestEvent extends infer E
  ? E extends IngestEvent
    ? Omit<E, 'id' | 'occurredAt'> & { at: number }
    : never
  : never;
export type OtpChannel = 'sms' | 'email' | 'totp';
type OtpPurpose = 'login' | 'transaction' | 'delivery' | 'password_reset' | 'contact_change';

/** Emits events with deterministic ids; everything random comes from one seeded Faker. */
export class EventFactory {
  private counter = 0;
  readonly events: IngestEvent[] = [];
  constructor(
    readonly f: Faker,
    /** Seed and size in every id: runs with other options never collide with (and get dropped as) this one's ids. */
    private readonly runTag: string,
    private readonly end: Date,
  ) {}

  nextId(prefix: string): string {
    this.counter += 1;
    return `${prefix}_${this.runTag}_${this.counter.toString(36)}`;
  }

  accountRef(a: DemoAccount) {
    return { id: a.externalId, email: a.email, phone: a.phone };
  }

  push(event: EventDraft) {
    if (event.at >= this.end.getTime()) return;
    const { at, ...rest } = event;
    this.events.push({ ...rest, id: this.nextId('evt'), occurredAt: new Date(at).toISOString() });
  }

  /** Where the customer is: at home (mostly on the home network), or on a trip (a hotel's or a roaming address). */
  context(a: DemoAccount): Ctx {
    const f = this.f;
    const away = a.trip !== undefined;
    return {
      ip: !away && f.number.float() < 0.85 ? a.homeIp : f.internet.ipv4(),
      userAgent: a.userAgent,
      deviceId: f.number.float() < 0.9 ? a.devices[0] : f.helpers.arrayElement(a.devices),
      country: a.trip?.country ?? a.country,
    };
  }

  /**
   * One code's life: issued, then what customers actually do — verify it, mistype it, let it expire, burn
   * every try, or never receive it. Returns the time the flow ended and whether the code was verified.
   */
  otpFlow(
    a: DemoAccount,
    at: number,
    channel: OtpChannel,
    purpose: OtpPurpose,
    ctx: Ctx,
  ): { at: number; verified: boolean } {
    const f = this.f;
    const account = this.accountRef(a);
    let t = at;
    for (let attempt = 0; attempt < 3; attempt++) {
      const otpId = this.nextId('otp');
      const base = { account, context: ctx, otpId, channel, purpose };
      this.push({ ...base, type: 'otp.issued', at: t });
      const roll = f.number.float();
      if (channel !== 'totp' && roll < 0.025) {
        this.push({
          ...base,
          type: 'otp.delivery_failed',
          reason: f.helpers.arrayElement(['carrier_rejected', 'unreachable', 'bounced']),
          at: t + 4_000,
        });
        t += f.number.int({ min: 40_000, max: 120_000 });
        continue; // the customer asks for a new code
      }
      // The provider's delivery receipt: seconds mostly; now and then an SMS lingers at the carrier. A code is
      // used only once it has arrived.
      let arrived = t;
      if (channel !== 'totp') {
        const slow = f.number.float() < (channel === 'sms' ? 0.1 : 0.03);
        arrived = t + (slow ? f.number.int({ min: 20_000, max: 150_000 }) : f.number.int({ min: 1_500, max: 9_000 }));
        this.push({ ...base, type: 'otp.delivered', at: arrived });
      }
      if (roll < 0.05) {
        this.push({
          ...base,
          type: 'otp.failed',
          reason: 'expired',
          at: t + f.number.int({ min: 600_000, max: 900_000 }),
        });
        t += 900_000;
        continue;
      }
      if (roll < 0.06) {
        for (let i = 0; i < 4; i++)
          this.push({ ...base, type: 'otp.failed', reason: 'incorrect', at: t + 15_000 * (i + 1) });
        this.push({ ...base, type: 'otp.failed', reason: 'max_attempts', at: t + 80_000 });
        return { at: t + 80_000, verified: false };
      }
      if (roll < 0.07) return { at: t, verified: false }; // abandoned
      if (roll < 0.14) {
        this.push({
          ...base,
          type: 'otp.failed',
          reason: 'incorrect',
          at: t + f.number.int({ min: 15_000, max: 50_000 }),
        });
        t += 50_000;
      }
      const done = Math.max(t, arrived) + f.number.int({ min: 10_000, max: 90_000 });
      this.push({ ...base, type: 'otp.verified', at: done });
      return { at: done, verified: true };
    }
    return { at: t, verified: false };
  }

  signIn(a: DemoAccount, at: number) {
    const f = this.f;
    const ctx = this.context(a);
    const account = this.accountRef(a);
    let t = at;
    if (f.number.float() < 0.06) {
      const misses = f.number.int({ min: 1, max: 2 });
      for (let i = 0; i < misses; i++) {
        this.push({ type: 'login.failed', reason: 'bad_password', account, context: ctx, at: t });
        t += f.number.int({ min: 8_000, max: 40_000 });
      }
      if (f.number.float() < 0.15) return; // gave up
    }
    const newDevice = ctx.deviceId !== a.devices[0];
    if (a.twoFactor || newDevice) {
      const channel: OtpChannel = a.twoFactor ?? 'email';
      const flow = this.otpFlow(a, t + 2_000, channel, 'login', ctx);
      if (!flow.verified) {
        this.push({ type: 'login.failed', reason: 'otp_failed', account, context: ctx, at: flow.at + 1_000 });
        return;
      }
      this.push({ type: 'login.succeeded', method: 'otp', account, context: ctx, at: flow.at + 500 });
      return;
    }
    this.push({ type: 'login.succeeded', method: 'password', account, context: ctx, at: t + 500 });
  }

  /** Random moment in the UTC day starting at dayStart, shaped by the hour-of-day curve. */
  momentIn(dayStart: number): number {
    const hour = this.f.helpers.weightedArrayElement(hourWeights.map((weight, value) => ({ value, weight })));
    return dayStart + hour * hourMs + this.f.number.int({ min: 0, max: hourMs - 1 });
  }

  /** Knuth's Poisson draw: how many times something with mean `mean` happens today. */
  poisson(mean: number): number {
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.f.number.float();
    while (p > limit) {
      k += 1;
      p *= this.f.number.float();
    }
    return k;
  }
}
