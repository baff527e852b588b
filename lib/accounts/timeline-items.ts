import type { TimelineKind } from './timeline-cursor';

/** An alert or a fraud report that holds this row's event as evidence. */
export interface EvidenceLink {
  type: 'alert' | 'report';
  id: string;
  label: string;
}

interface Row<K extends TimelineKind> {
  kind: K;
  /** The row's id within its kind: an event, audit or outbox id, or an alert or report uuid. */
  id: string;
  occurredAt: Date;
  /** The exact time (microseconds, UTC), the row's key with kind and id. */
  at: string;
  ip: string | null;
  country: string | null;
  deviceId: string | null;
  userAgent: string | null;
  evidenceFor: EvidenceLink[];
}

export interface CodeEvent {
  id: string;
  eventId: string;
  occurredAt: Date;
  kind: 'issued' | 'verified' | 'failed' | 'delivery_failed' | 'delivered';
  failureReason: string | null;
  ip: string | null;
  country: string | null;
}

export type LoginRow = Row<'login'> & {
  eventId: string;
  outcome: 'succeeded' | 'failed';
  method: string | null;
  failureReason: string | null;
  /** No earlier login event of this account came from this device / country. */
  firstSeenDevice: boolean;
  firstSeenCountry: boolean;
};

/** One code (one `otpId`), at the time of its first event, with every event of it in time order. */
export type CodeRow = Row<'code'> & {
  otpId: string;
  channel: string;
  purpose: string;
  /** The newest event's kind: where the code ended up. */
  outcome: CodeEvent['kind'];
  events: CodeEvent[];
};

export type ChangeRow = Row<'change'> & {
  eventId: string;
  change: 'contact_changed' | 'password_changed' | '2fa_changed';
  field: 'email' | 'phone' | null;
  /** The value before, when an earlier change of the same field told it; masked for roles that see contacts masked. */
  oldValue: string | null;
  newValue: string | null;
  twoFactorEnabled: boolean | null;
  twoFactorMethod: string | null;
};

export type StaffRow = Row<'staff'> & {
  action: string;
  actorEmail: string;
  actorRole: string;
  reason: string | null;
};

export type AlertRow = Row<'alert'> & {
  rule: string;
  title: string;
  severity: 'critical' | 'high' | 'medium' | 'low';
  status: 'open' | 'acknowledged' | 'resolved' | 'dismissed';
  evidenceCount: number;
  assignee: string | null;
};

export type ReportRow = Row<'report'> & {
  reference: string;
  category: string;
  status: string;
  priority: string;
  assignee: string | null;
};

export type NoticeRow = Row<'notice'> & {
  channel: string;
  /** Masked for roles that see contacts masked. */
  to: string | null;
  text: string;
  status: string;
};

export type TimelineItem = LoginRow | CodeRow | ChangeRow | StaffRow | AlertRow | ReportRow | NoticeRow;
