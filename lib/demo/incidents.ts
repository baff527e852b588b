import type { DemoAccount } from './demo-profiles';
import type { EventFactory } from './event-factory';

/*
 * Named accounts with a normal history, and on the last day the incidents detection must find
 * (README, "Detection and alerts"). Their platform ids and names are stable so demos, docs and tests can point at them.
 */
export const incidentAccounts: DemoAccount[] = [
  {
    externalId: 'cus_demo_bombed',
    displayName: 'Nadia Okafor',
    email: 'nadia.okafor@example.com',
    phone: '+447700900181',
    country: 'GB',
    devices: ['dev_nadia_iphone'],
    homeIp: '81.2.69.160',
    userAgent: 'StoreApp/8.4.1 (iOS 18.1; iPhone15,2)',
    twoFactor: 'sms',
    activity: 0.8,
    joinedDay: 0,
  },
  {
    externalId: 'cus_demo_guessed',
    displayName: 'Tomás Silva',
    email: 'tomas.silva@example.org',
    phone: '+5511987650043',
    country: 'BR',
    devices: ['dev_tomas_android'],
    homeIp: '177.71.128.20',
    userAgent: 'StoreApp/8.4.1 (Android 15; SM-S921B)',
    twoFactor: 'sms',
    activity: 0.7,
    joinedDay: 0,
  },
  {
    externalId: 'cus_demo_bruteforce',
    displayName: 'Priya Raman',
    email: 'priya.raman@example.net',
    phone: '+919876543210',
    country: 'IN',
    devices: ['dev_priya_laptop'],
    homeIp: '49.36.12.8',
    userAgent:
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
    twoFactor: null,
    activity: 0.6,
    joinedDay: 0,
  },
  {
    externalId: 'cus_demo_traveller',
    displayName: 'Oliver Bennett',
    email: 'oliver.bennett@example.com',
    phone: '+447700900222',
    country: 'GB',
    devices: ['dev_oliver_mac'],
    homeIp: '86.128.4.17',
    userAgent:
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
    twoFactor: null,
    activity: 1.2,
    joinedDay: 0,
  },
  {
    externalId: 'cus_demo_jetlag',
    displayName: 'Mei Tanaka',
    email: 'mei.tanaka@example.jp',
    phone: '+819012345678',
    country: 'JP',
    devices: ['dev_mei_phone', 'dev_mei_laptop'],
    homeIp: '126.0.45.10',
    userAgent: 'StoreApp/8.4.1 (iOS 18.1; iPhone16,1)',
    twoFactor: null,
    activity: 1.0,
    joinedDay: 0,
    plannedTrip: { country: 'US', startsDaysAgo: 21, days: 6 },
  },
  {
    externalId: 'cus_demo_simswap',
    displayName: 'Grace Kim',
    email: 'grace.kim@example.com',
    phone: '+13125550147',
    country: 'US',
    devices: ['dev_grace_iphone'],
    homeIp: '73.22.190.4',
    userAgent:
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
    twoFactor: 'sms',
    activity: 0.9,
    joinedDay: 0,
  },
];

const minute = 60_000;

