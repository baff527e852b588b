import type { Faker } from '@faker-js/faker';

export type TwoFactor = 'sms' | 'email' | 'totp' | null;

export interface DemoAccount {
  externalId: string;
  displayName: string;
  email: string;
  phone: string;
  country: string;
  devices: string[];
  homeIp: string;
  userAgent: string;
  twoFactor: TwoFactor;
  /** Mean sign-ins per day. */
  activity: number;
  /** Day index (from the start of the range) of the account's first event. */
  joinedDay: number;
  /** A trip the demo must contain (the generator also sends customers on trips at random). */
  plannedTrip?: { country: string; startsDaysAgo: number; days: number };
  /** False for the incident accounts: their stories are told by the incidents alone. */
  randomTrips?: boolean;
  /** Where the customer is while abroad, until which day index (generator state). */
  trip?: { country: string; untilDay: number } | undefined;
}

/** Home countries with a plausible phone prefix and share of customers. */
export const countries = [
  {
    code: 'US',
    weight: 34,
    phone: (f: Faker) => `+1${f.helpers.arrayElement(['212', '312', '415', '646', '713'])}555${f.string.numeric(4)}`,
  },
  { code: 'GB', weight: 20, phone: (f: Faker) => `+447700900${f.string.numeric(3)}` },
  { code: 'DE', weight: 12, phone: (f: Faker) => `+49151${f.string.numeric(8)}` },
  { code: 'FR', weight: 10, phone: (f: Faker) => `+3361${f.string.numeric(7)}` },
  { code: 'IN', weight: 8, phone: (f: Faker) => `+9198${f.string.numeric(8)}` },
  { code: 'NL', weight: 6, phone: (f: Faker) => `+3161${f.string.numeric(7)}` },
  { code: 'ES', weight: 5, phone: (f: Faker) => `+3461${f.string.numeric(7)}` },
  { code: 'BR', weight: 5, phone: (f: Faker) => `+5511${f.string.numeric(9)}` },
] as const;

const userAgents = [
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'StoreApp/8.4.1 (iOS 18.1; iPhone15,2)',
  'StoreApp/8.4.1 (Android 15; SM-S921B)',
];

const mailDomains = ['example.com', 'example.org', 'example.net'];

export function demoAccount(f: Faker, index: number, days: number): DemoAccount {
  const first = f.person.firstName();
  const last = f.person.lastName();
  const home = f.helpers.weightedArrayElement(countries.map((c) => ({ value: c, weight: c.weight })));
  const local = `${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, '');
  return {
    externalId: `cus_${f.string.alphanumeric({ length: 10, casing: 'lower' })}`,
    displayName: `${first} ${last}`,
    email: `${local}${index % 7 === 0 ? f.number.int({ min: 1, max: 99 }) : ''}@${f.helpers.arrayElement(mailDomains)}`,
    phone: home.phone(f),
    country: home.code,
    devices: Array.from(
      { length: f.number.int({ min: 1, max: 3 }) },
      () => `dev_${f.string.alphanumeric({ length: 12, casing: 'lower' })}`,
    ),
    homeIp: f.internet.ipv4(),
    userAgent: f.helpers.arrayElement(userAgents),
    // Of the accounts with 2FA: SMS 60 %, e-mail 20 %, authenticator app 20 %.
    twoFactor: f.helpers.weightedArrayElement<TwoFactor>([
      { value: null, weight: 55 },
      { value: 'sms', weight: 27 },
      { value: 'email', weight: 9 },
      { value: 'totp', weight: 9 },
    ]),
    activity: f.number.float({ min: 0.15, max: 1.6 }),
    joinedDay: f.number.float() < 0.1 ? f.number.int({ min: 1, max: Math.max(1, days - 1) }) : 0,
  };
}
