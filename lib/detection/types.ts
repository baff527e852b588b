import type { AlertRule, AlertSeverity, AlertSubjectType } from '@/db/schema';
import type { IngestEventType } from '@/lib/ingest/event-schema';
import type { DetectionSettings } from './settings';

/** An event as the rules see it: one shape for logins, OTPs and account changes; times in epoch ms. */
export interface DetectionEvent {
  /** The platform's event id (evidence is reported by it). */
  eventId: string;
  type: IngestEventType;
  occurredAt: number;
  /** Vigil's account id and the platform's. */
  accountId: string;
  account: string;
  ip?: string | null;
  deviceId?: string | null;
  country?: string | null;
  /** login.failed / otp.failed / otp.delivery_failed reason. */
  reason?: string | null;
  otpId?: string | null;
  channel?: string | null;
  purpose?: string | null;
  /** Where an SMS or voice code went (E.164). */
  destination?: string | null;
  /** account.contact_changed */
  field?: string | null;
  /** account.2fa_changed */
  enabled?: boolean | null;
}

export interface RuleHit {
  /** The events that triggered it, oldest first. */
  evidence: DetectionEvent[];
  /** What the rule found, for people reading the alert. */
  details: Record<string, unknown>;
}

export interface RuleInput {
  /** The subject's events around the batch's new events, sorted by occurredAt (then event id). */
  events: readonly DetectionEvent[];
  /** Prefix rules: the country's codes by destination prefix and minute, from the rollup (never raw events). */
  prefixCounts?: readonly PrefixMinute[];
  /** Prefix rules: the country calling code the counts belong to. */
  countryCode?: string;
  /** When the account's earliest event happened (account rules only). */
  accountFirstEventAt?: number;
}

/** One minute of one destination prefix (calling code + 6 national digits) of a country: codes issued and verified. */
export interface PrefixMinute {
  minute: number;
  prefix: string;
  issued: number;
  verified: number;
}

/** What decides whether an event can be part of a rule's evidence (a stored event, or one a batch brings). */
export interface EvidenceFacts {
  type: IngestEventType;
  reason?: string | null | undefined;
  purpose?: string | null | undefined;
  enabled?: boolean | null | undefined;
  channel?: string | null | undefined;
}

export interface RuleDefinition<R extends AlertRule = AlertRule> {
  rule: R;
  subject: AlertSubjectType;
  /**
   * Whether an event can be part of one of this rule's hits. A hit counts only if its evidence includes a
   * new event, so a subject whose new events all fail this test is not evaluated for the rule: its events
   * are not even read (lib/detection/work). `evaluate` picks its evidence with this same test.
   */
  evidence: (e: EvidenceFacts) => boolean;
  /** The rule looks at the account's longer history (devices and countries seen), not only around the new events. */
  readsHistory?: boolean;
  severity: AlertSeverity;
  title: string;
  /** One sentence for the settings page and the alert view. */
  describe: (settings: DetectionSettings[R]) => string;
  evaluate: (input: RuleInput, settings: DetectionSettings[R]) => RuleHit[];
}

export const minuteMs = 60_000;
export const hourMs = 60 * minuteMs;
export const dayMs = 24 * hourMs;
