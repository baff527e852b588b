import { minuteMs, type DetectionEvent } from '../types';

/** How long before a login its own sign-in steps (the 2FA code) happen; codes live at most 10 minutes. */
export const signInMs = 15 * minuteMs;

/**
 * Events that show the customer was really there: a successful login, a verified code, a change to the
 * account. Failed tries and codes merely sent do not count (an attacker's failed attempts would otherwise
 * vouch for his own device).
 */
export const vouches = (e: DetectionEvent) =>
  e.type === 'login.succeeded' || e.type === 'otp.verified' || e.type.startsWith('account.');

/**
 * When each device and country was last vouched for, read in one pass over time-ordered events. A login
 * code verified just before a login is that login's own 2FA step, not history: it starts to count only
 * `signInMs` later (every new-device login verifies a code from that device seconds earlier).
 */
export class SeenTracker {
  private readonly device = new Map<string, number>();
  private readonly country = new Map<string, number>();
  private readonly pending: DetectionEvent[] = [];

  /** Makes every event before `at` count (call with each event's time, in order, before asking). */
  advance(at: number): void {
    while (this.pending.length > 0 && this.pending[0]!.occurredAt + signInMs < at) this.record(this.pending.shift()!);
  }

  add(e: DetectionEvent): void {
    if (!vouches(e)) return;
    if (e.type === 'otp.verified' && e.purpose === 'login') this.pending.push(e);
    else this.record(e);
  }

  private record(e: DetectionEvent): void {
    if (e.deviceId) this.device.set(e.deviceId, e.occurredAt);
    if (e.country) this.country.set(e.country, e.occurredAt);
  }

  deviceSeen(deviceId: string, at: number, withinMs: number): boolean {
    const last = this.device.get(deviceId);
    return last !== undefined && at - last <= withinMs;
  }

  countrySeen(country: string, at: number, withinMs: number): boolean {
    const last = this.country.get(country);
    return last !== undefined && at - last <= withinMs;
  }

  countriesSeen(at: number, withinMs: number): string[] {
    return [...this.country].filter(([, last]) => at - last <= withinMs).map(([c]) => c);
  }
}
