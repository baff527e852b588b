import { Faker, base, en } from '@faker-js/faker';
import type { AlertRule } from '@/db/schema';
import { countryDistanceKm } from '@/lib/detection/geo';
import type { IngestEvent } from '@/lib/ingest/event-schema';

/*
 * Labeled traffic for `npm run bench:detection`: a benign population with the noise real customers make,
 * plus planted cases of each rule at and above its default threshold (positives) and just below it
 * (negatives). Deterministic for a given seed; times are relative to `end`.
 */

export interface PlantedCase {
  rule: AlertRule;
  subject: string;
  positive: boolean;
  variant: string;
}
export interface DetectionTraffic {
  events: IngestEvent[];
  benign: Set<string>;
  cases: PlantedCase[];
}

type Ctx = { ip: string; deviceId: string; country: string; userAgent: string };
type Body = IngestEvent extends infer E
  ? E extends IngestEvent
    ? Omit<E, 'id' | 'occurredAt' | 'account' | 'context'>
    : never
  : never;
type Channel = 'sms' | 'email' | 'totp';
type Purpose = 'login' | 'transaction' | 'delivery' | 'password_reset' | 'contact_change';
interface Trip {
  country: string;
  ip: string;
  leave: number;
  arrive: number;
  leaveBack: number;
  back: number;
}
interface Customer {
  id: string;
  email: string;
  phone: string;
  home: string;
  devices: string[];
  known: Set<string>;
  ip: string;
  mobile: boolean;
  ua: string;
  twoFactor: Channel | null;
  activity: number;
  trip?: Trip;
}

const min = 60_000;
const hour = 60 * min;
const day = 24 * hour;
const homes = { US: 30, GB: 14, DE: 12, FR: 12, CA: 6, ES: 6, BE: 5, AT: 5, IT: 5, NL: 5 } as const;
type Home = keyof typeof homes;
const neighbours: Record<Home, string[]> = {
  US: ['CA', 'MX'],
  CA: ['US'],
  GB: ['IE', 'FR'],
  DE: ['AT', 'FR', 'NL', 'CH', 'DK', 'PL', 'CZ', 'BE'],
  FR: ['BE', 'ES', 'DE', 'IT', 'CH', 'LU'],
  ES: ['PT', 'FR'],
  BE: ['FR', 'NL', 'DE', 'LU'],
  AT: ['DE', 'IT', 'CH', 'CZ', 'HU', 'SI'],
  IT: ['FR', 'CH', 'AT', 'SI'],
  NL: ['BE', 'DE'],
};
const holidays = ['US', 'TH', 'JP', 'MA', 'GR', 'MX', 'GB', 'IT', 'ES'];
const attackCountries = ['NG', 'VN', 'RU', 'ID', 'BR', 'UA', 'RO', 'PH'];
// Share of sign-ins per UTC hour: quiet nights, an evening peak.
const hourWeights = [2, 1, 1, 1, 1, 2, 3, 5, 6, 6, 6, 7, 8, 7, 6, 6, 6, 7, 9, 10, 10, 9, 6, 4].map((weight, value) => ({
  value,
  weight,
}));

/** Emits events with sequential ids; everything random comes from one seeded Faker. */
class Recorder {
  readonly events: IngestEvent[] = [];
  private n = 0;
  private attackers = 0;
  /** The address of the latest attacker (the subject of a stuffing case). */
  lastAttackerIp = '';
  /** The number prefix of the latest pumping case (its subject). */
  lastPrefix = '';
  constructor(
    readonly f: Faker,
    readonly end: number,
    readonly nat: string[],
  ) {}

  id = (prefix: string) => `${prefix}_${(++this.n).toString(36)}`;
  emit(c: Customer, at: number, context: Ctx, body: Body) {
    if (at >= this.end) return;
    this.events.push({
      ...body,
      id: this.id('evt'),
      occurredAt: new Date(Math.round(at)).toISOString(),
      account: { id: c.id, email: c.email, phone: c.phone },
      context,
    });
  }
  int = (lo: number, hi: number) => this.f.number.int({ min: Math.round(lo), max: Math.round(hi) });
  chance = (p: number) => this.f.number.float() < p;
  poisson(mean: number) {
    let k = 0;
    for (let p = this.f.number.float(); p > Math.exp(-mean); p *= this.f.number.float()) k += 1;
    return k;
  }
  device = () => `dev_${this.f.string.alphanumeric({ length: 12, casing: 'lower' })}`;
  momentIn(dayStart: number) {
    return dayStart + this.f.helpers.weightedArrayElement(hourWeights) * hour + this.int(0, hour - 1);
  }