export function plantIncidents(fx: EventFactory, accounts: DemoAccount[], start: number, end: number) {
  const byId = (id: string) => accounts.find((a) => a.externalId === id)!;

  // 1. OTP bombing: 18 login codes in 9 minutes that Nadia never asked for (someone has her password).
  const nadia = byId('cus_demo_bombed');
  const bomber = { ip: '45.155.205.3', deviceId: 'dev_unknown_7f3a', country: 'NL', userAgent: 'python-requests/2.32' };
  for (let i = 0; i < 18; i++) {
    fx.push({
      type: 'otp.issued',
      otpId: fx.nextId('otp'),
      channel: 'sms',
      purpose: 'login',
      account: fx.accountRef(nadia),
      context: bomber,
      at: end - 180 * minute + i * 30_000,
    });
  }

  // 2. OTP guessing: 12 wrong codes across three codes in 8 minutes; each new code does not reset the count.
  const tomas = byId('cus_demo_guessed');
  const guesser = { ip: '91.219.236.18', deviceId: 'dev_unknown_c21b', country: 'UA' };
  for (let code = 0; code < 3; code++) {
    const otpId = fx.nextId('otp');
    const start = end - 150 * minute + code * 160_000;
    fx.push({
      type: 'otp.issued',
      otpId,
      channel: 'sms',
      purpose: 'login',
      account: fx.accountRef(tomas),
      context: guesser,
      at: start,
    });
    for (let i = 0; i < 4; i++) {
      fx.push({
        type: 'otp.failed',
        otpId,
        channel: 'sms',
        purpose: 'login',
        reason: i === 3 && code === 2 ? 'max_attempts' : 'incorrect',
        account: fx.accountRef(tomas),
        context: guesser,
        at: start + (i + 1) * 25_000,
      });
    }
  }

  // 3. Password brute force: 25 wrong passwords in 12 minutes from one address.
  const priya = byId('cus_demo_bruteforce');
  const brute = { ip: '193.42.33.7', deviceId: 'dev_unknown_0b9e', country: 'RU' };
  for (let i = 0; i < 25; i++) {
    fx.push({
      type: 'login.failed',
      reason: 'bad_password',
      account: fx.accountRef(priya),
      context: brute,
      at: end - 120 * minute + i * 28_000,
    });
  }

  // 4. Credential stuffing: one IP fails against 40 different accounts within 9 minutes.
  const stuffer = { ip: '185.220.101.47', country: 'DE', userAgent: 'Mozilla/5.0 (compatible; checker/1.0)' };
  accounts.slice(10, 50).forEach((a, i) => {
    fx.push({
      type: 'login.failed',
      reason: 'bad_password',
      account: fx.accountRef(a),
      context: { ...stuffer, deviceId: `dev_stuff_${i}` },
      at: end - 100 * minute + i * 13_000,
    });
  });

  // 5. New device in a new country (and too far from home for the time elapsed).
  const oliver = byId('cus_demo_traveller');
  fx.push({
    type: 'login.succeeded',
    method: 'password',
    account: fx.accountRef(oliver),
    context: { ip: oliver.homeIp, deviceId: oliver.devices[0], country: 'GB', userAgent: oliver.userAgent },
    at: end - 330 * minute,
  });
  fx.push({
    type: 'login.succeeded',
    method: 'password',
    account: fx.accountRef(oliver),
    context: {
      ip: '200.160.2.3',
      deviceId: 'dev_oliver_unknown_android',
      country: 'BR',
      userAgent: 'Mozilla/5.0 (Linux; Android 13)',
    },
    at: end - 270 * minute,
  });

  // 6. Impossible travel: Mei signs in at home in Japan, then 40 minutes later from the United States — a
  // country she visited three weeks ago, so neither device nor country is new; only the speed gives it away.
  const mei = byId('cus_demo_jetlag');
  const meiAt = (country: string, deviceId: string, ip: string, at: number) =>
    fx.push({
      type: 'login.succeeded',
      method: 'password',
      account: fx.accountRef(mei),
      context: { ip, deviceId, country, userAgent: mei.userAgent },
      at,
    });
  const duringTrip = end - 18 * 24 * 60 * minute;
  if (duringTrip >= start) meiAt('US', 'dev_mei_phone', '104.28.44.9', duringTrip); // a range this long holds her trip
  meiAt('JP', 'dev_mei_phone', mei.homeIp, end - 240 * minute);
  meiAt('US', 'dev_mei_laptop', '104.28.51.77', end - 200 * minute);

  // 7. A phone change, then 2FA turned off, then a payment code to the new phone (SIM-swap pattern).
  const grace = byId('cus_demo_simswap');
  const swapper = { ip: '102.89.34.12', deviceId: 'dev_unknown_51aa', country: 'US' };
  grace.phone = '+13125550999';
  fx.push({
    type: 'account.contact_changed',
    field: 'phone',
    account: fx.accountRef(grace),
    context: swapper,
    at: end - 360 * minute,
  });
  fx.push({
    type: 'account.2fa_changed',
    enabled: false,
    account: fx.accountRef(grace),
    context: swapper,
    at: end - 320 * minute,
  });
  const payment = fx.nextId('otp');
  fx.push({
    type: 'otp.issued',
    otpId: payment,
    channel: 'sms',
    purpose: 'transaction',
    account: fx.accountRef(grace),
    context: swapper,
    at: end - 300 * minute,
  });
  fx.push({
    type: 'otp.verified',
    otpId: payment,
    channel: 'sms',
    purpose: 'transaction',
    account: fx.accountRef(grace),
    context: swapper,
    at: end - 299 * minute,
  });

  // 8. SMS pumping: 80 login codes in 9 minutes to numbers under +234 905, requested through 40 freshly
  // signed-up accounts (two codes each, so no single account looks bombed); 2 of the codes are ever used.
  const pumper = { ip: '41.58.112.9', deviceId: 'dev_unknown_9e02', country: 'NG', userAgent: 'okhttp/4.12.0' };
  for (let i = 0; i < 80; i++) {
    const otpId = fx.nextId('otp');
    const account = {
      id: `cus_demo_pump_${String(1 + (i % 40)).padStart(2, '0')}`,
      phone: `+234905${String(1_000_000 + i * 7919).slice(-7)}`,
    };
    const at = end - 100 * minute + i * 6_750;
    fx.push({ type: 'otp.issued', otpId, channel: 'sms', purpose: 'login', account, context: pumper, at });
    if (i % 40 === 7)
      fx.push({
        type: 'otp.verified',
        otpId,
        channel: 'sms',
        purpose: 'login',
        account,
        context: pumper,
        at: at + 40_000,
      });
  }
}