  customer(
    id: string,
    home: Home = this.f.helpers.weightedArrayElement(
      Object.entries(homes).map(([value, weight]) => ({ value: value as Home, weight })),
    ),
  ): Customer {
    const f = this.f;
    const devices = Array.from({ length: this.chance(0.35) ? 2 : 1 }, this.device);
    return {
      id,
      home,
      devices,
      known: new Set(),
      email: `${id}@example.com`,
      phone: `+44770${f.string.numeric(7)}`,
      mobile: this.chance(0.4),
      ua: f.internet.userAgent(),
      ip: `${this.int(1, 95)}.${this.int(0, 255)}.${this.int(0, 255)}.${this.int(1, 254)}`,
      twoFactor: f.helpers.weightedArrayElement<Channel | null>([
        { value: null, weight: 45 },
        { value: 'sms', weight: 30 },
        { value: 'email', weight: 10 },
        { value: 'totp', weight: 15 },
      ]),
      activity: f.number.float({ min: 0.3, max: 1.5 }),
    };
  }
  home = (c: Customer, deviceId = c.devices[0]!): Ctx => ({
    ip: c.mobile ? this.f.helpers.arrayElement(this.nat) : c.ip,
    deviceId,
    country: c.home,
    userAgent: c.ua,
  });
  /** A fresh attacker: own IP (198.18.0.0/15, never a customer's), own device. */
  attacker(country = this.f.helpers.arrayElement(attackCountries)): Ctx {
    const n = ++this.attackers;
    this.lastAttackerIp = `198.${18 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
    return { ip: this.lastAttackerIp, deviceId: this.device(), country, userAgent: this.f.internet.userAgent() };
  }
  /** Where the customer signs in from at `at`, or null while travelling. */
  where(
    c: Customer,
    at: number,
    deviceId = c.devices.length > 1 && this.chance(0.15) ? c.devices[1]! : c.devices[0]!,
  ): Ctx | null {
    const t = c.trip;
    if (!t || at < t.leave || at >= t.back) return this.home(c, deviceId);
    if (at < t.arrive || at >= t.leaveBack) return null;
    return { ip: t.ip, deviceId, country: t.country, userAgent: c.ua };
  }

  /** One code as customers live it: lost SMS (often when roaming), expiry, a typo or two, an old code typed five times. */
  codeFlow(c: Customer, at: number, ctx: Ctx, purpose: Purpose, channel: Channel): { at: number; ok: boolean } {
    let t = at;
    const lost = channel === 'totp' ? 0 : ctx.country !== c.home && channel === 'sms' ? 0.25 : 0.03;
    for (let code = 0; code < 3; code++) {
      const otp = { otpId: this.id('otp'), channel, purpose };
      this.emit(c, t, ctx, { type: 'otp.issued', ...otp });
      const r = this.f.number.float();
      if (r < lost) {
        if (r < lost / 3) this.emit(c, t + 5_000, ctx, { type: 'otp.delivery_failed', ...otp, reason: 'unreachable' });
        t += this.int(40_000, 120_000);
        continue;
      }
      if (r < lost + 0.03) {
        t += this.int(10 * min, 12 * min);
        this.emit(c, t, ctx, { type: 'otp.failed', ...otp, reason: 'expired' });
        continue;
      }
      if (r < lost + 0.033) {
        for (let i = 1; i <= 4; i++)
          this.emit(c, t + i * 15_000, ctx, { type: 'otp.failed', ...otp, reason: 'incorrect' });
        this.emit(c, t + 75_000, ctx, { type: 'otp.failed', ...otp, reason: 'max_attempts' });
        t += this.int(90_000, 150_000);
        continue;
      }
      const typos = r < lost + 0.103 ? 1 : r < lost + 0.123 ? 2 : 0;
      for (let i = 1; i <= typos; i++)
        this.emit(c, t + i * this.int(10_000, 25_000), ctx, { type: 'otp.failed', ...otp, reason: 'incorrect' });
      const done = t + (typos + 1) * 25_000 + this.int(5_000, 60_000);
      this.emit(c, done, ctx, { type: 'otp.verified', ...otp });
      return { at: done, ok: true };
    }
    return { at: t, ok: false };
  }

  signIn(c: Customer, at: number, device?: string) {
    const ctx = this.where(c, at, device);
    if (!ctx) return;
    let t = at;
    if (this.chance(0.04)) {
      // A forgotten password: a few tries, and now and then a reset.
      for (let i = this.int(1, 3); i > 0; i--, t += this.int(10_000, 60_000))
        this.emit(c, t, ctx, { type: 'login.failed', reason: 'bad_password' });
      if (this.chance(0.08)) t = this.errand(c, t + this.int(30_000, 5 * min), 'password_reset', ctx);
    }
    if (c.twoFactor || !c.known.has(ctx.deviceId)) {
      // 2FA, or a device the platform does not know yet: a code first. A failed flow is retried once, minutes later.
      let flow = this.codeFlow(c, t + 2_000, ctx, 'login', c.twoFactor ?? 'email');
      if (!flow.ok && this.chance(0.6)) {
        this.emit(c, flow.at + 1_000, ctx, { type: 'login.failed', reason: 'otp_failed' });
        flow = this.codeFlow(c, flow.at + this.int(min, 8 * min), ctx, 'login', c.twoFactor ?? 'email');
      }
      if (!flow.ok) return this.emit(c, flow.at + 1_000, ctx, { type: 'login.failed', reason: 'otp_failed' });
      t = flow.at;
    }
    this.emit(c, t + 1_000, ctx, { type: 'login.succeeded', method: c.twoFactor ? 'otp' : 'password' });
    c.known.add(ctx.deviceId);
  }

  /** A trip abroad with the customer's own devices; travel time is spent offline (a drive, a train, a flight). */
  planTrip(c: Customer, start: number) {
    const home = c.home as Home;
    const country = this.chance(0.7)
      ? this.f.helpers.arrayElement(neighbours[home])
      : this.f.helpers.arrayElement(holidays.filter((h) => h !== home));
    const km = countryDistanceKm(home, country) ?? 1000;
    const transit = () =>
      km > 1500
        ? (km / 800) * hour + this.int(1.5 * hour, 3.5 * hour)
        : this.int(home === 'US' || home === 'CA' ? hour : 1.5 * hour, 6 * hour);
    const leave = start + this.int(3 * day, 9 * day);
    const arrive = leave + transit();
    const leaveBack = arrive + this.int(day, 5 * day);
    c.trip = {
      country,
      ip: `${this.int(1, 95)}.${this.int(0, 255)}.${this.int(0, 255)}.${this.int(1, 254)}`,
      leave,
      arrive,
      leaveBack,
      back: leaveBack + transit(),
    };
  }

  /** Eleven days of a customer's life. */
  benign(c: Customer, start: number) {
    if (this.chance(0.06)) this.planTrip(c, start);
    const newPhoneDay = this.chance(0.03) ? this.int(2, 10) : -1;
    for (let d = 0; d <= 10; d++) {
      const at = () => this.momentIn(start + d * day);
      // Older history, compressed: every device the customer owns has signed in before.
      if (d === 0) for (const device of c.devices) this.signIn(c, at(), device);
      if (d === newPhoneDay) c.devices.unshift(this.device());
      for (let i = this.poisson(c.activity); i > 0; i--) this.signIn(c, at());
      for (let i = this.poisson(0.15); i > 0; i--) this.errand(c, at(), 'transaction');
      for (let i = this.poisson(0.05); i > 0; i--) this.errand(c, at(), 'delivery');
      if (this.chance(0.001)) this.errand(c, at(), 'password_reset');
      if (this.chance(0.0005)) this.errand(c, at(), 'contact_change');
      if (this.chance(0.0005)) this.errand(c, at(), '2fa');
    }
  }
  /** A code for something other than signing in, and what follows it; returns when it ended. */
  errand(c: Customer, at: number, what: Exclude<Purpose, 'login'> | '2fa', ctx = this.where(c, at)): number {
    if (!ctx) return at;
    if (what === '2fa') {
      this.emit(c, at, ctx, { type: 'account.2fa_changed', enabled: !c.twoFactor, method: 'sms' });
      c.twoFactor = c.twoFactor ? null : 'sms';
      return at;
    }
    const channel =
      what === 'password_reset'
        ? 'email'
        : what === 'transaction'
          ? c.twoFactor === 'totp'
            ? 'totp'
            : this.chance(0.3)
              ? 'email'
              : 'sms'
          : 'sms';
    const flow = this.codeFlow(c, at, ctx, what, channel);
    if (flow.ok && what === 'password_reset') this.emit(c, flow.at + 30_000, ctx, { type: 'account.password_changed' });
    if (flow.ok && what === 'contact_change') {
      const field = this.chance(0.5) ? 'email' : 'phone';
      if (field === 'email') c.email = `${c.id}.${this.int(10, 99)}@example.net`;
      else c.phone = `+44770${this.f.string.numeric(7)}`;
      this.emit(c, flow.at + 20_000, ctx, { type: 'account.contact_changed', field });
    }
    return flow.at + 2 * min;
  }
  /** A planted account's plain past: one password sign-in a day from home, `from` up to `to`. */
  quietPast(c: Customer, from: number, to: number) {
    for (let t = from; t < to - 2 * hour; t += day)
      this.emit(c, t + this.int(0, 2 * hour), this.home(c), { type: 'login.succeeded', method: 'password' });
  }
}

const times = (n: number, span: number, each: (t: number, i: number) => void) =>
  Array.from({ length: n }, (_, i) => each((i * span) / (n - 1), i));

/** One planted case per call: `k` picks the intensity (positives) or the near miss (negatives). Returns the variant. */
type Plant = (r: Recorder, c: Customer, at: number, positive: boolean, k: number, benign: Customer[]) => string;
const x = [1, 2, 4];

const plants: Record<AlertRule, Plant> = {
  unrequested_otp_burst(r, c, at, positive, k) {
    r.quietPast(c, at - 10 * day, at - day);
    const ctx = r.attacker();
    const burst = (n: number, span: number) =>
      times(n, span, (t) =>
        r.emit(c, at + t, ctx, { type: 'otp.issued', otpId: r.id('otp'), channel: 'sms', purpose: 'login' }),
      );
    const n = positive ? 5 * x[k % 3]! : [4, 5, 5][k % 3]!;
    burst(n, positive ? (8 + (k % 3)) * min : [8, 10.5, 9][k % 3]! * min);
    if (positive) return `${n} codes in ≤10 min`;
    if (k % 3 === 2)
      r.emit(c, at + 4.6 * min, r.home(c), {
        type: 'otp.verified',
        otpId: r.id('otp'),
        channel: 'sms',
        purpose: 'login',
      });
    return ['4 codes in 8 min', '5 codes over 10.5 min', '5 codes in 9 min, a verified code between'][k % 3]!;
  },
  otp_guessing(r, c, at, positive, k) {
    r.quietPast(c, at - 10 * day, at - day);
    const ctx = r.attacker();
    // Guessing paced by the platform: 5 tries a code (the 5th wrong one is max_attempts), a new code every `every`.
    const guess = (n: number, perCode: number, every: number) => {
      for (let left = n, t = at; left > 0; t += every) {
        const otp = { otpId: r.id('otp'), channel: 'sms' as const, purpose: 'login' as const };
        r.emit(c, t, ctx, { type: 'otp.issued', ...otp });
        const m = Math.min(perCode, left);
        for (let i = 1; i <= m; i++)
          r.emit(c, t + i * 20_000, ctx, { type: 'otp.failed', ...otp, reason: 'incorrect' });
        if (m === 4) r.emit(c, t + 100_000, ctx, { type: 'otp.failed', ...otp, reason: 'max_attempts' });
        left -= m;
      }
    };
    const [n, perCode, every] = positive
      ? [5 * x[k % 3]!, 4, 4 * min]
      : (
          [
            [4, 4, 4 * min],
            [4, 2, 1.5 * min],
            [5, 2, 5.25 * min],
          ] as const
        )[k % 3]!;
    guess(n, perCode, every);
    return positive
      ? `${n} wrong codes`
      : ['one code burned (4 incorrect + max_attempts)', '4 wrong across 2 codes', '5 wrong over 10.5 min'][k % 3]!;
  },
  password_bruteforce(r, c, at, positive, k) {
    r.quietPast(c, at - 10 * day, at - day);
    const ctx = r.attacker();
    const tries = (n: number, span: number) =>
      times(n, span, (t) => r.emit(c, at + t, ctx, { type: 'login.failed', reason: 'bad_password' }));
    const n = positive ? 10 * x[k % 3]! : 9 + (k % 2);
    tries(n, positive ? (12 + (k % 3)) * min : [14, 15.5][k % 2]! * min);
    return positive ? `${n} wrong passwords in ≤15 min` : ['9 in 14 min', '10 over 15.5 min'][k % 2]!;
  },
  credential_stuffing(r, _c, at, positive, k, benign) {
    const ctx = r.attacker();
    const stuff = (n: number, span: number) => {
      const victims = r.f.helpers.arrayElements(benign, n);
      times(n, span, (t, i) =>
        r.emit(victims[i]!, at + t, { ...ctx, deviceId: r.device() }, { type: 'login.failed', reason: 'bad_password' }),
      );
    };
    const n = positive ? 20 * x[k % 3]! : 19 + (k % 2);
    stuff(n, positive ? (8 + (k % 3)) * min : [9, 10.5][k % 2]! * min);
    return positive ? `${n} accounts in ≤10 min` : ['19 accounts in 9 min', '20 accounts over 10.5 min'][k % 2]!;
  },
  new_device_new_country(r, c, at, positive, k) {
    const away = r.f.helpers.arrayElement(attackCountries);
    const variant = positive
      ? ['account 8 days old', 'new device, neighbouring country', 'country last seen 91 days ago'][k % 3]!
      : ['account 6 days old', 'new phone at home', 'known device abroad', 'country last seen 89 days ago'][k % 4]!;
    const age = variant.includes('8 days') ? 8 : variant.includes('6 days') ? 6 : 10;
    const oldVisit = variant.match(/(\d+) days ago/);
    // An old trip to the attacker's country with the customer's own phone.
    if (oldVisit)
      r.emit(
        c,
        at - Number(oldVisit[1]) * day,
        { ...r.home(c), country: away },
        { type: 'login.succeeded', method: 'password' },
      );
    r.quietPast(c, at - age * day, at - 1.5 * day);
    const ctx = variant.startsWith('new device')
      ? r.attacker(r.f.helpers.arrayElement(neighbours[c.home as Home]))
      : r.attacker(variant === 'new phone at home' ? c.home : away);
    if (variant === 'known device abroad') ctx.deviceId = c.devices[0]!;
    r.emit(c, at, ctx, { type: 'login.succeeded', method: 'password' });
    return variant;
  },
  impossible_travel(r, c, at, positive, k) {
    if (positive && k % 4 === 3) {
      // Proxies in neighbouring countries, each hop under 500 km (DE→CZ 481, CZ→PL 403), DE→PL 769 km in 20 min.
      r.quietPast(c, at - 10 * day, at - 20 * min - 2 * hour);
      r.emit(c, at - 20 * min, r.home(c), { type: 'login.succeeded', method: 'password' });
      r.emit(
        c,
        at - 10 * min,
        { ...r.attacker('CZ'), deviceId: c.devices[0]! },
        { type: 'login.succeeded', method: 'password' },
      );
      r.emit(c, at, { ...r.attacker('PL'), deviceId: c.devices[0]! }, { type: 'login.succeeded', method: 'password' });
      return 'chain DE→CZ→PL, each hop under 500 km, in 20 min';
    }
    const near = !positive && k % 2 === 1;
    const to = near
      ? ({ BE: 'NL', AT: 'CH', DE: 'NL' } as Record<string, string>)[c.home]!
      : r.f.helpers.arrayElement(holidays.filter((h) => (countryDistanceKm(c.home, h) ?? 0) > 1500));
    const km = countryDistanceKm(c.home, to)!;
    const speed = positive ? 900 * [1.25, 2, 4][k % 3]! : 900 * 0.8;
    const last = at - (near ? 10 * min : (km / speed) * hour);
    r.quietPast(c, at - 10 * day, last - 2 * hour);
    r.emit(c, last, r.home(c), { type: 'login.succeeded', method: 'password' });
    r.emit(c, at, { ...r.attacker(to), deviceId: c.devices[0]! }, { type: 'login.succeeded', method: 'password' });
    return near ? `neighbours ${c.home}→${to} (${Math.round(km)} km) in 10 min` : `${Math.round(speed)} km/h`;
  },
  contact_change_then_risk(r, c, at, positive, k) {
    const changed = at - 24 * hour;
    r.quietPast(c, at - 10 * day, changed - hour);
    c.phone = `+44770${r.f.string.numeric(7)}`;
    // A takeover: whoever changes the contact and then cashes in acts from a device of their own. The
    // near misses are the customer's own, from home.
    const actor = positive ? r.attacker(c.home) : r.home(c);
    r.emit(c, changed, actor, { type: 'account.contact_changed', field: 'phone' });
    const risks: [string, Body][] = [
      ['2FA off', { type: 'account.2fa_changed', enabled: false, method: 'sms' }],
      ['password changed', { type: 'account.password_changed' }],
      ['transaction code', { type: 'otp.issued', otpId: r.id('otp'), channel: 'sms', purpose: 'transaction' }],
    ];
    const [name, body] = risks[Math.floor(k / 3) % 3]!;
    if (positive) {
      r.emit(c, changed + [5 * min, 6 * hour, 23.5 * hour][k % 3]!, actor, body);
      return `${name} after ${['5 min', '6 h', '23.5 h'][k % 3]!}`;
    }
    const near: [number, Body, string][] = [
      [24.5 * hour, body, `${name} after 24.5 h`],
      [hour, { type: 'account.2fa_changed', enabled: true, method: 'sms' }, '2FA on after 1 h'],
      [-hour, { type: 'account.password_changed' }, 'password changed 1 h before'],
      [hour, { type: 'otp.issued', otpId: r.id('otp'), channel: 'sms', purpose: 'login' }, 'login code after 1 h'],
    ];
    const [after, miss, variant] = near[k % 4]!;
    r.emit(c, changed + after, r.home(c), miss);
    return variant;
  },
  sms_pumping(r, c, at, positive, k) {
    // Each case its own country and prefix (benign customers all live under +44770), so cases never share a window.
    const cc = pumpingCountries[(positive ? 0 : 25) + (k % 25)]!;
    const prefix = (n: number) => `+${cc}${positive ? 9 : 7}${String(n).padStart(2, '0')}`;
    // Pumpers sign up throwaway accounts, a few codes each: no single account looks bombed (that is another rule).
    const bots: Customer[] = [];
    let signedUp = 0;
    const ctx = r.attacker();
    /** `n` codes over `span` to fresh numbers under `to`, a share of them verified, evenly spread. */
    const wave = (to: string, n: number, span: number, verified: number, channel: 'sms' | 'voice' = 'sms') =>
      times(n, span, (t, i) => {
        if (i % 4 === 0) bots.push(r.customer(`${c.id}_${(signedUp += 1)}`));
        const bot = bots.at(-1)!;
        bot.phone = `${to}${r.f.string.numeric(7)}`;
        const otp = { otpId: r.id('otp'), channel, purpose: 'login' as const };
        r.emit(bot, at + t, ctx, { type: 'otp.issued', ...otp });
        if (Math.floor((i + 1) * verified) > Math.floor(i * verified))
          r.emit(bot, at + t + 20_000, ctx, { type: 'otp.verified', ...otp });
      });
    const mine = prefix(k);
    r.lastPrefix = mine;
    if (positive) {
      const [n, span, verified, channel] = (
        [
          [60, 9 * min, 0, 'sms'],
          [100, 8 * min, 0.05, 'voice'],
          [200, 10 * min, 0.08, 'sms'],
        ] as const
      )[k % 3]!;
      wave(mine, n, span, verified, channel);
      // The third kind hides among the country's ordinary codes, which are mostly used.
      if (k % 3 === 2) wave(`+${cc}5${String(k).padStart(2, '0')}`, 40, 10 * min, 0.85);
      return [
        `${n} codes in 9 min, none used`,
        `${n} voice codes, 5 % used`,
        `${n} codes, 8 % used, beside normal traffic`,
      ][k % 3]!;
    }
    switch (k % 4) {
      case 0:
        wave(mine, 49, 10 * min, 0);
        return '49 codes in 10 min, none used';
      case 1:
        wave(mine, 150, 10 * min, 0.85);
        return 'a popular prefix: 150 codes, 85 % used';
      case 2:
        // A carrier outage: every prefix of the country converts badly, this one no worse than half the rest.
        wave(mine, 60, 10 * min, 0.05);
        wave(`+${cc}6${String(k).padStart(2, '0')}`, 40, 10 * min, 0.075);
        wave(`+${cc}8${String(k).padStart(2, '0')}`, 40, 10 * min, 0.075);
        return 'carrier outage: 60 codes 5 % used, the rest of the country 7.5 %';
      default:
        wave(mine, 60, 10 * min, 0.15);
        return '60 codes, 15 % used';
    }
  },
};

/** Calling codes for planted pumping (none is a benign customer's +44). */
const pumpingCountries = [
  '234',
  '254',
  '233',
  '255',
  '256',
  '63',
  '62',
  '84',
  '880',
  '92',
  '94',
  '977',
  '20',
  '212',
  '216',
  '213',
  '27',
  '55',
  '57',
  '51',
  '56',
  '58',
  '593',
  '591',
  '595',
  '598',
  '52',
  '502',
  '503',
  '504',
  '505',
  '506',
  '507',
  '509',
  '53',
  '7',
  '380',
  '375',
  '373',
  '374',
  '994',
  '995',
  '996',
  '998',
  '992',
  '993',
  '90',
  '98',
  '964',
  '962',
];

export function detectionTraffic(options: {
  benign: number;
  cases: number;
  seed: number;
  end: number;
}): DetectionTraffic {
  const f = new Faker({ locale: [en, base], seed: options.seed });
  // Carrier-grade NAT: every mobile customer shares one of a few addresses (about 400 of ours each).
  const nat = Array.from(
    { length: Math.max(2, Math.ceil(options.benign / 1000)) },
    (_, i) => `100.64.${i % 256}.${1 + (i >> 8)}`,
  );
  const r = new Recorder(f, options.end, nat);
  // Ten whole UTC days of history, then today up to `end`.
  const start = Math.floor(options.end / day) * day - 10 * day;
  const benign = Array.from({ length: options.benign }, (_, i) => r.customer(`cus_${options.seed}_${i}`));
  for (const c of benign) r.benign(c, start);
  const cases: PlantedCase[] = [];
  for (const rule of Object.keys(plants) as AlertRule[]) {
    for (const positive of [true, false]) {
      for (let k = 0; k < options.cases; k++) {
        const home =
          rule === 'impossible_travel' && !positive && k % 2 === 1
            ? f.helpers.arrayElement(['BE', 'AT', 'DE'] as const)
            : rule === 'impossible_travel' && positive && k % 4 === 3
              ? ('DE' as const)
              : undefined;
        const c = r.customer(`cus_${options.seed}_${rule.replace(/_/g, '')}_${positive ? 'p' : 'n'}${k}`, home);
        c.mobile = false;
        const at = options.end - r.int(2 * hour, 20 * hour);
        const variant = plants[rule](r, c, at, positive, k, benign);
        const subject =
          rule === 'credential_stuffing' ? r.lastAttackerIp : rule === 'sms_pumping' ? r.lastPrefix : c.id;
        cases.push({ rule, subject, positive, variant });
      }
    }
  }
  r.events.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
  return { events: r.events, benign: new Set(benign.map((c) => c.id)), cases };
}
